import { describe, expect, it } from "vitest";
import { transition } from "../../src/core/lifecycle/transition.js";
import { acknowledge, respond } from "../../src/core/lifecycle/responder.js";
import { CONDITION_EVENTS, RESPONDER_EVENTS, RESPONDER_LIFECYCLE, RESPONDER_STATES, SYSTEM_LIFECYCLE, SYSTEM_STATES, type ConditionEvent, type SystemState } from "../../src/core/lifecycle/table.js";
import { planNotices } from "../../src/core/notify/plan.js";
import { DEFAULT_LIFECYCLE, DEFAULT_NOTIFY } from "../../src/core/notify/policy.js";
import type { Evaluation, Incident, Responder } from "../../src/core/model.js";
import { anIncident, at, KEY, someCounts } from "../fixtures/incidents.js";

const firing = (severity: Incident["severity"] = "SEV-2"): Evaluation => ({
  kind: "firing", rule: "kv-auth-denied", key: KEY, counts: someCounts(), severity, severityReason: "test", triggers: [{ kind: "threshold", failures: 90, failurePercent: 90, baseline: "none" }],
});
const recovered: Evaluation = { kind: "recovered", rule: "kv-auth-denied", key: KEY, counts: someCounts({ failures: 0, forbidden: 0, succeeded: 80 }), successesInConfirmation: 80 };
const settling: Evaluation = { kind: "settling", rule: "kv-auth-denied", key: KEY, counts: someCounts({ lastFailureAt: at(12) }) };
const noTraffic: Evaluation = { kind: "no-traffic", rule: "kv-auth-denied", key: KEY };
const EVENT: Record<ConditionEvent, Evaluation> = { fire: firing(), clear: settling, recover: recovered, silent: noTraffic };

const L = DEFAULT_LIFECYCLE;
/** A tick for one incident: the lifecycle, then the notices against what receivers were told. */
const tick = (prev: Incident | undefined, ev: Evaluation, now: Date, canResolve = true) => {
  const t = transition(prev, ev, now, canResolve, L);
  return t.next ? planNotices(t.next, now, { ...DEFAULT_NOTIFY, channels: ["teams"] }, undefined) : undefined;
};
const kinds = (i: Incident | undefined) => (i?.outbox ?? []).map((n) => n.kind);

function inState(state: SystemState): Incident | undefined {
  if (state === "none") return undefined;
  if (state === "pending") return anIncident({ state: "pending", severity: "SEV-3", openedAt: at(18), notified: { state: undefined, severity: undefined, at: undefined, acknowledged: false, pagedAt: undefined, unacknowledgedAt: undefined } });
  if (state === "resolved") return anIncident({ state: "resolved", resolvedAt: at(15), conditionFiring: false, responder: { state: "closed", by: undefined, at: undefined, note: undefined }, notified: { state: "resolved", severity: "SEV-2", at: at(5), acknowledged: false, pagedAt: at(5), unacknowledgedAt: undefined } });
  return anIncident();
}

describe("the system lifecycle table", () => {
  // Every state × event pair: the table's action runs and the incident lands where the table says.
  for (const state of SYSTEM_STATES) {
    for (const event of CONDITION_EVENTS) {
      const move = SYSTEM_LIFECYCLE[state][event];
      it(`${state} + ${event} → ${move.to} (${move.action})`, () => {
        const prev = inState(state);
        // Severity SEV-3 on a pending incident keeps its pending time (5 minutes) from elapsing at 01:20.
        const ev = event === "fire" && state === "pending" ? firing("SEV-3") : EVENT[event];
        const t = transition(prev, ev, at(20), true, L);
        expect(t.action).toBe(move.action);
        expect(t.next?.state ?? "none").toBe(move.action === "open" ? "firing" /* a page has no pending time */ : move.to);
        expect(t.changed).toBe(!["ignore", "wait"].includes(move.action));
      });
    }
  }
});

