import { describe, expect, it } from "vitest";
import { transition } from "../../src/core/incidents.js";
import type { Evaluation, Incident } from "../../src/core/model.js";
import { anIncident, at, KEY, someCounts } from "../fixtures/incidents.js";

const firing = (severity: Incident["severity"] = "SEV-2"): Evaluation => ({
  kind: "firing", rule: "kv-auth-denied", key: KEY, counts: someCounts(), severity, severityReason: "test", triggers: [{ kind: "threshold", failures: 90, failurePercent: 90, baseline: "none" }],
});
const recovered: Evaluation = { kind: "recovered", rule: "kv-auth-denied", key: KEY, counts: someCounts({ failures: 0, forbidden: 0, succeeded: 80 }), successesInConfirmation: 80 };
const settling: Evaluation = { kind: "settling", rule: "kv-auth-denied", key: KEY, counts: someCounts({ lastFailureAt: at(12) }) };
const noTraffic: Evaluation = { kind: "no-traffic", rule: "kv-auth-denied", key: KEY };

describe("the incident lifecycle", () => {
  it("opens an incident with an 'opened' notice in the same write", () => {
    const t = transition(undefined, firing(), at(20), true);
    expect(t.changed).toBe(true);
    expect(t.next).toMatchObject({ state: "open", severity: "SEV-2", occurrence: 1 });
    expect(t.next!.outbox.map((n) => n.kind)).toEqual(["opened"]);
  });

  it("updates an open incident without a notice while severity holds", () => {
    const t = transition(anIncident(), firing("SEV-2"), at(20), true);
    expect(t.changed).toBe(true);
    expect(t.next!.outbox).toEqual([]);
  });

  it("escalates with a notice when severity rises, and never de-escalates on its own", () => {
    const up = transition(anIncident({ severity: "SEV-3" }), firing("SEV-1"), at(20), true).next!;
    expect(up.severity).toBe("SEV-1");
    expect(up.outbox.map((n) => n.kind)).toEqual(["escalated"]);
    const down = transition(up, firing("SEV-3"), at(25), true).next!;
    expect(down.severity).toBe("SEV-1");
    expect(down.outbox).toHaveLength(1);
  });

  it("holds an escalation while a role change is inside its propagation window, and escalates after the re-test time", () => {
    const waiting = (retestAt: Date): Evaluation => ({
      ...(firing("SEV-1") as Extract<Evaluation, { kind: "firing" }>),
      diagnosis: { top: [], decidedBy: "role restored at 01:14", propagation: { retestAt, text: "re-test at 01:24 UTC" }, summary: "H3" },
    });
    const held = transition(anIncident({ severity: "SEV-3" }), waiting(at(24)), at(20), true).next!;
    expect(held.severity).toBe("SEV-3");
    expect(held.outbox).toEqual([]);
    const after = transition(held, waiting(at(24)), at(25), true).next!;
    expect(after.severity).toBe("SEV-1");
    expect(after.outbox.map((n) => n.kind)).toEqual(["escalated"]);
  });

  it("resolves on confirmed recovery with a resolution notice", () => {
    const t = transition(anIncident(), recovered, at(40), true);
    expect(t.next).toMatchObject({ state: "resolved", resolvedAt: at(40) });
    expect(t.next!.outbox.map((n) => n.kind)).toEqual(["resolved"]);
  });

  it("does not resolve from a partial query, whatever it shows", () => {
    expect(transition(anIncident(), recovered, at(40), false)).toEqual({ next: anIncident(), changed: false });
  });

  it.each([
    ["no traffic", noTraffic],
    ["failures below the threshold", settling],
  ])("keeps an incident open on %s", (_, ev) => {
    expect(transition(anIncident(), ev, at(30), true).next!.state).toBe("open");
  });

  it("re-opens a resolved fingerprint as a new occurrence, keeping undelivered notices first", () => {
    const resolved = transition(anIncident(), recovered, at(40), true).next!;
    const again = transition(resolved, firing(), at(50), true).next!;
    expect(again).toMatchObject({ state: "open", occurrence: 2, openedAt: at(50) });
    expect(again.outbox.map((n) => n.kind)).toEqual(["resolved", "opened"]);
    expect(new Set(again.outbox.map((n) => n.id)).size).toBe(2);
  });

  it("ignores evaluations of a series with no incident unless they fire", () => {
    for (const ev of [recovered, settling, noTraffic]) expect(transition(undefined, ev, at(10), true)).toEqual({ next: undefined, changed: false });
  });
});
