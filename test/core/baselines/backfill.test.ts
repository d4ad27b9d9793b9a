import { describe, expect, it } from "vitest";
import { learnBaseline, pointsBySeries } from "../../../src/core/baselines/index.js";
import { endOf, hoursAfter, T0 } from "./series.js";

describe("splitting a backfill query's rows into series", () => {
  it("groups by series, adds up rows of one bin, and sorts each series oldest first", () => {
    const rows = [
      { seriesKey: "kv-a|id-1|denials", at: "2025-03-02T01:00:00Z", failures: 1, total: 10 },
      { seriesKey: "kv-a|id-2|denials", at: "2025-03-02T00:00:00Z", failures: 0, total: 5 },
      { seriesKey: "kv-a|id-1|denials", at: new Date("2025-03-02T00:00:00Z"), failures: 2, total: 20 },
      { seriesKey: "kv-a|id-1|denials", at: "2025-03-02T01:00:00.000Z", failures: 3, total: 30 },
    ];
    const bySeries = pointsBySeries(rows);
    expect([...bySeries.keys()]).toEqual(["kv-a|id-1|denials", "kv-a|id-2|denials"]);
    expect(bySeries.get("kv-a|id-1|denials")).toEqual([
      { at: new Date("2025-03-02T00:00:00Z"), failures: 2, total: 20 },
      { at: new Date("2025-03-02T01:00:00Z"), failures: 4, total: 40 },
    ]);
    expect(bySeries.get("kv-a|id-2|denials")).toEqual([
      { at: new Date("2025-03-02T00:00:00Z"), failures: 0, total: 5 },
    ]);
  });

  it("does not alias the caller's dates", () => {
    const at = new Date("2025-03-02T00:00:00Z");
    const [point] = pointsBySeries([{ seriesKey: "s", at, failures: 0, total: 1 }]).get("s")!;
    at.setUTCFullYear(2000);
    expect(point!.at.toISOString()).toBe("2025-03-02T00:00:00.000Z");
  });

  it("throws on a row whose time does not parse, naming the row and series", () => {
    expect(() => pointsBySeries([{ seriesKey: "kv-a|id-1|denials", at: "yesterday", failures: 0, total: 1 }])).toThrow(
      'row 0 (kv-a|id-1|denials): "at" is not a valid time',
    );
  });

  it("feeds each series straight into learning", () => {
    const rows = Array.from({ length: 4 * 24 }, (_, h) => [
      { seriesKey: "a", at: hoursAfter(T0, h).toISOString(), failures: h % 7 === 0 ? 1 : 0, total: 100 },
      { seriesKey: "b", at: hoursAfter(T0, h).toISOString(), failures: 0, total: 3 },
    ]).flat();
    const baselines = [...pointsBySeries(rows)].map(([key, points]) => learnBaseline(key, points, [], endOf(4)));
    expect(baselines.map((b) => [b.seriesKey, b.samples, b.seasonality])).toEqual([
      ["a", 96, "hour-of-day"],
      ["b", 96, "hour-of-day"],
    ]);
  });
});
