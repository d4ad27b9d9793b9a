import { describe, expect, it } from "vitest";
import { decideTick } from "../../src/core/tick.js";
import { transition } from "../../src/core/lifecycle/transition.js";
import { revisionLine } from "../../src/core/diagnosis/index.js";
import type { Evidence } from "../../src/core/diagnose-finding.js";
import type { DiagnosisSummary, Evaluation, Incident, KvRequestBin, Notice } from "../../src/core/model/index.js";
import type { SignalRow } from "../../src/core/signals/signal-set.js";
import { renderText } from "../../src/core/render/text.js";
import { renderTeamsMessage } from "../../src/core/render/teams-card.js";
import { renderEmail } from "../../src/core/render/email.js";
import { renderPagerDutyEvent } from "../../src/core/render/pagerduty.js";
import { notificationLine } from "../../tools/replay/line.js";
import { summarize as apiSummary } from "../../src/functions/handlers/incidents.js";
import { aBin, anIncident, aPolicy, at, KEY, someCounts, SUBJECT, VAULT } from "../fixtures/incidents.js";

/**
 * One diagnosis per incident: fixed when it opens, revised only by new evidence, the same on
 * every channel and line; and "N minutes before the first 403" counts from the incident's first
 * 403, not from the first one still inside the sliding window.
 */

const SECRETS_USER =
  "/subscriptions/11111111-2222-3333-4444-555555555555/providers/microsoft.authorization/roledefinitions/4633458b-17de-408a-b874-0445c86b69e6";

/** A row of the changes signal (AzureActivity) about kv-app or its caller's role on it. */
function change(kind: SignalRow<"changes">["dims"]["kind"], minute: number, caller: string): SignalRow<"changes"> {
  const role = kind.startsWith("role-assignment");
  return {
    binStart: at(minute),
    dims: {
      kind,
      operation: role
        ? `microsoft.authorization/roleassignments/${kind.endsWith("delete") ? "delete" : "write"}`
        : "microsoft.keyvault/vaults/write",
      scope: VAULT,
      principalId: role ? KEY.callerObjectId : "",
      roleDefinitionId: role ? SECRETS_USER : "",
      caller,
      status: "Succeeded",
    },
    counts: { events: 1 },
    firstAt: at(minute),
    lastAt: at(minute),
  };
}

function evidenceWith(changes: SignalRow<"changes">[]): Evidence {
  return {
    dependencyCalls: [],
    credentialTraces: [],
    hostStartup: [],
    changes,
    status: { changes: "ok" },
    problems: {},
  };
}

/**
 * Runs decideTick every 5 minutes from 01:05 to `to`, as the timer does, with id-app denied by
 * RBAC 20 times in every 5-minute bin from 01:00 to 01:45 (80 calls succeed beside them) and the
 * change log each tick returns. Returns, per tick, the stored incident and the tick's own diagnosis.
 */
function replay(changesAt: (minute: number) => SignalRow<"changes">[], to: number) {
  const policy = aPolicy();
  let stored: Incident | undefined;
  const ticks = new Map<number, { incident: Incident | undefined; fresh: DiagnosisSummary | undefined }>();
  for (let m = 5; m <= to; m += 5) {
    const rows: KvRequestBin[] = [];
    for (let start = Math.max(0, m - 120); start + 5 <= m; start += 5)
      if (start <= 45) rows.push(aBin(start, { succeeded: 80, forbidden: 20 }));
    const d = decideTick({
      now: at(m),
      signal: { status: "complete", rows },
      incidents: stored ? [stored] : [],
      policy,
      evidence: evidenceWith(changesAt(m)),
    });
    const mine = d.changed.find((i) => i.rule === "kv-auth-denied");
    if (mine) stored = { ...mine, outbox: [] };
    const ev = d.evaluations.find((e) => e.rule === "kv-auth-denied" && e.kind === "firing");
    ticks.set(m, { incident: stored, fresh: ev?.kind === "firing" ? ev.diagnosis : undefined });
  }
  return ticks;
}

const ofIncident = (d: DiagnosisSummary | undefined) => ({
  top: d?.top.map((h) => [h.id, h.verdict]),
  decidedBy: d?.decidedBy,
  summary: d?.summary,
  revisions: d?.revisions,
});

