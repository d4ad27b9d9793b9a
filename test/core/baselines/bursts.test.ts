import { describe, expect, it } from "vitest";
import {
  burstsOf,
  historyWith,
  learnBaseline,
  learnedPoints,
  updateBaseline,
  usualBurst,
  type CountPoint,
} from "../../../src/core/baselines/index.js";

/** Hourly history points of calls without a token, as absorbHistory makes them from the history query. */
const DAY0 = Date.UTC(2026, 3, 14);
const HOUR = 3_600_000;
const hour = (day: number, h: number) => new Date(DAY0 + day * 24 * HOUR + h * HOUR);
/** The bit of the 5-minute bin from `minute` past the hour. */
const bin = (minute: number) => 2 ** (minute / 5);
const point = (at: Date, failures: number, deniedBins: number): CountPoint => ({
  at,
  failures,
  total: failures,
  deniedBins,
});
const NOW = hour(14, 0);

describe("the bursts of calls without a token in a baseline's history", () => {
  it("are read at 5-minute resolution, joined across the top of an hour and over gaps of up to two bins", () => {
    const b = learnBaseline(
      "kv-auth-denied|kv|",
      [
        // 09:00-09:10: one burst of two bins.
        point(hour(0, 9), 120, bin(0) | bin(5)),
        // 14:55-15:05 across the top of the hour: one burst of three bins.
        point(hour(0, 14), 40, bin(55)),
        point(hour(0, 15), 80, bin(0) | bin(5)),
        // 18:00 and 18:15 (two empty bins between): one burst; 18:40 (four empty bins on): another.
        point(hour(0, 18), 30, bin(0) | bin(15) | bin(40)),
      ],
      [],
      NOW,
    );
    expect(burstsOf(b).map((x) => [x.at.toISOString().slice(11, 16), x.bins, x.failures])).toEqual([
      ["09:00", 2, 120],
      ["14:55", 3, 120],
      ["18:00", 2, 30],
      ["18:40", 1, 30],
    ]);
  });

  it("have a usual burst once three of them reached it: the third longest, and the third largest", () => {
    const deploys = [1, 2, 3, 4, 5, 6].flatMap((d) => [
      point(hour(d, 9), 150 + d, bin(0) | bin(5)),
      point(hour(d, 15), 140 + d, bin(0) | bin(5)),
    ]);
    // One past outage nobody excluded: three hours of failing bins; it does not become the usual.
    const outage = [10, 11, 12].map((h) => point(hour(8, h), 2000, 2 ** 12 - 1));
    const b = learnBaseline("kv-auth-denied|kv|", [...deploys, ...outage], [], NOW);
    expect(usualBurst(b)).toEqual({ bins: 2, failures: 155, seen: 13 });
  });

  it("have no usual burst with fewer than three in the history", () => {
    const b = learnBaseline(
      "kv-auth-denied|kv|",
      [point(hour(1, 9), 100, bin(0) | bin(5)), point(hour(2, 9), 100, bin(0) | bin(5))],
      [],
      NOW,
    );
    expect(usualBurst(b)).toBeUndefined();
  });

  it("survive an update, and a baseline without them stores none", () => {
    const first = learnBaseline("kv-auth-denied|kv|", [point(hour(1, 9), 100, bin(0) | bin(5))], [], NOW);
    const updated = updateBaseline(first, [point(hour(2, 9), 90, bin(5))], [], NOW);
    expect(learnedPoints(updated).map((p) => p.deniedBins)).toEqual([bin(0) | bin(5), bin(5)]);
    const ratio = learnBaseline("kv-auth-denied|kv|x", [{ at: hour(1, 9), failures: 1, total: 90 }], [], NOW);
    expect(ratio.history.deniedBins).toBeUndefined();
  });
});

describe("what a series' history says beyond its ratio", () => {
  const other = learnBaseline("kv-auth-denied|kv|other", [{ at: hour(1, 9), failures: 0, total: 50 }], [], NOW);

  it("a caller the history never saw had no access before; with no history at all it is not known", () => {
    expect(historyWith(new Map([[other.seriesKey, other]]))("kv|new").accessBefore).toBe(false);
    expect(historyWith(new Map())("kv|new").accessBefore).toBeUndefined();
  });

  it("a caller whose every call was denied or throttled had no access; one call let through is access", () => {
    const denied = learnBaseline("kv-auth-denied|kv|c", [{ at: hour(1, 9), failures: 6, total: 10 }], [], NOW);
    const throttled = learnBaseline("kv-throttled|kv|c", [{ at: hour(1, 9), failures: 4, total: 10 }], [], NOW);
    const of = (...bs: (typeof denied)[]) => historyWith(new Map(bs.map((b) => [b.seriesKey, b])))("kv|c");
    expect(of(denied, throttled).accessBefore).toBe(false);
    const once = learnBaseline("kv-throttled|kv|c", [{ at: hour(1, 9), failures: 3, total: 10 }], [], NOW);
    expect(of(denied, once).accessBefore).toBe(true);
  });
});
