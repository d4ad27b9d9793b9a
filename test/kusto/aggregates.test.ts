import { describe, expect, it } from "vitest";
import { AGGREGATES } from "../../tools/kusto/aggregates.js";
import type { KustoType } from "../../tools/kusto/types.js";

// Direct tests of the aggregation functions: rows are [args, count] pairs, fed through add() as
// summarize does; `count` is the row's multiplicity (types.ts, Row).

type Input = [unknown[], number];

function aggregate(name: string, types: KustoType[], resultType: KustoType, rows: Input[]): unknown {
  const factory = AGGREGATES.get(name);
  if (!factory) throw new Error(`no aggregate ${name}`);
  const agg = factory(types, resultType);
  let state = agg.init();
  for (const [args, count] of rows) state = agg.add(state, args, count);
  return agg.result(state);
}

const one = (...args: unknown[]): Input => [args, 1];

describe("counting", () => {
  it("count() adds each row's multiplicity", () => {
    expect(
      aggregate("count", [], "long", [
        [[], 5],
        [[], 1],
      ]),
    ).toBe(6);
    expect(aggregate("count", [], "long", [])).toBe(0);
  });

  it("count(x) counts rows whatever x is, null included", () => {
    expect(aggregate("count", ["real"], "long", [one(null), one(5)])).toBe(2);
  });

  it("countif(p) adds the multiplicity of rows whose predicate is true, not null", () => {
    expect(
      aggregate("countif", ["bool"], "long", [
        [[true], 5],
        [[false], 3],
        [[null], 2],
        [[true], 1],
      ]),
    ).toBe(6);
    expect(aggregate("countif", ["bool"], "long", [])).toBe(0);
  });

  it("dcount counts distinct non-null values, ignoring multiplicity", () => {
    expect(aggregate("dcount", ["string"], "long", [[["a"], 5], one("b"), one("a")])).toBe(2);
    expect(aggregate("dcount", ["long"], "long", [one(1), one(null), one("1")])).toBe(2);
    expect(aggregate("dcount", ["long"], "long", [])).toBe(0);
  });

  it("dcountif counts distinct values of rows whose predicate is true", () => {
    expect(aggregate("dcountif", ["string", "bool"], "long", [one("a", true), one("b", false), one("c", true)])).toBe(
      2,
    );
  });
});

describe("sums and averages", () => {
  it("sum(x) adds x × multiplicity and ignores nulls", () => {
    expect(aggregate("sum", ["long"], "long", [[[2], 5], one(null), one(3)])).toBe(13);
  });

  it("sum over no rows or only nulls is 0", () => {
    expect(aggregate("sum", ["long"], "long", [])).toBe(0);
    expect(aggregate("sum", ["long"], "long", [one(null)])).toBe(0);
  });

  it("sumif(x, p) sums rows whose predicate is true", () => {
    expect(aggregate("sumif", ["long", "bool"], "long", [[[2, true], 5], one(7, false), one(1, null)])).toBe(10);
  });

  it("avg weights by multiplicity and is NaN over no values", () => {
    expect(aggregate("avg", ["real"], "real", [[[1], 3], one(5), one(null)])).toBe(2);
    expect(aggregate("avg", ["real"], "real", [])).toBeNaN();
    expect(aggregate("avgif", ["real", "bool"], "real", [one(10, true), one(20, false)])).toBe(10);
  });
});

