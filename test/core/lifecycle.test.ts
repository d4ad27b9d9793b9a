import { describe, expect, it } from "vitest";
import { conditionEvent, transition } from "../../src/core/lifecycle/transition.js";
import { acknowledge, closeByHand, respond } from "../../src/core/lifecycle/responder.js";
import {
  CONDITION_EVENTS,
  RESPONDER_EVENTS,
  RESPONDER_LIFECYCLE,
  RESPONDER_STATES,
  SYSTEM_LIFECYCLE,
  SYSTEM_STATES,
  type ConditionEvent,
  type ResponderEvent,
  type SystemAction,
  type SystemState,
} from "../../src/core/lifecycle/table.js";
import { planNotices } from "../../src/core/notify/plan.js";
import { DEFAULT_LIFECYCLE, DEFAULT_NOTIFY } from "../../src/core/model/notify-policy.js";
import type { Evaluation, Incident, Responder } from "../../src/core/model/index.js";
import { anIncident, at, SUBJECT, someCounts } from "../fixtures/incidents.js";

/** The incident every evaluation below speaks for: the fixture incident's. */
const ID = anIncident().id;

const firing = (severity: Incident["severity"] = "SEV-2"): Evaluation => ({
  kind: "firing",
  rule: "kv-auth-denied",
  subject: SUBJECT,
  fingerprint: ID,
  counts: someCounts(),
  severity,
  severityReason: "test",
  triggers: [{ kind: "threshold", failures: 90, failurePercent: 90, baseline: "none" }],
});
const recovered: Evaluation = {
  kind: "recovered",
  rule: "kv-auth-denied",
  subject: SUBJECT,
  fingerprint: ID,
  counts: someCounts({ failures: 0, forbidden: 0, succeeded: 80 }),
  successesInConfirmation: 80,
};
const settling: Evaluation = {
  kind: "settling",
  rule: "kv-auth-denied",
  subject: SUBJECT,
  fingerprint: ID,
  counts: someCounts({ lastFailureAt: at(12) }),
};
const noTraffic: Evaluation = { kind: "no-traffic", rule: "kv-auth-denied", subject: SUBJECT, fingerprint: ID };
const EVENT: Record<ConditionEvent, Evaluation> = {
  fire: firing("SEV-3"),
  clear: settling,
  recover: recovered,
  silent: noTraffic,
};

const L = DEFAULT_LIFECYCLE;
/** A tick for one incident: the lifecycle, then the notices against what receivers were told. */
const tick = (prev: Incident | undefined, ev: Evaluation, now: Date, canResolve = true) => {
  const t = transition(prev, ev, now, canResolve, L);
  return t.next ? planNotices(t.next, now, { ...DEFAULT_NOTIFY, channels: ["teams"] }, undefined) : undefined;
};
const kinds = (i: Incident | undefined) => (i?.outbox ?? []).map((n) => n.kind);

function inState(state: SystemState): Incident | undefined {
  if (state === "none") return undefined;
  if (state === "pending")
    return anIncident({
      state: "pending",
      severity: "SEV-3",
      openedAt: at(18),
      notified: {
        state: undefined,
        severity: undefined,
        at: undefined,
        acknowledged: false,
        pagedAt: undefined,
        unacknowledgedAt: undefined,
      },
    });
  if (state === "resolved")
    return anIncident({
      state: "resolved",
      resolvedAt: at(15),
      conditionFiring: false,
      responder: { state: "closed", by: undefined, at: undefined, note: undefined },
      notified: {
        state: "resolved",
        severity: "SEV-2",
        at: at(5),
        acknowledged: false,
        pagedAt: at(5),
        unacknowledgedAt: undefined,
      },
    });
  return anIncident();
}

/**
 * docs/notifications.md's system table, written out here rather than read from SYSTEM_LIFECYCLE so
 * that a wrong cell in the code fails: the action the code must take, the state the incident must
 * end in, and whether the record must be written. Fire is a SEV-3 ticket, whose 5 pending minutes
 * keep every unguarded cell unguarded; the guards have their own cases below.
 */
const SYSTEM_EXPECTED: Record<
  SystemState,
  Record<ConditionEvent, { action: SystemAction; state: SystemState; written: boolean }>
> = {
  none: {
    fire: { action: "open", state: "pending", written: true },
    clear: { action: "ignore", state: "none", written: false },
    recover: { action: "ignore", state: "none", written: false },
    silent: { action: "ignore", state: "none", written: false },
  },
  pending: {
    fire: { action: "update", state: "pending", written: true },
    clear: { action: "discard", state: "resolved", written: true },
    recover: { action: "discard", state: "resolved", written: true },
    silent: { action: "wait", state: "pending", written: false },
  },
  firing: {
    fire: { action: "update", state: "firing", written: true },
    clear: { action: "settle", state: "firing", written: true },
    recover: { action: "resolve", state: "resolved", written: true },
    silent: { action: "wait", state: "firing", written: false },
  },
  resolved: {
    fire: { action: "open", state: "pending", written: true },
    clear: { action: "ignore", state: "resolved", written: false },
    recover: { action: "ignore", state: "resolved", written: false },
    silent: { action: "ignore", state: "resolved", written: false },
  },
};

