import { describe, expect, it } from "vitest";
import { anEpisode } from "./fixtures.js";
import type { Severity } from "../../src/core/model/index.js";
import type { NotificationLine } from "../../tools/replay/line.js";
import type { TruthIncidentSpec } from "../../tools/scenario/format.js";
import { parseScenario } from "../../tools/scenario/load.js";
import {
  identityAliases,
  matches,
  NEVER,
  scoreScenario,
  spread,
  summarize,
  vaultwatchRun,
  type Episode,
} from "../../tools/bench/score.js";

const T0 = Date.parse("2026-03-02T01:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();
const VAULT_ID =
  "/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61/resourceGroups/rg-orders-prod/providers/Microsoft.KeyVault/vaults/kv-orders-prod";
const OBJECT_ID = "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93";
const WORKSPACE_ID =
  "/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-vaultwatch";

function line(o: Partial<NotificationLine> & { at: string; event: NotificationLine["event"] }): NotificationLine {
  return {
    kind: o.event === "fired" ? "opened" : o.event === "escalated" ? "escalated" : o.event,
    incident: "inc-1",
    rule: "kv-auth-denied",
    severity: "SEV-1",
    hypothesis: "H2",
    verdict: "likely",
    vault: "kv-orders-prod",
    identity: "id-func-orders",
    app: null,
    summary: "",
    members: null,
    ...o,
  } as NotificationLine;
}

/** The truth of every case below unless it says otherwise: failures from 01:03 to 01:20. */
function truth(o: Partial<TruthIncidentSpec> = {}): TruthIncidentSpec {
  return {
    name: "rbac",
    onset: at(3),
    recovered: at(20),
    hypothesis: "H2",
    severity: "SEV-1",
    vault: "kv-orders-prod",
    identity: "id-func-orders",
    ...o,
  };
}

const scenario = { name: "s", start: at(-60), end: at(120) };

function episode(o: Partial<Episode> = {}): Episode {
  return anEpisode({ incident: "e", firedAt: at(7), resolvedAt: at(30), ...o });
}

describe("scoring vaultwatch against the truth", () => {
  it("times detection from onset and the all-clear from recovery: fired 4 minutes after onset, resolved 10 minutes after recovery", () => {
    const run = vaultwatchRun([line({ at: iso(7), event: "fired" }), line({ at: iso(30), event: "resolved" })]);
    const s = scoreScenario(scenario, [truth()], run);
    expect(s.truths[0]).toMatchObject({ detected: true, ttdMs: 4 * 60_000, ttrMs: 10 * 60_000, matchedEpisodes: 1 });
    expect(s.truths[0]!.hypothesis).toEqual({ got: "H2", want: "H2" });
    expect(s.truths[0]!.severity).toEqual({ got: "SEV-1", want: "SEV-1" });
    expect(summarize([s])).toMatchObject({ precision: { num: 1, den: 1 }, recall: { num: 1, den: 1 } });
  });

  it("count a detection outside [onset − 15 min, recovered + 30 min] as a false positive, which lowers precision but not recall", () => {
    const lines = [
      line({ at: iso(-20), event: "fired", incident: "early" }), // 23 minutes before onset
      line({ at: iso(7), event: "fired" }),
      line({ at: iso(51), event: "fired", incident: "late" }), // 31 minutes after recovery
    ];
    const s = scoreScenario(scenario, [truth()], vaultwatchRun(lines));
    expect(s).toMatchObject({ detections: 3, truePositives: 1 });
    const x = summarize([s]);
    expect(x.precision).toEqual({ num: 1, den: 3 });
    expect(x.recall).toEqual({ num: 1, den: 1 });
    // The early one would have been the first detection: it does not shorten the time to detect.
    expect(s.truths[0]!.ttdMs).toBe(4 * 60_000);
  });

  it("include both ends of the window: 15 minutes before onset (a control-plane finding) and 30 minutes after recovery", () => {
    expect(matches(episode({ firedAt: at(3 - 15) }), truth())).toBe(true);
    expect(matches(episode({ firedAt: at(20 + 30) }), truth())).toBe(true);
    expect(matches(episode({ firedAt: at(3 - 16) }), truth())).toBe(false);
    // Before onset the time to detect is negative.
    const s = scoreScenario(scenario, [truth()], {
      episodes: [episode({ firedAt: at(-7), rule: "control-plane" })],
      notifications: 1,
      pages: 1,
    });
    expect(s.truths[0]!.ttdMs).toBe(-10 * 60_000);
  });

  it("reach back to the truth's cause when the story names the change that caused it", () => {
    // A role deleted at 00:30 whose first denial comes at 01:03: a finding at 00:31 is about it.
    expect(matches(episode({ firedAt: at(-29), rule: "control-plane" }), truth({ cause: at(-30) }))).toBe(true);
    expect(matches(episode({ firedAt: at(-31), rule: "control-plane" }), truth({ cause: at(-30) }))).toBe(false);
    // A cause later than onset − 15 min does not narrow the window.
    expect(matches(episode({ firedAt: at(3 - 15) }), truth({ cause: at(0) }))).toBe(true);
  });

  it("compare vaults and identities case-insensitively by name, resource ID or object ID", () => {
    expect(matches(episode({ vault: "KV-Orders-Prod" }), truth({ vault: VAULT_ID }))).toBe(true);
    expect(matches(episode({ vault: "kv-billing-prod" }), truth())).toBe(false);
    expect(matches(episode({ identity: "id-func-billing" }), truth())).toBe(false);
    // An object ID in the truth equals the identity name the notification carries, through the scenario's rows.
    const world = parseScenario(
      JSON.stringify({
        format: "vaultwatch/scenario/v2",
        name: "aliases",
        start: iso(0),
        end: iso(60),
        records: [
          {
            kind: "kv-audit",
            table: "AzureDiagnostics",
            vaultResourceId: VAULT_ID,
            callerObjectId: OBJECT_ID,
            callerAppId: "c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14",
            callerResourceId:
              "/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61/resourcegroups/rg-orders-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-func-orders",
            operation: "SecretGet",
            status: 200,
            at: iso(0),
            count: 10,
          },
        ],
      }),
    ).world;
    const aliases = identityAliases(world);
    expect(matches(episode(), truth({ identity: OBJECT_ID }), aliases)).toBe(true);
    expect(matches(episode(), truth({ identity: OBJECT_ID }))).toBe(false);
    expect(matches(episode({ identity: OBJECT_ID }), truth(), aliases)).toBe(true);
  });

  it("match a network incident's app through the identities MONITOR_CONFIG lists for it, without making an app's identities aliases of each other", () => {
    const world = parseScenario(
      JSON.stringify({
        format: "vaultwatch/scenario/v2",
        name: "apps",
        start: iso(0),
        end: iso(60),
        settings: {
          MONITOR_CONFIG: {
            apiVersion: "vaultwatch/v1",
            apps: [{ name: "func-orders", identities: ["id-func-orders", "id-func-orders-canary"] }],
          },
          CONTROL_PLANE_CONFIG: {
            workspaces: [WORKSPACE_ID],
            principals: [{ name: "id-func-orders", objectId: OBJECT_ID }],
          },
        },
        controlPlane: [{ at: iso(-5), vaults: [{ id: VAULT_ID }] }],
      }),
    ).world;
    const aliases = identityAliases(world);
    const network = episode({ rule: "network", vault: undefined, identity: undefined, app: "func-orders" });
    expect(matches(network, truth(), aliases)).toBe(true);
    expect(matches(network, truth())).toBe(false);
    expect(matches(network, truth({ identity: "id-func-billing" }), aliases)).toBe(false);
    expect(matches(episode({ identity: "id-func-orders-canary" }), truth(), aliases)).toBe(false);
    // CONTROL_PLANE_CONFIG names the principal by object ID: a control-plane finding that carries only the ID matches.
    expect(matches(episode({ rule: "control-plane", identity: OBJECT_ID }), truth(), aliases)).toBe(true);
  });

  it("match on the names an alert carries: a peer alert has only a vault, a network incident an app, the monitor's own incident nothing", () => {
    expect(matches(episode({ identity: undefined }), truth())).toBe(true);
    expect(matches(episode({ identity: undefined, vault: "kv-other" }), truth())).toBe(false);
    expect(
      matches(episode({ identity: undefined, vault: undefined, app: "id-func-orders", rule: "network" }), truth()),
    ).toBe(true);
    expect(matches(episode({ identity: undefined, vault: undefined, rule: "monitor" }), truth())).toBe(false);
    // A truth that names nothing is matched by anything in its window.
    expect(
      matches(
        episode({ identity: undefined, vault: undefined, rule: "monitor" }),
        truth({ vault: undefined, identity: undefined }),
      ),
    ).toBe(true);
  });

  it("take the hypothesis of the first matching Key Vault rule firing, even when a control-plane finding fired first", () => {
    const lines = [
      line({ at: iso(0), event: "fired", incident: "cp", rule: "control-plane", hypothesis: "H3", severity: "SEV-2" }),
      line({ at: iso(7), event: "fired", incident: "kv", hypothesis: "H2" }),
    ];
    const s = scoreScenario(scenario, [truth()], vaultwatchRun(lines));
    expect(s.truths[0]!.ttdMs).toBe(-3 * 60_000);
    expect(s.truths[0]!.hypothesis).toEqual({ got: "H2", want: "H2" });
    // Without a Key Vault rule firing, the first matching firing names it.
    const only = scoreScenario(scenario, [truth()], vaultwatchRun(lines.slice(0, 1)));
    expect(only.truths[0]!.hypothesis).toEqual({ got: "H3", want: "H2" });
    expect(summarize([only]).hypothesis).toEqual({ num: 0, den: 1 });
  });

  it("grade severity by the highest reached, escalations included", () => {
    const lines = [
      line({ at: iso(7), event: "fired", severity: "SEV-3" }),
      line({ at: iso(12), event: "escalated", severity: "SEV-1" }),
      line({ at: iso(30), event: "resolved", severity: "SEV-1" }),
    ];
    const run = vaultwatchRun(lines);
    expect(run.episodes[0]).toMatchObject({ severity: "SEV-3", peakSeverity: "SEV-1" });
    expect(scoreScenario(scenario, [truth()], run).truths[0]!.severity).toEqual({ got: "SEV-1", want: "SEV-1" });
    const never = vaultwatchRun(lines.slice(0, 1));
    expect(scoreScenario(scenario, [truth({ severity: "SEV-1" })], never).truths[0]!.severity).toEqual({
      got: "SEV-3",
      want: "SEV-1",
    });
  });

  it("say never when a matching incident is still firing at the end, and take the last resolution as the all-clear", () => {
    const open = scoreScenario(scenario, [truth()], vaultwatchRun([line({ at: iso(7), event: "fired" })]));
    expect(open.truths[0]!.ttrMs).toBe(NEVER);
    const two = vaultwatchRun([
      line({ at: iso(7), event: "fired", incident: "a" }),
      line({ at: iso(9), event: "fired", incident: "b", rule: "control-plane" }),
      line({ at: iso(25), event: "resolved", incident: "a" }),
      line({ at: iso(40), event: "resolved", incident: "b", rule: "control-plane" }),
    ]);
    expect(scoreScenario(scenario, [truth()], two).truths[0]!.ttrMs).toBe(20 * 60_000);
  });

  it("start a new episode when an incident fires again after resolving", () => {
    const run = vaultwatchRun([
      line({ at: iso(7), event: "fired" }),
      line({ at: iso(25), event: "resolved" }),
      line({ at: iso(90), event: "fired" }),
    ]);
    expect(run.episodes.map((e) => [e.firedAt.toISOString(), e.resolvedAt?.toISOString()])).toEqual([
      [iso(7), iso(25)],
      [iso(90), undefined],
    ]);
    // The second firing is 70 minutes after recovery: a false alarm.
    const s = scoreScenario(scenario, [truth()], run);
    expect(s).toMatchObject({ detections: 2, truePositives: 1 });
  });

  it("count pages and notifications per healthy day: a page is a thread's first fired or escalated line at SEV-1 or SEV-2", () => {
    const sev = (s: Severity) => ({ severity: s });
    const lines = [
      line({ at: iso(0), event: "fired", incident: "a", ...sev("SEV-2") }),
      line({ at: iso(60), event: "escalated", incident: "a", kind: "unacknowledged", ...sev("SEV-2") }),
      line({ at: iso(90), event: "resolved", incident: "a", ...sev("SEV-2") }),
      line({ at: iso(100), event: "fired", incident: "b", ...sev("SEV-3") }),
    ];
    const run = vaultwatchRun(lines);
    // The no-acknowledgement escalation goes to the escalation route of a page already sent.
    expect(run.episodes.map((e) => [e.incident, e.pages, e.escalations])).toEqual([
      ["a", 1, 1],
      ["b", 0, 0],
    ]);
    const healthy = scoreScenario({ name: "quiet", start: at(0), end: at(2 * 24 * 60) }, [], run);
    expect(healthy).toMatchObject({
      healthy: true,
      days: 2,
      pages: 1,
      notifications: 4,
      detections: 2,
      truePositives: 0,
    });
    const x = summarize([healthy]);
    expect(x.healthy).toEqual({ scenarios: 1, days: 2, pages: 1, notifications: 4 });
    expect(x.precision).toEqual({ num: 0, den: 2 });
    expect(x.recall).toEqual({ num: 0, den: 0 });
  });

  it("count every page of the alerts about an incident: fired, resolved and fired again gives two pages for one incident", () => {
    const lines = [
      line({ at: iso(7), event: "fired" }),
      line({ at: iso(9), event: "acknowledged", kind: "acknowledged" }),
      line({ at: iso(15), event: "resolved" }),
      line({ at: iso(18), event: "fired" }),
      line({ at: iso(40), event: "resolved" }),
    ];
    const run = vaultwatchRun(lines);
    expect(run.episodes.map((e) => [e.pages, e.notifications])).toEqual([
      [1, 3],
      [1, 2],
    ]);
    const s = scoreScenario(scenario, [truth()], run);
    expect(s.truths[0]).toMatchObject({ matchedEpisodes: 2, pages: 2, notifications: 5 });
    expect(s).toMatchObject({ incidentPages: 2, incidentNotifications: 5 });
    expect(summarize([s]).incidents).toEqual({ pages: 2, notifications: 5, mostPages: 2 });
  });

  it("count an escalation to SEV-1 or SEV-2 as a page of its alert, and a SEV-3 firing as none", () => {
    const run = vaultwatchRun([
      line({ at: iso(7), event: "fired", severity: "SEV-3" }),
      line({ at: iso(12), event: "escalated", severity: "SEV-2" }),
      line({ at: iso(30), event: "resolved", severity: "SEV-2" }),
    ]);
    expect(run.episodes[0]).toMatchObject({ pages: 1, notifications: 3 });
    expect(scoreScenario(scenario, [truth()], run).truths[0]!.pages).toBe(1);
  });

  it("score a group as one alert: an updated line is a notification, not a page, and what it adds is detected from its time", () => {
    const lines = [
      line({ at: iso(7), event: "fired", incident: "group" }),
      // The same cause reaches a second vault: the group grows, nobody is paged again.
      line({ at: iso(12), event: "updated", kind: "updated", incident: "group", vault: "kv-billing-prod" }),
      line({ at: iso(30), event: "resolved", incident: "group" }),
    ];
    const run = vaultwatchRun(lines);
    expect(run.episodes).toHaveLength(1);
    expect(run).toMatchObject({ pages: 1, notifications: 3 });
    const billing = truth({ name: "billing", vault: "kv-billing-prod", onset: at(8) });
    const s = scoreScenario(scenario, [truth(), billing], run);
    expect(s.truths.map((t) => [t.name, t.detected, t.ttdMs! / 60_000])).toEqual([
      ["rbac", true, 4],
      ["billing", true, 4],
    ]);
    // One page for two incidents: half each, and one alert, all of it true.
    expect(s.truths.map((t) => t.pages)).toEqual([0.5, 0.5]);
    expect(s).toMatchObject({ detections: 1, truePositives: 1, incidentPages: 1, incidentNotifications: 3 });
    expect(summarize([s]).incidents).toEqual({ pages: 1, notifications: 3, mostPages: 0.5 });
    // An updated line of an incident that never fired opens nothing.
    expect(vaultwatchRun([line({ at: iso(12), event: "updated", incident: "other" })]).episodes).toEqual([]);
  });

  it("score a thread as one alert: its members are what it is about, a rise to SEV-1 and the no-acknowledgement escalation page nobody anew", () => {
    // The control-plane finding opens the thread and takes in the Key Vault incident; the finding
    // resolves first and the Key Vault incident carries the thread on, escalating to SEV-1.
    const thread = "vaultwatch-cp-1";
    const member = (incident: string, state: string) => ({
      incident,
      rule: "kv-auth-denied" as const,
      state,
      severity: "SEV-1" as const,
      vault: "kv-orders-prod",
      identity: "id-func-orders",
      app: null,
    });
    const run = vaultwatchRun([
      line({
        at: iso(0),
        event: "fired",
        incident: "cp",
        rule: "control-plane",
        severity: "SEV-2",
        thread,
        identity: null,
      }),
      line({
        at: iso(10),
        event: "updated",
        kind: "updated",
        incident: "cp",
        rule: "control-plane",
        severity: "SEV-2",
        identity: null,
        thread,
        members: [member("kv", "firing")],
      }),
      line({ at: iso(15), event: "escalated", incident: "kv", severity: "SEV-1", thread }),
      line({ at: iso(15), event: "escalated", kind: "unacknowledged", incident: "kv", severity: "SEV-1", thread }),
      line({ at: iso(40), event: "resolved", incident: "kv", severity: "SEV-1", thread }),
    ]);
    expect(run.episodes.map((e) => [e.incident, e.pages, e.escalations, e.notifications])).toEqual([["cp", 1, 2, 5]]);
    expect(run.pages).toBe(1);
    const s = scoreScenario(scenario, [truth()], run);
    // One page for the incident, from the finding about its vault 3 minutes before onset; the
    // all-clear is the thread's, 20 minutes after recovery.
    expect(s.truths[0]).toMatchObject({ pages: 1, ttdMs: -3 * 60_000, ttrMs: 20 * 60_000 });
    expect(s.truths[0]!.severity).toEqual({ got: "SEV-1", want: "SEV-1" });
  });

  it("leave hypothesis accuracy out for a detector that names no cause", () => {
    const s = scoreScenario(scenario, [truth()], {
      episodes: [episode({ hypothesis: undefined, identity: undefined })],
      notifications: 2,
      pages: 1,
    });
    expect(summarize([s], false).hypothesis).toBeUndefined();
    expect(summarize([s], false).recall).toEqual({ num: 1, den: 1 });
  });

  it("take the median of an even count as the mean of the middle two, with never sorting last", () => {
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, worst: 4, n: 4 });
    expect(spread([5, NEVER, 1])).toEqual({ median: 5, worst: NEVER, n: 3 });
    expect(spread([])).toEqual({ median: undefined, worst: undefined, n: 0 });
  });
});
