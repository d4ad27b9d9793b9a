import { describe, expect, it } from "vitest";
import {
  judge,
  learnBaseline,
  learnedPoints,
  updateBaseline,
  type CountPoint,
} from "../../../src/core/baselines/index.js";
import { DAY, endOf, hoursAfter, steady, sundayBatch, T0 } from "./series.js";

/** Six hours at 60% denials in the middle of day 5. */
const incidentFrom = hoursAfter(T0, 5 * 24 + 10);
const incidentTo = hoursAfter(incidentFrom, 6);
const withIncident = (points: CountPoint[]) =>
  points.map((p) => (p.at >= incidentFrom && p.at < incidentTo ? { ...p, failures: Math.round(p.total * 0.6) } : p));
const outside = (points: CountPoint[]) => points.filter((p) => !(p.at >= incidentFrom && p.at < incidentTo));

describe("incident windows", () => {
  const healthy = steady(14, 2000, 0.001, 51);

  it("are never learned from: with the window excluded the baseline equals one that never saw those hours", () => {
    const excluded = learnBaseline("s", withIncident(healthy), [{ from: incidentFrom, to: incidentTo }], endOf(14));
    expect(excluded).toEqual(learnBaseline("s", outside(healthy), [], endOf(14)));
  });

  it("drop every bin they touch, even partly", () => {
    const b = learnBaseline(
      "s",
      healthy,
      [{ from: new Date(incidentFrom.getTime() + 59 * 60_000), to: new Date(incidentFrom.getTime() + 61 * 60_000) }],
      endOf(14),
    );
    expect(b.samples).toBe(14 * 24 - 2);
  });

  it("declared after the fact are removed from a baseline by the next update", () => {
    const learned = learnBaseline("s", withIncident(healthy), [], endOf(14));
    const updated = updateBaseline(learned, [], [{ from: incidentFrom, to: incidentTo }], endOf(14));
    expect(updated).toEqual(learnBaseline("s", outside(healthy), [], endOf(14)));
  });

  it("that nobody declared are left out as outliers, so the incident does not become normal", () => {
    const b = learnBaseline("s", withIncident(healthy), [], endOf(14));
    const outliers = b.slots["hour-of-day"].reduce((n, r) => n + r[3], 0);
    expect(outliers).toBe(6);
    const v = judge(b, { failures: 1200, total: 2000, at: hoursAfter(endOf(14), 12) });
    expect(v.kind).toBe("anomalous");
  });
});

describe("updates", () => {
  it("equal learning from all the points at once", () => {
    const all = sundayBatch(28, 500, 0.002, 0.05, 61);
    const first = all.slice(0, 14 * 24);
    const rest = all.slice(14 * 24);
    let b = learnBaseline("s", first, [], endOf(14));
    for (let day = 14; day < 28; day++)
      b = updateBaseline(b, rest.slice((day - 14) * 24, (day - 13) * 24), [], endOf(day + 1));
    expect(b).toEqual(learnBaseline("s", all, [], endOf(28)));
  });

  it("replace a bin read again (a later read has seen more of the ingested logs)", () => {
    const b = learnBaseline("s", steady(4, 100, 0.01, 62), [], endOf(4));
    const reread = updateBaseline(b, [{ at: hoursAfter(endOf(4), -1), failures: 7, total: 140 }], [], endOf(4));
    expect(learnedPoints(reread).at(-1)).toEqual({ at: hoursAfter(endOf(4), -1), failures: 7, total: 140 });
    expect(reread.samples).toBe(b.samples);
  });

  it("keep memory bounded: bins older than the horizon are dropped", () => {
    let b = learnBaseline("s", steady(14, 2000, 0.001, 63), [], endOf(14));
    for (let day = 14; day < 100; day++)
      b = updateBaseline(b, steady(1, 2000, 0.001, 1000 + day, new Date(T0.getTime() + day * DAY)), [], endOf(day + 1));
    expect(b.samples).toBe(42 * 24);
    expect(b.firstAt).toBe(new Date(endOf(100).getTime() - 42 * DAY).toISOString());
    expect(JSON.stringify(b).length).toBeLessThan(30_000);
  });

  it("refuse to change the bin size of a learned baseline", () => {
    const b = learnBaseline("s", steady(4, 100, 0.01, 64), [], endOf(4));
    expect(() => updateBaseline(b, [], [], endOf(4), { binMinutes: 15 })).toThrow("relearn");
  });
});

describe("persistence", () => {
  it("is plain JSON: a baseline read back judges exactly as the one written", () => {
    const b = learnBaseline("s", sundayBatch(21, 2000, 0.001, 0.05, 71), [], endOf(21));
    const read = JSON.parse(JSON.stringify(b)) as typeof b;
    expect(read).toEqual(b);
    for (let h = 0; h < 168; h += 7) {
      const x = { failures: h % 40, total: 2000, at: hoursAfter(endOf(21), h) };
      expect(judge(read, x)).toEqual(judge(b, x));
    }
  });

  it.each([
    ["14 days of hourly points at 2,000 calls an hour (a first-run backfill)", 14, 2000, 0.001, 6_000],
    ["42 days of hourly points (the full horizon, weekly pattern)", 42, 2000, 0.001, 20_000],
    ["42 days at 1.44 million calls an hour, 20% failing (seven-digit counts)", 42, 1_440_000, 0.2, 30_000],
  ])("stays small for %s", (_, days, calls, ratio, limit) => {
    const b = learnBaseline(
      "kv-orders-prod|7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93|denials",
      steady(days, calls, ratio, 72),
      [],
      endOf(days),
    );
    expect(JSON.stringify(b).length).toBeLessThan(limit);
  });

  it("keeps the learned points themselves, so nothing learned is lost between ticks", () => {
    const points = steady(3, 100, 0.01, 73);
    const b = learnBaseline("s", points, [], endOf(3));
    expect(learnedPoints(b)).toEqual(points);
  });

  it("adds up points that fall in one bin, such as rows per operation or 15-minute rows", () => {
    const quarter = 15 * 60_000;
    const rows = [0, 1, 2, 3].map((q) => ({ at: new Date(T0.getTime() + q * quarter), failures: q, total: 10 }));
    const [bin] = learnedPoints(learnBaseline("s", rows, [], hoursAfter(T0, 1)));
    expect(bin).toEqual({ at: T0, failures: 6, total: 40 });
  });

  it("learns 15-minute bins when asked, with the same hourly seasons", () => {
    const quarter = 15 * 60_000;
    const rows = Array.from({ length: 4 * 24 * 4 }, (_, i) => ({
      at: new Date(T0.getTime() + i * quarter),
      failures: 0,
      total: 50,
    }));
    const b = learnBaseline("s", rows, [], endOf(4), { binMinutes: 15 });
    expect(b.samples).toBe(4 * 24 * 4);
    expect(b.slots["hour-of-day"]).toHaveLength(24);
    expect(b.slots["hour-of-day"][0]![2]).toBe(16);
  });
});