/** The responder table of docs/notifications.md, written out for the same reason. */
const RESPONDER_EXPECTED: Record<
  Responder["state"],
  Record<ResponderEvent, { result: "changed" | "unchanged" | "rejected"; state: Responder["state"] }>
> = {
  new: {
    ack: { result: "changed", state: "acknowledged" },
    close: { result: "changed", state: "closed" },
    "system-resolved": { result: "changed", state: "closed" },
    "system-reopened": { result: "unchanged", state: "new" },
  },
  acknowledged: {
    ack: { result: "unchanged", state: "acknowledged" },
    close: { result: "changed", state: "closed" },
    "system-resolved": { result: "changed", state: "closed" },
    "system-reopened": { result: "changed", state: "new" },
  },
  closed: {
    ack: { result: "rejected", state: "closed" },
    close: { result: "rejected", state: "closed" },
    "system-resolved": { result: "unchanged", state: "closed" },
    "system-reopened": { result: "changed", state: "new" },
  },
};

const pairs = <S extends string, E extends string, V>(table: Record<S, Record<E, V>>) =>
  (Object.entries(table) as [S, Record<E, V>][]).flatMap(([state, row]) =>
    (Object.entries(row) as [E, V][]).map(([event, expected]) => ({ state, event, expected })),
  );

describe("the system lifecycle table", () => {
  it("has exactly the states and events the documented table has", () => {
    expect([...SYSTEM_STATES].sort()).toEqual(Object.keys(SYSTEM_EXPECTED).sort());
    expect([...CONDITION_EVENTS].sort()).toEqual(Object.keys(SYSTEM_EXPECTED.none).sort());
  });

  for (const { state, event, expected } of pairs(SYSTEM_EXPECTED)) {
    it(`${state} + ${event} → ${expected.state} (${expected.action})`, () => {
      const prev = inState(state);
      const t = transition(prev, EVENT[event], at(20), true, L);
      expect(t.action).toBe(expected.action);
      expect(t.next?.state ?? "none").toBe(expected.state);
      expect(t.changed).toBe(expected.written);
      // The table is the lifecycle's documentation as data: it must say the same.
      expect(SYSTEM_LIFECYCLE[state][event]).toEqual({ to: expected.state, action: expected.action });
    });
  }

  describe("guards", () => {
    it("promotes a pending incident to firing once it has fired for its severity's pending time, not before", () => {
      // Pending since 01:18: SEV-3 waits 5 minutes, SEV-4 10; a page has no pending time at all.
      expect(transition(inState("pending"), firing("SEV-3"), at(22), true, L).next!.state).toBe("pending");
      expect(transition(inState("pending"), firing("SEV-3"), at(23), true, L)).toMatchObject({
        action: "update",
        next: { state: "firing" },
      });
      const ticket4 = anIncident({ ...inState("pending"), severity: "SEV-4" });
      expect(transition(ticket4, firing("SEV-4"), at(27), true, L).next!.state).toBe("pending");
      expect(transition(ticket4, firing("SEV-4"), at(28), true, L).next!.state).toBe("firing");
      expect(transition(undefined, firing("SEV-2"), at(20), true, L)).toMatchObject({
        action: "open",
        next: { state: "firing" },
      });
      expect(transition(inState("resolved"), firing("SEV-1"), at(20), true, L)).toMatchObject({
        action: "open",
        next: { state: "firing", occurrence: 2 },
      });
    });

    it("holds a firing incident through a recovery that is its fourth switch within the window, and records the switch", () => {
      // Opened at 01:05, recovered at 01:20, relapsed at 01:25: this recovery is the fourth switch.
      const relapsed = anIncident({ changes: [at(5), at(20), at(25)], occurrence: 2 });
      const t = transition(relapsed, recovered, at(40), true, L);
      expect(t).toMatchObject({
        action: "resolve",
        changed: true,
        next: { state: "firing", flapping: true, conditionFiring: false, changes: [at(5), at(20), at(25), at(40)] },
      });
      // The third switch alone does not hold it.
      expect(transition(anIncident({ changes: [at(5), at(20)] }), recovered, at(40), true, L).next!.state).toBe(
        "resolved",
      );
    });

    it("counts a recovery from a partial query as silent: no verdict, nothing changes", () => {
      expect(conditionEvent(recovered, false)).toBe("silent");
      expect(conditionEvent(recovered, true)).toBe("recover");
      for (const state of ["pending", "firing"] as const) {
        const prev = inState(state);
        expect(transition(prev, recovered, at(20), false, L)).toEqual({ next: prev, changed: false, action: "wait" });
      }
    });
  });
});