describe("one diagnosis per incident, over the ticks of an episode", () => {
  // The role was deleted at 00:58; the change log keeps it for the first 45 minutes, then it
  // leaves the look-back, as CHANGES_LOOKBACK_MINUTES lets it.
  const deleted = change("role-assignment-delete", -2, "deploy-pipeline@contoso.com");
  const ticks = replay((m) => (m <= 45 ? [deleted] : []), 55);

  it("opens with the deletion two minutes before the incident's first 403, and keeps saying two minutes as the window slides", () => {
    const opened = ticks.get(5)!.incident!.diagnosis!;
    expect(opened.top[0]).toMatchObject({ id: "H2", verdict: "likely" });
    expect(opened.decidedBy).toBe(
      "role assignment Key Vault Secrets User for id-app on kv-app deleted at 00:58 UTC by deploy-pipeline@contoso.com, 2 minutes before the first 403",
    );
    // At 01:40 the window starts at 01:25: its first 403 is 27 minutes after the deletion, the incident's is not.
    expect(ticks.get(40)!.fresh!.decidedBy).toBe(opened.decidedBy);
    expect(ticks.get(40)!.incident!.firstFailureAt).toEqual(at(0));
  });

  it("keeps the diagnosis it opened with when the tick's drifts only because evidence left the window", () => {
    const opened = ofIncident(ticks.get(5)!.incident!.diagnosis);
    // With the deletion out of the change log the tick alone sees only the share of RBAC denials.
    expect(ticks.get(50)!.fresh!.top[0]).toMatchObject({ id: "H2", verdict: "possible" });
    for (const m of [10, 20, 30, 40, 50, 55])
      expect(ofIncident(ticks.get(m)!.incident!.diagnosis), `${m}`).toEqual(opened);
  });
});

describe("a diagnosis revised by new evidence", () => {
  // The platform team's vault write at 00:58 reaches the workspace only by the 01:20 tick (the
  // activity log lags 3-20 minutes), and leaves the look-back after 01:40.
  const write = change("vault-write", -2, "platform-team@contoso.com");
  const ticks = replay((m) => (m >= 20 && m <= 40 ? [write] : []), 55);
  const revised = ticks.get(55)!.incident!;

  it("opens on what it can see, and is revised once the vault write arrives, saying what changed and when", () => {
    expect(ticks.get(5)!.incident!.diagnosis!.top[0]).toMatchObject({ id: "H2", verdict: "possible" });
    expect(ticks.get(15)!.incident!.diagnosis!.revisions).toBeUndefined();
    expect(ticks.get(20)!.incident!.diagnosis!.top[0]).toMatchObject({ id: "H4", verdict: "likely" });
    expect(revised.diagnosis!.revisions).toEqual([
      {
        at: at(20),
        from: "H2 (possible)",
        to: "H4 (likely)",
        because:
          "kv-app updated at 00:58 UTC by platform-team@contoso.com, 2 minutes before the first 403: its denials since are RBAC denials: a vault write that switches to RBAC leaves grants held as access policies ignored",
      },
    ]);
    expect(revisionLine(revised.diagnosis)).toMatch(
      /^revised: H2 → H4 because kv-app updated at 00:58 UTC by platform-team@contoso\.com, .* at 01:20 UTC$/,
    );
  });

  it("is not revised back when the write leaves the look-back: that is the window, not evidence", () => {
    expect(ticks.get(50)!.fresh!.top[0]?.id).toBe("H2");
    expect(revised.diagnosis!.top[0]).toMatchObject({ id: "H4", verdict: "likely" });
    expect(revised.diagnosis!.revisions).toHaveLength(1);
  });

  it("names the one diagnosis, with what changed, on every channel and line", () => {
    const notice: Notice = {
      id: `${revised.id}-${revised.episode}-repeated`,
      dedupKey: `vaultwatch-${revised.id}-${revised.episode}`,
      kind: "repeated",
      decidedAt: at(55),
      snapshot: revised,
    };
    const line = revisionLine(revised.diagnosis)!;
    const content = { steps: [], windowMinutes: 15, evidenceLink: undefined };
    expect(renderText(notice, [], 15)).toContain(line);
    expect(JSON.stringify(renderTeamsMessage(notice, [], 15))).toContain(JSON.stringify(line).slice(1, -1));
    expect(renderEmail(notice, content).plainText).toContain(line);
    const pd = renderPagerDutyEvent(notice, content);
    expect(pd.event_action === "trigger" && pd.payload.custom_details?.likely_cause).toMatchObject({ revised: line });
    expect(notificationLine(notice)).toMatchObject({ hypothesis: "H4", verdict: "likely" });
    expect(apiSummary(revised, aPolicy().spec).hypothesis).toEqual({
      id: "H4",
      title: "Key Vault permission model mismatch",
    });
  });
});