describe("the responder lifecycle table", () => {
  const responder = (state: Responder["state"]): Responder => ({ state, by: state === "new" ? undefined : "alex", at: state === "new" ? undefined : at(7), note: undefined });
  for (const state of RESPONDER_STATES) {
    for (const event of RESPONDER_EVENTS) {
      const move = RESPONDER_LIFECYCLE[state][event];
      it(`${state} + ${event} → ${move.to} (${move.result})`, () => {
        const r = respond(responder(state), event, "sam", at(20), "on it");
        expect(r.result).toBe(move.result);
        expect(r.responder.state).toBe(move.to);
      });
    }
  }

  it("keeps the first acknowledger when a colleague acknowledges again", () => {
    const first = acknowledge(anIncident(), "alex", at(20), "looking");
    expect(first.status).toBe("acknowledged");
    const again = acknowledge((first as { incident: Incident }).incident, "sam", at(22));
    expect(again).toMatchObject({ status: "already-acknowledged", incident: { responder: { state: "acknowledged", by: "alex", note: "looking" } } });
  });

  it("refuses to acknowledge a pending incident, which nobody has been told about", () => {
    expect(acknowledge(inState("pending")!, "alex", at(20))).toEqual({ status: "rejected", reason: expect.stringContaining("pending") });
  });
});