describe("the responder lifecycle table", () => {
  const responder = (state: Responder["state"]): Responder => ({
    state,
    by: state === "new" ? undefined : "alex",
    at: state === "new" ? undefined : at(7),
    note: undefined,
  });

  it("has exactly the states and events the documented table has", () => {
    expect([...RESPONDER_STATES].sort()).toEqual(Object.keys(RESPONDER_EXPECTED).sort());
    expect([...RESPONDER_EVENTS].sort()).toEqual(Object.keys(RESPONDER_EXPECTED.new).sort());
  });

  for (const { state, event, expected } of pairs(RESPONDER_EXPECTED)) {
    it(`${state} + ${event} → ${expected.state} (${expected.result})`, () => {
      const r = respond(responder(state), event, "sam", at(20), "on it");
      expect(r.result).toBe(expected.result);
      expect(r.responder.state).toBe(expected.state);
      expect(RESPONDER_LIFECYCLE[state][event]).toMatchObject({ to: expected.state, result: expected.result });
    });
  }

  it("records who acknowledged and when, keeps them when it closes, and forgets them on a new episode", () => {
    expect(respond(responder("new"), "ack", "sam", at(20), "on it").responder).toEqual({
      state: "acknowledged",
      by: "sam",
      at: at(20),
      note: "on it",
    });
    expect(respond(responder("acknowledged"), "system-resolved", "vaultwatch", at(30)).responder).toEqual({
      ...responder("acknowledged"),
      state: "closed",
    });
    expect(respond(responder("closed"), "system-reopened", "vaultwatch", at(40)).responder).toEqual({
      state: "new",
      by: undefined,
      at: undefined,
      note: undefined,
    });
  });

  it("refuses an acknowledgement of a resolved incident with the API's reason", () => {
    expect(respond(responder("closed"), "ack", "sam", at(20))).toEqual({
      result: "rejected",
      reason: "the incident is already resolved",
      responder: responder("closed"),
    });
  });

  it("keeps the first acknowledger when a colleague acknowledges again", () => {
    const first = acknowledge(anIncident(), "alex", at(20), "looking");
    expect(first.status).toBe("acknowledged");
    const again = acknowledge((first as { incident: Incident }).incident, "sam", at(22));
    expect(again).toMatchObject({
      status: "already-acknowledged",
      incident: { responder: { state: "acknowledged", by: "alex", note: "looking" } },
    });
  });

  it("refuses to acknowledge a pending incident, which nobody has been told about", () => {
    expect(acknowledge(inState("pending")!, "alex", at(20))).toEqual({
      status: "rejected",
      reason: expect.stringContaining("pending"),
    });
  });
});

