import { describe, expect, it } from "vitest";
import { silenceFor, silenceStatus, type Silence } from "../../src/core/notify/silence.js";
import { inhibitionFor } from "../../src/core/notify/inhibit.js";
import { channelsFor } from "../../src/core/notify/route.js";
import { planNotices } from "../../src/core/notify/plan.js";
import type { Incident } from "../../src/core/model/index.js";
import { backoffMs } from "../../src/core/notify/backoff.js";
import { DEFAULT_NOTIFY } from "../../src/core/model/notify-policy.js";
import { networkFingerprint } from "../../src/core/network-findings.js";
import { MONITOR_FINGERPRINT } from "../../src/core/monitor-findings.js";
import { EMPTY_SPEC } from "../../src/core/spec/monitor-spec.js";
import { anIncident, at, KEY } from "../fixtures/incidents.js";

const silence = (o: Partial<Silence> = {}): Silence => ({
  id: "s1",
  matchers: { vault: "kv-app" },
  startsAt: at(0),
  endsAt: at(60),
  createdBy: "alex",
  comment: "maintenance",
  createdAt: at(0),
  expiredAt: undefined,
  ...o,
});

describe("silences", () => {
  it("are scheduled before they start (a maintenance window), active within, expired after or once expired by hand", () => {
    const s = silence({ startsAt: at(10) });
    expect([at(5), at(10), at(59), at(60)].map((t) => silenceStatus(s, t))).toEqual([
      "scheduled",
      "active",
      "active",
      "expired",
    ]);
    expect(silenceStatus({ ...s, expiredAt: at(20) }, at(25))).toBe("expired");
  });

  it.each([
    [{ vault: "KV-APP" }, true],
    [{ vault: KEY.vaultResourceId }, true],
    [{ vault: "kv-other" }, false],
    [{ identity: "id-app" }, true],
    [{ identity: KEY.callerObjectId }, true],
    [{ vault: "kv-app", severities: ["SEV-1" as const] }, false],
    [{ rule: "kv-throttled" as const }, false],
  ])("match every given matcher: %o → %s", (matchers, matches) => {
    expect(silenceFor(anIncident(), [silence({ matchers })], at(5), EMPTY_SPEC) !== undefined).toBe(matches);
  });
});

describe("inhibition", () => {
  const monitor = anIncident({
    id: MONITOR_FINGERPRINT,
    rule: "monitor",
    severity: "SEV-3",
    triggers: [{ kind: "monitor", problem: "the workspace query failed" }],
    subject: { kind: "monitor" },
  });
  const spec = {
    ...EMPTY_SPEC,
    apps: [{ name: "orders", identities: ["id-app"], critical: true, hasFallback: false }],
  };
  const network = (app: string) =>
    anIncident({
      id: networkFingerprint(app),
      rule: "network",
      subject: { kind: "app", app },
    });

  const ticket = anIncident({ severity: "SEV-3" });
  const blind = (...sources: ("workspace" | "token")[]) => ({
    ...monitor,
    triggers: sources.map((source) => ({ kind: "monitor" as const, problem: `no ${source}`, source })),
  });

  it("mutes vault incidents while the monitor cannot read its workspace, but never the monitor's own incident", () => {
    expect(inhibitionFor(ticket, [blind("workspace")], EMPTY_SPEC)).toMatch(/monitor-blind/);
    expect(inhibitionFor(monitor, [monitor, ticket], EMPTY_SPEC)).toBeUndefined();
  });

  it("treats a monitor record without a source (written before it was kept) as blind to its workspace", () => {
    expect(monitor.triggers[0]).not.toHaveProperty("source");
    expect(inhibitionFor(ticket, [monitor], EMPTY_SPEC)).toMatch(/monitor-blind/);
  });

  it("leaves vault incidents alone when the monitor only lacks its Resource Manager token: their data still stands", () => {
    expect(inhibitionFor(ticket, [blind("token")], EMPTY_SPEC)).toBeUndefined();
    const blindSpot = anIncident({
      rule: "control-plane",
      severity: "SEV-3",
      triggers: [{ kind: "control-plane", finding: "blind-spot", summary: "no diagnostics", evidence: [] }],
    });
    expect(inhibitionFor(blindSpot, [blind("token")], EMPTY_SPEC)).toMatch(/monitor-token/);
  });

  it("never mutes a page for the monitor's blindness, even once the blindness pages itself", () => {
    expect(inhibitionFor(anIncident({ severity: "SEV-1" }), [blind("workspace")], EMPTY_SPEC)).toBeUndefined();
    expect(inhibitionFor(anIncident({ severity: "SEV-2" }), [blind("workspace")], EMPTY_SPEC)).toBeUndefined();
    // Two blind ticks page (ADR 0015), but a vault page raised from what was seen keeps escalating.
    expect(
      inhibitionFor(anIncident({ severity: "SEV-2" }), [{ ...blind("workspace"), severity: "SEV-2" }], EMPTY_SPEC),
    ).toBeUndefined();
  });

  it("mutes an app's auth incidents during its network outage, not another app's", () => {
    expect(inhibitionFor(anIncident(), [network("orders")], spec)).toMatch(/network-outage/);
    expect(inhibitionFor(anIncident(), [network("billing")], spec)).toBeUndefined();
    // Without the app in the spec the labels cannot be compared: nothing is muted.
    expect(inhibitionFor(anIncident(), [network("orders")], EMPTY_SPEC)).toBeUndefined();
  });

  it("matches the app case-insensitively, as the spec lookup does", () => {
    expect(inhibitionFor(anIncident(), [network("Orders")], spec)).toMatch(/network-outage/);
  });

  it("stops muting once the source resolved", () => {
    expect(inhibitionFor(ticket, [{ ...monitor, state: "resolved" }], EMPTY_SPEC)).toBeUndefined();
  });
});