describe("extremes and samples", () => {
  it("min and max ignore nulls and multiplicity", () => {
    expect(aggregate("min", ["long"], "long", [one(3), [[1], 9], one(null), one(2)])).toBe(1);
    expect(aggregate("max", ["datetime"], "datetime", [one(10), one(30), one(20)])).toBe(30);
    expect(aggregate("max", ["string"], "string", [one("b"), one("a")])).toBe("b");
  });

  it("min and max over no values are null, or empty for strings", () => {
    expect(aggregate("min", ["long"], "long", [])).toBeNull();
    expect(aggregate("max", ["string"], "string", [])).toBe("");
  });

  it("minif and maxif consider rows whose predicate is true", () => {
    expect(aggregate("minif", ["long", "bool"], "long", [one(1, false), one(5, true), one(3, true)])).toBe(3);
    expect(aggregate("maxif", ["long", "bool"], "long", [one(9, false), one(5, true), one(3, true)])).toBe(5);
  });

  it("take_any prefers a non-empty value", () => {
    expect(aggregate("take_any", ["string"], "string", [one(""), one("x"), one("y")])).toBe("x");
    expect(aggregate("any", ["long"], "long", [one(null), one(4)])).toBe(4);
    expect(aggregate("take_any", ["string"], "string", [])).toBe("");
  });

  it("take_any of several expressions takes them from one row", () => {
    expect(aggregate("take_any", ["string", "long"], "string", [one("a", 1), one("b", 2)])).toEqual(["a", 1]);
  });

  it("arg_max returns the compared value and the columns of the first row with the largest", () => {
    expect(
      aggregate("arg_max", ["long", "string"], "long", [one(1, "a"), one(3, "b"), one(3, "c"), one(null, "d")]),
    ).toEqual([3, "b"]);
  });

  it("arg_max and arg_min pick a row when every compared value is null", () => {
    expect(aggregate("arg_max", ["int", "string"], "int", [one(null, "Yellow"), one(null, "Green")])).toEqual([
      null,
      "Yellow",
    ]);
    expect(aggregate("arg_min", ["int", "string"], "int", [one(2, "Green"), one(1, "Brown")])).toEqual([1, "Brown"]);
  });

  it("arg_max over no rows is an array of empty values", () => {
    expect(aggregate("arg_max", ["long", "string"], "long", [])).toEqual([null, ""]);
  });
});

describe("lists and sets", () => {
  it("make_list repeats a value by its multiplicity and skips nulls", () => {
    expect(aggregate("make_list", ["string"], "dynamic", [[["a"], 3], one(""), one("b")])).toEqual([
      "a",
      "a",
      "a",
      "",
      "b",
    ]);
    expect(aggregate("make_list", ["long"], "dynamic", [one(null), one(1)])).toEqual([1]);
    expect(aggregate("make_list", ["long"], "dynamic", [])).toEqual([]);
  });

  it("make_list honours maxSize", () => {
    expect(aggregate("make_list", ["long", "long"], "dynamic", [[[1, 2], 5]])).toEqual([1, 1]);
  });

  it("make_list keeps values in their dynamic form", () => {
    expect(aggregate("make_list", ["datetime"], "dynamic", [one(Date.parse("2017-01-01T00:00:00Z"))])).toEqual([
      "2017-01-01T00:00:00.0000000Z",
    ]);
  });

  it("make_set keeps distinct values in first-seen order, up to maxSize", () => {
    expect(aggregate("make_set", ["string"], "dynamic", [[["a"], 4], one("b"), one("a")])).toEqual(["a", "b"]);
    expect(aggregate("make_set", ["string", "long"], "dynamic", [one("a", 1), one("b", 1)])).toEqual(["a"]);
    expect(aggregate("make_set", ["long"], "dynamic", [])).toEqual([]);
  });

  it("make_set takes the elements of dynamic arrays", () => {
    expect(
      aggregate("make_set", ["dynamic"], "dynamic", [one(["A1", "A2", "A3"]), one(["A2", "C1"]), one(["C2", "A3"])]),
    ).toEqual(["A1", "A2", "A3", "C1", "C2"]);
  });

  it("make_set_if and make_list_if keep values whose predicate is true", () => {
    const rows = [one("John", false), one("George", true), one("Ringo", true), one("George", true)];
    expect(aggregate("make_set_if", ["string", "bool"], "dynamic", rows)).toEqual(["George", "Ringo"]);
    expect(aggregate("make_list_if", ["string", "bool"], "dynamic", rows)).toEqual(["George", "Ringo", "George"]);
  });
});