describe("closing by hand", () => {
  const TEAMS = { ...DEFAULT_NOTIFY, channels: ["teams" as const] };
  it("resolves a firing incident on a person's word, recording who closed it and why", () => {
    const acked = (acknowledge(anIncident(), "alex", at(12)) as { incident: Incident }).incident;
    const closed = closeByHand(
      acked,
      "sam",
      at(20),
      "orders-v1 was retired; its identity no longer calls kv-app",
      TEAMS,
    );
    expect(closed).toMatchObject({
      status: "closed",
      incident: {
        state: "resolved",
        resolvedAt: at(20),
        conditionFiring: false,
        responder: {
          state: "closed",
          by: "sam",
          at: at(20),
          note: "orders-v1 was retired; its identity no longer calls kv-app",
          closedByHand: true,
        },
      },
    });
  });

  it("refuses a pending or an already resolved incident", () => {
    expect(closeByHand(inState("pending")!, "sam", at(20), "x", TEAMS)).toEqual({
      status: "rejected",
      reason: expect.stringContaining("pending"),
    });
    expect(closeByHand(inState("resolved")!, "sam", at(20), "x", TEAMS)).toEqual({
      status: "rejected",
      reason: "the incident is already resolved",
    });
  });

  it("queues the resolution with the close, stays resolved while its caller is silent, and pages anew if the rule fires again", () => {
    const closed = (closeByHand(anIncident(), "sam", at(20), "retired", TEAMS) as { incident: Incident }).incident;
    // Queued at once: a new episode on the next tick must not swallow it.
    expect(kinds(closed)).toEqual(["resolved"]);
    const told = { ...closed, outbox: [] };
    expect(planNotices(told, at(25), TEAMS, undefined).outbox).toEqual([]);
    const quiet = transition({ ...told, outbox: [] }, noTraffic, at(30), true, L);
    expect(quiet.changed).toBe(false);
    const again = tick({ ...told, outbox: [] }, firing("SEV-2"), at(35));
    expect(again).toMatchObject({ state: "firing", occurrence: 2, responder: { state: "new" } });
    expect(kinds(again)).toEqual(["opened"]);
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
    const up = tick(
      anIncident({ severity: "SEV-3", notified: { ...anIncident().notified, severity: "SEV-3", pagedAt: undefined } }),
      firing("SEV-1"),
      at(20),
    )!;
    expect(up.severity).toBe("SEV-1");
    expect(kinds(up)).toEqual(["escalated"]);
    const down = tick(up, firing("SEV-3"), at(25))!;
    expect(down.severity).toBe("SEV-1");
    expect(down.outbox).toHaveLength(1);
  });

  it("holds an escalation while a role change is inside its propagation window, and escalates after the re-test time", () => {
    const waiting = (retestAt: Date): Evaluation => ({
      ...(firing("SEV-1") as Extract<Evaluation, { kind: "firing" }>),
      diagnosis: {
        top: [],
        decidedBy: "role restored at 01:14",
        propagation: { retestAt, text: "re-test at 01:24 UTC" },
        summary: "H3",
      },
    });
    const start = anIncident({
      severity: "SEV-3",
      notified: { ...anIncident().notified, severity: "SEV-3", pagedAt: undefined },
    });
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
    const i = anIncident({
      severity: "SEV-1",
      notified: { ...anIncident().notified, severity: "SEV-1", pagedAt: at(5) },
    });
    expect(kinds(tick(i, firing("SEV-1"), at(19)))).toEqual([]);
    const late = tick(i, firing("SEV-1"), at(20))!;
    expect(kinds(late)).toEqual(["unacknowledged"]);
    expect(kinds(tick({ ...late, outbox: [] }, firing("SEV-1"), at(25)))).toEqual([]);
  });

  it("holds a flapping incident open through recoveries instead of resolving and paging again", () => {
    let i: Incident | undefined;
    const sent: string[] = [];
    // Fires, clears, recovers, relapses… every 5 minutes for an hour.
    const pattern: Evaluation[] = [
      firing(),
      settling,
      recovered,
      firing(),
      settling,
      recovered,
      firing(),
      settling,
      recovered,
      firing(),
      settling,
      recovered,
    ];
    pattern.forEach((ev, n) => {
      i = tick(i ? { ...i, outbox: [] } : undefined, ev, at(20 + n * 5));
      sent.push(...kinds(i));
    });
    expect(i!.flapping).toBe(true);
    expect(i!.state).toBe("firing");
    // Two full episodes were announced before the pattern counted as flapping; then silence.
    expect(sent).toEqual(["opened", "resolved", "opened"]);
  });

  it("lets a flapping incident resolve once the flap window passes without a change, and not while one is left in it", () => {
    const flapping = anIncident({ flapping: true, conditionFiring: false, changes: [at(0), at(10), at(20), at(30)] });
    expect(tick(flapping, recovered, at(40))!.state).toBe("firing");
    // Only two switches left in the window: fewer than mark an incident flapping, but the last was
    // 45 minutes ago, not an hour.
    expect(tick(flapping, recovered, at(75))!.state).toBe("firing");
    const resolved = tick(flapping, recovered, at(91));
    expect(resolved).toMatchObject({ state: "resolved", flapping: false });
    expect(kinds(resolved)).toEqual(["resolved"]);
  });

  it("sends nothing for the relapses of a held incident, and records each as a switch", () => {
    const held = anIncident({
      flapping: true,
      conditionFiring: false,
      changes: [at(5), at(20), at(25), at(40)],
      occurrence: 2,
    });
    const relapse = tick(held, firing(), at(45))!;
    expect(relapse).toMatchObject({
      state: "firing",
      flapping: true,
      conditionFiring: true,
      occurrence: 2,
      changes: [at(5), at(20), at(25), at(40), at(45)],
    });
    expect(kinds(relapse)).toEqual([]);
    const again = tick(relapse, recovered, at(60))!;
    expect(again).toMatchObject({
      state: "firing",
      conditionFiring: false,
      changes: [at(5), at(20), at(25), at(40), at(45), at(60)],
    });
    expect(kinds(again)).toEqual([]);
  });

  it("forgets that an incident flapped once it has fired for a whole window without a switch", () => {
    // Flapped, then fired without a break from 01:45: the recovery at 03:00 resolves it at once.
    const steady = anIncident({
      flapping: true,
      conditionFiring: true,
      changes: [at(5), at(20), at(25), at(40), at(45)],
    });
    expect(transition(steady, firing(), at(110), true, L).next).toMatchObject({ flapping: false });
    expect(tick(steady, recovered, at(120))).toMatchObject({ state: "resolved" });
  });
});