describe("the lifecycle keeps the diagnosis", () => {
  const summary = (id: string, verdict: string, facts: string[] | undefined, basis: DiagnosisSummary["basis"] = []) =>
    ({
      top: [{ id, title: id, verdict, confirming: [`${id} evidence`], disproving: [] }],
      decidedBy: `${id} evidence`,
      propagation: undefined,
      summary: `${id} (${verdict})`,
      facts,
      basis,
    }) satisfies DiagnosisSummary;
  const firing = (diagnosis: DiagnosisSummary, firstFailureAt = at(20)): Evaluation => ({
    kind: "firing",
    rule: "kv-auth-denied",
    subject: SUBJECT,
    fingerprint: anIncident().id,
    counts: someCounts({ firstFailureAt }),
    severity: "SEV-2",
    severityReason: "",
    triggers: [],
    diagnosis,
  });
  const step = (prev: Incident, ev: Evaluation) => transition(prev, ev, at(30), true, aPolicy().lifecycle).next!;

  it("keeps its own first failure, the earliest of the episode", () => {
    const prev = anIncident({ firstFailureAt: at(0) });
    expect(step(prev, firing(summary("H2", "likely", []), at(20))).firstFailureAt).toEqual(at(0));
    // A record from before first failures were kept starts from the first failure of its last window.
    const legacy = anIncident({ counts: someCounts({ firstFailureAt: at(5) }) });
    expect(step(legacy, firing(summary("H2", "likely", []), at(20))).firstFailureAt).toEqual(at(5));
  });

  it("replaces its diagnosis only for a fact it has not seen, and learns the facts either way", () => {
    const prev = anIncident({
      diagnosis: summary("H2", "likely", ["change:roleDeletedBeforeOnset@x", "signal:changes"]),
    });
    const seen = summary(
      "H3",
      "possible",
      ["change:roleDeletedBeforeOnset@x", "signal:changes"],
      [{ hypothesis: "H3", effect: "confirms", text: "H3 evidence", facts: ["change:roleDeletedBeforeOnset@x"] }],
    );
    expect(step(prev, firing(seen)).diagnosis).toEqual(prev.diagnosis);
    const fresh = summary(
      "H3",
      "possible",
      ["change:latestRoleWrite@y"],
      [{ hypothesis: "H3", effect: "confirms", text: "a role written at 01:20", facts: ["change:latestRoleWrite@y"] }],
    );
    const next = step(prev, firing(fresh)).diagnosis!;
    expect(next.top[0]?.id).toBe("H3");
    expect(next.basis).toBeUndefined();
    expect(next.revisions).toEqual([
      { at: at(30), from: "H2 (likely)", to: "H3 (possible)", because: "a role written at 01:20" },
    ]);
    expect(next.facts).toEqual(["change:latestRoleWrite@y", "change:roleDeletedBeforeOnset@x", "signal:changes"]);
  });

  it("keeps a diagnosis written before facts were kept, and learns the facts it rests on now", () => {
    const prev = anIncident({ diagnosis: summary("H2", "likely", undefined) });
    const fresh = summary(
      "H4",
      "likely",
      ["change:vaultWrittenBeforeOnset@z"],
      [{ hypothesis: "H4", effect: "confirms", text: "vault write", facts: ["change:vaultWrittenBeforeOnset@z"] }],
    );
    expect(step(prev, firing(fresh)).diagnosis).toEqual({
      ...prev.diagnosis,
      facts: ["change:vaultWrittenBeforeOnset@z"],
    });
  });

  it("is revised when a signal unknown until now answers and changes the verdict", () => {
    const prev = anIncident({ diagnosis: summary("H2", "possible", ["signal:dependency-calls"]) });
    const fresh = summary("H2", "likely", ["signal:dependency-calls", "signal:changes"]);
    expect(step(prev, firing(fresh)).diagnosis?.revisions).toEqual([
      { at: at(30), from: "H2 (possible)", to: "H2 (likely)", because: "change log is known now" },
    ]);
  });
});
