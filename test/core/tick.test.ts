import { describe, expect, it } from "vitest";
import { decideTick } from "../../src/core/tick.js";
import { aBin, anIncident, aPolicy, at } from "../fixtures/incidents.js";

describe("a tick's decisions", () => {
  it("decide nothing when the query failed: unknown is not healthy and not resolved", () => {
    const d = decideTick({ now: at(40), signal: { status: "failed", problem: "503" }, incidents: [anIncident()], policy: aPolicy() });
    expect(d.changed).toEqual([]);
    expect(d.seriesObserved).toBe(0);
  });

  it("open incidents from a partial result but never resolve from one", () => {
    const rows = [aBin(20, { succeeded: 40 }), aBin(25, { succeeded: 40 }), aBin(30, { succeeded: 40 })];
    const partial = decideTick({ now: at(35), signal: { status: "partial", rows, problem: "limit" }, incidents: [anIncident()], policy: aPolicy() });
    expect(partial.changed).toEqual([]);
    const complete = decideTick({ now: at(35), signal: { status: "complete", rows }, incidents: [anIncident()], policy: aPolicy() });
    expect(complete.changed.map((i) => i.state)).toEqual(["resolved"]);

    const failing = [aBin(30, { forbidden: 20 })];
    const opened = decideTick({ now: at(35), signal: { status: "partial", rows: failing, problem: "limit" }, incidents: [], policy: aPolicy() });
    expect(opened.changed.map((i) => i.state)).toEqual(["open"]);
  });

  it("keep an incident open, without a write, when its caller went silent", () => {
    const d = decideTick({ now: at(60), signal: { status: "complete", rows: [] }, incidents: [anIncident()], policy: aPolicy() });
    expect(d.changed).toEqual([]);
    expect(d.evaluations).toEqual([expect.objectContaining({ kind: "no-traffic" })]);
  });
});
