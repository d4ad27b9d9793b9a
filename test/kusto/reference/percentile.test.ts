import { describe, expect, it } from "vitest";
import { columnsOf, rowsOf } from "./run.js";

// learn.microsoft.com/kusto/query/percentiles-aggregation-function: percentile() "calculates an
// estimate for the specified nearest-rank percentile of the population defined by expr"; Kusto's
// native percentile functions "use the nearest rank method" (functions-library/percentiles-linear-fl).
// The evaluator computes the nearest rank exactly: the value at rank ceil(p/100 · N).

const TEN = `datatable(v:long) [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]`;

describe("percentile", () => {
  it("takes the nearest rank: p95 of 1..10 is the 10th value, p50 the 5th, p0 the smallest", () => {
    const q = `${TEN}\n| summarize percentile(v, 95), percentile(v, 50), percentile(v, 0)`;
    expect(columnsOf(q)).toEqual(["percentile_v_95:long", "percentile_v_50:long", "percentile_v_0:long"]);
    expect(rowsOf(q)).toEqual([[10, 5, 1]]);
  });

  it("keeps a timespan a timespan: rank ceil(0.8 · 5) = 4 of five delays", () => {
    const q = `datatable(d:timespan) [3m, 4m, 4m, 5m, 9m]\n| summarize P = percentile(d, 80)`;
    expect(columnsOf(q)).toEqual(["P:timespan"]);
    expect(rowsOf(q)).toEqual([[5 * 60_000]]);
  });

  it("leaves nulls out and gives null over no values", () => {
    expect(rowsOf(`datatable(v:long) [long(null), 7]\n| summarize percentile(v, 50)`)).toEqual([[7]]);
    expect(rowsOf(`datatable(v:long) [1]\n| where v > 5\n| summarize percentile(v, 50)`)).toEqual([[null]]);
  });
});