describe("incidents over time", () => {
  it("opens a page at once with one 'opened' notice written with the state", () => {
    const i = tick(undefined, firing("SEV-2"), at(20));
    expect(i).toMatchObject({ state: "firing", severity: "SEV-2", occurrence: 1, responder: { state: "new" } });
    expect(kinds(i)).toEqual(["opened"]);
  });

  it("holds a ticket pending until it has fired for its pending time, and tells nobody meanwhile", () => {
    const first = tick(undefined, firing("SEV-3"), at(20));
    expect(first).toMatchObject({ state: "pending" });
    expect(kinds(first)).toEqual([]);
    const second = tick(first, firing("SEV-3"), at(25));
    expect(second).toMatchObject({ state: "firing" });
    expect(kinds(second)).toEqual(["opened"]);
  });

  it("discards a pending incident that clears before it fires: no notice at all, not even a resolution", () => {
    const pending = tick(undefined, firing("SEV-4"), at(20));
    const gone = tick(pending, settling, at(25));
    expect(gone).toMatchObject({ state: "resolved" });
    expect(kinds(gone)).toEqual([]);
  });

  it("notifies on change only: an unchanged firing incident sends nothing", () => {
    expect(kinds(tick(anIncident(), firing("SEV-2"), at(20)))).toEqual([]);
  });

  it("escalates with a notice when severity rises, and never de-escalates on its own", () => {
    const up = tick(anIncident({ severity: "SEV-3", notified: { ...anIncident().notified, severity: "SEV-3", pagedAt: undefined } }), firing("SEV-1"), at(20))!;
    expect(up.severity).toBe("SEV-1");
    expect(kinds(up)).toEqual(["escalated"]);
    const down = tick(up, firing("SEV-3"), at(25))!;
    expect(down.severity).toBe("SEV-1");
    expect(down.outbox).toHaveLength(1);
  });

  it("holds an escalation while a role change is inside its propagation window, and escalates after the re-test time", () => {
    const waiting = (retestAt: Date): Evaluation => ({
      ...(firing("SEV-1") as Extract<Evaluation, { kind: "firing" }>),
      diagnosis: { top: [], decidedBy: "role restored at 01:14", propagation: { retestAt, text: "re-test at 01:24 UTC" }, summary: "H3" },
    });
    const start = anIncident({ severity: "SEV-3", notified: { ...anIncident().notified, severity: "SEV-3", pagedAt: undefined } });
    const held = tick(start, waiting(at(24)), at(20))!;
    expect(held.severity).toBe("SEV-3");
    expect(kinds(held)).toEqual([]);
    const after = tick(held, waiting(at(24)), at(25))!;
    expect(after.severity).toBe("SEV-1");
    expect(kinds(after)).toEqual(["escalated"]);
  });

  it("resolves on confirmed recovery with a resolution notice, and closes the responder state", () => {
    const i = tick(anIncident(), recovered, at(40));
    expect(i).toMatchObject({ state: "resolved", resolvedAt: at(40), responder: { state: "closed" } });
    expect(kinds(i)).toEqual(["resolved"]);
  });

  it("does not resolve from a partial query, whatever it shows", () => {
    const t = transition(anIncident(), recovered, at(40), false, L);
    expect(t).toMatchObject({ next: anIncident(), changed: false });
  });

  it.each([
    ["no traffic", noTraffic],
    ["failures below the threshold", settling],
  ])("keeps an incident firing on %s", (_, ev) => {
    expect(tick(anIncident(), ev, at(30))!.state).toBe("firing");
  });

  it("re-opens a resolved fingerprint as a new episode with new notice IDs, undelivered notices first", () => {
    const resolved = tick(anIncident(), recovered, at(40))!;
    const again = tick(resolved, firing(), at(95))!;
    expect(again).toMatchObject({ state: "firing", occurrence: 2, openedAt: at(95), responder: { state: "new" } });
    expect(kinds(again)).toEqual(["resolved", "opened"]);
    expect(again.episode).not.toBe(resolved.episode);
    expect(again.outbox[1]!.dedupKey).not.toBe(again.outbox[0]!.dedupKey);
  });

  it("repeats a page every 4 hours while nobody acknowledges it, and stops once someone does", () => {
    let i: Incident = anIncident({ notified: { ...anIncident().notified, pagedAt: undefined } }); // no ack timeout in play
    i = tick(i, firing(), at(5 + 239))!;
    expect(kinds(i)).toEqual([]);
    i = tick(i, firing(), at(5 + 240))!;
    expect(kinds(i)).toEqual(["repeated"]);
    const acked = (acknowledge({ ...i, outbox: [] }, "alex", at(250)) as { incident: Incident }).incident;
    const after = tick(acked, firing(), at(5 + 480))!;
    expect(kinds(after)).toEqual(["acknowledged"]);
  });

  it("escalates a page nobody acknowledged within its timeout, once, to the escalation route", () => {
    const i = anIncident({ severity: "SEV-1", notified: { ...anIncident().notified, severity: "SEV-1", pagedAt: at(5) } });
    expect(kinds(tick(i, firing("SEV-1"), at(19)))).toEqual([]);
    const late = tick(i, firing("SEV-1"), at(20))!;
    expect(kinds(late)).toEqual(["unacknowledged"]);
    expect(kinds(tick({ ...late, outbox: [] }, firing("SEV-1"), at(25)))).toEqual([]);
  });

  it("holds a flapping incident open through recoveries instead of resolving and paging again", () => {
    let i: Incident | undefined = undefined;
    const sent: string[] = [];
    // Fires, clears, recovers, relapses… every 5 minutes for an hour.
    const pattern: Evaluation[] = [firing(), settling, recovered, firing(), settling, recovered, firing(), settling, recovered, firing(), settling, recovered];
    pattern.forEach((ev, n) => {
      i = tick(i ? { ...i, outbox: [] } : undefined, ev, at(20 + n * 5));
      sent.push(...kinds(i));
    });
    expect(i!.flapping).toBe(true);
    expect(i!.state).toBe("firing");
    // Two full episodes were announced before the pattern counted as flapping; then silence.
    expect(sent).toEqual(["opened", "resolved", "opened"]);
  });

  it("lets a flapping incident resolve once the flap window passes without a change", () => {
    const flapping = anIncident({ flapping: true, conditionFiring: false, changes: [at(0), at(10), at(20), at(30)] });
    expect(tick(flapping, recovered, at(40))!.state).toBe("firing");
    expect(tick(flapping, recovered, at(91))).toMatchObject({ state: "resolved" });
  });
});