describe("routes", () => {
  const policy = {
    ...DEFAULT_NOTIFY,
    channels: ["teams", "email", "pagerduty"] as ("teams" | "email" | "pagerduty")[],
  };
  it("send pages everywhere, tickets to Teams, and the no-acknowledgement escalation to PagerDuty first", () => {
    expect(channelsFor("opened", "SEV-1", policy)).toEqual(["teams", "pagerduty", "email"]);
    expect(channelsFor("opened", "SEV-3", policy)).toEqual(["teams"]);
    expect(channelsFor("unacknowledged", "SEV-2", policy)).toEqual(["pagerduty", "email", "teams"]);
  });

  it("send an acknowledgement and a resolution to every channel the firing reached, so a PagerDuty alert a route opened is also closed", () => {
    // Tickets go to Teams only, but an unacknowledged SEV-3 escalates to PagerDuty.
    const escalating = { ...policy, ackTimeoutMinutes: { ...policy.ackTimeoutMinutes, "SEV-3": 10 } };
    const fresh = anIncident({
      severity: "SEV-3",
      notified: {
        state: undefined,
        severity: undefined,
        at: undefined,
        acknowledged: false,
        pagedAt: undefined,
        unacknowledgedAt: undefined,
      },
    });
    const opened = planNotices(fresh, at(10), escalating, undefined);
    const sent = (i: Incident) => i.outbox.map((n) => `${n.kind}→${n.channel}`);
    expect(sent(opened)).toEqual(["opened→teams"]);
    expect(planNotices({ ...opened, outbox: [] }, at(19), escalating, undefined).outbox).toEqual([]);
    const paged = planNotices({ ...opened, outbox: [] }, at(20), escalating, undefined);
    expect(sent(paged)).toEqual(["unacknowledged→pagerduty", "unacknowledged→email", "unacknowledged→teams"]);
    const resolved = planNotices(
      { ...paged, outbox: [], state: "resolved", resolvedAt: at(30) },
      at(30),
      escalating,
      undefined,
    );
    expect(sent(resolved).sort()).toEqual(["resolved→email", "resolved→pagerduty", "resolved→teams"]);
    const acked = planNotices(
      { ...paged, outbox: [], responder: { state: "acknowledged", by: "alex", at: at(25), note: undefined } },
      at(25),
      escalating,
      undefined,
    );
    expect(sent(acked).sort()).toEqual(["acknowledged→email", "acknowledged→pagerduty", "acknowledged→teams"]);
  });

  it("start each episode's list of told channels afresh", () => {
    const told = anIncident({
      notified: {
        state: "resolved",
        severity: "SEV-2",
        at: at(5),
        acknowledged: false,
        pagedAt: at(5),
        unacknowledgedAt: undefined,
        channels: ["pagerduty"],
      },
    });
    const reopened = planNotices({ ...told, severity: "SEV-3" }, at(50), policy, undefined);
    expect(reopened.notified.channels).toEqual(["teams"]);
    const resolved = planNotices({ ...reopened, outbox: [], state: "resolved" }, at(60), policy, undefined);
    expect(resolved.outbox.map((n) => n.channel)).toEqual(["teams"]);
  });

  it("never drop a notice whose route names no configured channel", () => {
    expect(channelsFor("opened", "SEV-3", { ...policy, channels: ["email"] })).toEqual(["email"]);
  });
});

describe("delivery backoff", () => {
  it("doubles from a minute up to 30, waits longer when the receiver asks, and retries rejections at the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => backoffMs(n, "server", undefined) / 60_000)).toEqual([
      1, 2, 4, 8, 16, 30, 30,
    ]);
    expect(backoffMs(1, "throttled", 300_000)).toBe(300_000);
    expect(backoffMs(1, "client", undefined)).toBe(30 * 60_000);
  });
});
