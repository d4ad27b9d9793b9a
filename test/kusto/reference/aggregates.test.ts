import { describe, expect, it } from "vitest";
import { columnsOf, type LiteralTable, rowsOf } from "./run.js";

// Conformance with the KQL reference's aggregation functions and summarize. Each test cites its
// page under learn.microsoft.com/kusto/query/ and uses the page's example with its documented output.

/** The table T of the countif, sumif, make_set_if and make_list_if pages. */
const T = `let T = datatable(name:string, day_of_birth:long)
[
   "John", 9,
   "Paul", 18,
   "George", 25,
   "Ringo", 7
];
T`;

/** The shapes table of make-list-aggregation-function. */
const SHAPES = `let shapes = datatable (name: string, sideCount: int)
[
    "triangle", 3,
    "square", 4,
    "rectangle", 4,
    "pentagon", 5,
    "hexagon", 6,
    "heptagon", 7,
    "octagon", 8,
    "nonagon", 9,
    "decagon", 10
];
shapes`;

describe("countif, sumif, make_set_if, make_list_if", () => {
  // learn.microsoft.com/kusto/query/countif-aggregation-function: 'summarize countif(strlen(name) > 4)'
  // gives a column countif_ holding 2.
  it("countif", () => {
    const q = `${T}\n| summarize countif(strlen(name) > 4)`;
    expect(columnsOf(q)).toEqual(["countif_:long"]);
    expect(rowsOf(q)).toEqual([[2]]);
  });

  // learn.microsoft.com/kusto/query/sumif-aggregation-function: 'summarize sumif(day_of_birth, strlen(name) > 4)'
  // gives sumif_day_of_birth 32.
  it("sumif", () => {
    const q = `${T}\n| summarize sumif(day_of_birth, strlen(name) > 4)`;
    expect(columnsOf(q)).toEqual(["sumif_day_of_birth:long"]);
    expect(rowsOf(q)).toEqual([[32]]);
  });

  // learn.microsoft.com/kusto/query/make-set-if-aggregation-function: set_name ["George", "Ringo"].
  it("make_set_if", () => {
    const q = `${T}\n| summarize make_set_if(name, strlen(name) > 4)`;
    expect(columnsOf(q)).toEqual(["set_name:dynamic"]);
    expect(rowsOf(q)).toEqual([[["George", "Ringo"]]]);
  });

  // learn.microsoft.com/kusto/query/make-list-if-aggregation-function: list_name ["George", "Ringo"].
  it("make_list_if", () => {
    const q = `${T}\n| summarize make_list_if(name, strlen(name) > 4)`;
    expect(columnsOf(q)).toEqual(["list_name:dynamic"]);
    expect(rowsOf(q)).toEqual([[["George", "Ringo"]]]);
  });
});

describe("make_list and make_set", () => {
  // learn.microsoft.com/kusto/query/make-list-aggregation-function, "One column".
  it("make_list of one column", () => {
    expect(rowsOf(`${SHAPES}\n| summarize mylist = make_list(name)`)).toEqual([
      [["triangle", "square", "rectangle", "pentagon", "hexagon", "heptagon", "octagon", "nonagon", "decagon"]],
    ]);
  });

  // Same page, "Using the 'by' clause".
  it("make_list by a computed key", () => {
    expect(rowsOf(`${SHAPES}\n| summarize mylist = make_list(name) by isEvenSideCount = sideCount % 2 == 0`)).toEqual([
      [false, ["triangle", "pentagon", "heptagon", "nonagon"]],
      [true, ["square", "rectangle", "hexagon", "octagon", "decagon"]],
    ]);
  });

  // Same page, "Packing a dynamic object".
  it("make_list of packed bags", () => {
    expect(
      rowsOf(`${SHAPES}
| extend d = bag_pack("name", name, "sideCount", sideCount)
| summarize mylist = make_list(d) by isEvenSideCount = sideCount % 2 == 0`),
    ).toEqual([
      [
        false,
        [
          { name: "triangle", sideCount: 3 },
          { name: "pentagon", sideCount: 5 },
          { name: "heptagon", sideCount: 7 },
          { name: "nonagon", sideCount: 9 },
        ],
      ],
      [
        true,
        [
          { name: "square", sideCount: 4 },
          { name: "rectangle", sideCount: 4 },
          { name: "hexagon", sideCount: 6 },
          { name: "octagon", sideCount: 8 },
          { name: "decagon", sideCount: 10 },
        ],
      ],
    ]);
  });

  // learn.microsoft.com/kusto/query/make-set-aggregation-function, "Set from array column": Val_set [1,5,7],
  // Arr1_set ["A1","A2","A3","C1","C2"].
  it("make_set of scalars and of arrays", () => {
    expect(
      rowsOf(`datatable (Val: int, Arr1: dynamic)
[
    1, dynamic(['A1', 'A2', 'A3']),
    5, dynamic(['A2', 'C1']),
    7, dynamic(['C2', 'A3']),
    5, dynamic(['C2', 'A1'])
]
| summarize Val_set=make_set(Val), Arr1_set=make_set(Arr1)`),
    ).toEqual([
      [
        [1, 5, 7],
        ["A1", "A2", "A3", "C1", "C2"],
      ],
    ]);
  });

  // learn.microsoft.com/kusto/query/make-list-with-nulls-aggregation-function states make_list leaves nulls
  // out; summarize-operator: 'summarize make_set(y), make_set(y)' gives set_y and set_y1, both [5.0].
  it("make_set ignores nulls and names repeated columns apart", () => {
    const q = `datatable(x:long)[1, 2]
| extend y = iff(x == 1, real(null), real(5))
| summarize make_set(y), make_set(y)`;
    expect(columnsOf(q)).toEqual(["set_y:dynamic", "set_y1:dynamic"]);
    expect(rowsOf(q)).toEqual([[[5], [5]]]);
  });
});

describe("arg_max and arg_min", () => {
  const fruit = `datatable(Fruit: string, Color: string, Version: int) [
    "Apple", "Red", 1,
    "Apple", "Green", int(null),
    "Banana", "Yellow", int(null),
    "Banana", "Green", int(null),
    "Pear", "Brown", 1,
    "Pear", "Green", 2,
]`;

  // learn.microsoft.com/kusto/query/arg-max-aggregation-function, null handling: Apple 1 Red, Banana (null)
  // Yellow, Pear 2 Green. (The page's arg_max(Version, *) is written with the column named.)
  it("arg_max ignores nulls unless all are null", () => {
    const q = `${fruit}\n| summarize arg_max(Version, Color) by Fruit`;
    expect(columnsOf(q)).toEqual(["Fruit:string", "Version:int", "Color:string"]);
    expect(rowsOf(q)).toEqual([
      ["Apple", 1, "Red"],
      ["Banana", null, "Yellow"],
      ["Pear", 2, "Green"],
    ]);
  });

  // learn.microsoft.com/kusto/query/arg-min-aggregation-function, null handling: Apple 1 Red, Banana (null)
  // Yellow, Pear 1 Brown.
  it("arg_min", () => {
    expect(rowsOf(`${fruit}\n| summarize arg_min(Version, Color) by Fruit`)).toEqual([
      ["Apple", 1, "Red"],
      ["Banana", null, "Yellow"],
      ["Pear", 1, "Brown"],
    ]);
  });

  // learn.microsoft.com/kusto/query/arg-max-aggregation-function: 'summarize arg_max(BeginLat, BeginLocation)
  // by State' gives one row per State with the largest BeginLat and its BeginLocation.
  it("arg_max of several columns per group", () => {
    const storms: Record<string, LiteralTable> = {
      StormEvents: {
        columns: [
          { name: "State", type: "string" },
          { name: "BeginLat", type: "real" },
          { name: "BeginLocation", type: "string" },
        ],
        rows: [
          ["VERMONT", 44.1, "BURLINGTON"],
          ["VERMONT", 45, "NORTH TROY"],
          ["HAWAII", 22.2113, "PRINCEVILLE"],
          ["HAWAII", 19.7, "HILO"],
        ],
      },
    };
    expect(rowsOf(`StormEvents | summarize arg_max(BeginLat, BeginLocation) by State`, storms)).toEqual([
      ["VERMONT", 45, "NORTH TROY"],
      ["HAWAII", 22.2113, "PRINCEVILLE"],
    ]);
  });
});

describe("default values over no rows", () => {
  // learn.microsoft.com/kusto/query/summarize-operator, "Default values of aggregations": count_x 0,
  // countif_ 0, dcount_x 0, dcountif_x 0. The page's count(x) is written count() here: Kusto's language
  // service rejects count(x) ("A value of type bool expected", KS107), so its column is count_.
  it("counts are 0", () => {
    const q = `datatable(x:long)[]
| summarize  count(), countif(x > 0) , dcount(x), dcountif(x, x > 0)`;
    expect(columnsOf(q)).toEqual(["count_:long", "countif_:long", "dcount_x:long", "dcountif_x:long"]);
    expect(rowsOf(q)).toEqual([[0, 0, 0, 0]]);
  });

  // Same page: set_x [] and list_x [].
  it("lists and sets are []", () => {
    const q = `datatable(x:long)[]
| summarize  make_set(x), make_list(x)`;
    expect(columnsOf(q)).toEqual(["set_x:dynamic", "list_x:dynamic"]);
    expect(rowsOf(q)).toEqual([[[], []]]);
  });

  // Same page: any_x, max_x, min_x are empty, avg_x is NaN, sum_x and sumif_x are 0 (the page's query
  // also asks for arg_max(x, *), percentile, hll, tdigest and others, left out here).
  it("others are null, avg is NaN, sums are 0", () => {
    const q = `datatable(x:long)[]
| summarize any_x=take_any(x), avg(x), max(x), min(x), sum(x), sumif(x, x > 0)`;
    expect(columnsOf(q)).toEqual([
      "any_x:long",
      "avg_x:real",
      "max_x:long",
      "min_x:long",
      "sum_x:long",
      "sumif_x:long",
    ]);
    expect(rowsOf(q)).toEqual([[null, Number.NaN, null, null, 0, 0]]);
  });

  // Same page: "If GroupExpression isn't provided, the output is a single (empty) row. If GroupExpression
  // is provided, the output has no rows."
  it("summarize by a key over no rows has no rows", () => {
    expect(rowsOf(`datatable(x:long, k:string)[] | summarize count() by k`)).toEqual([]);
    expect(rowsOf(`datatable(x:long, k:string)[] | summarize count()`)).toEqual([[0]]);
  });
});

describe("nulls in aggregates", () => {
  // learn.microsoft.com/kusto/query/summarize-operator: "The avg aggregate sums only the non-null values
  // and counts only those values": sum_y 15, avg_y 5.
  it("sum and avg ignore nulls", () => {
    const q = `datatable(x:long)[1, 2, 3, 4]
| extend y = iff(x == 1, real(null), real(5))
| summarize sum(y), avg(y)`;
    expect(columnsOf(q)).toEqual(["sum_y:real", "avg_y:real"]);
    expect(rowsOf(q)).toEqual([[15, 5]]);
  });

  // Same page: "The standard count function includes null values in its count": 2 rows, y null in one.
  // (The page's count(y) is written count(): the language service rejects count(y), see above.)
  it("count() counts rows whose values are null", () => {
    expect(
      rowsOf(`datatable(x:long)[1, 2]
| extend y = iff(x == 1, real(null), real(5))
| summarize count()`),
    ).toEqual([[2]]);
  });
});

describe("other aggregates over a small table", () => {
  const storms: Record<string, LiteralTable> = {
    StormEvents: {
      columns: [
        { name: "State", type: "string" },
        { name: "EventType", type: "string" },
        { name: "DamageCrops", type: "int" },
        { name: "Deaths", type: "int" },
      ],
      rows: [
        ["TEXAS", "Hail", 0, 0],
        ["TEXAS", "Flood", 5000, 1],
        ["TEXAS", "Hail", 1000, 0],
        ["KANSAS", "Tornado", 0, 2],
      ],
    },
  };

  // learn.microsoft.com/kusto/query/countif-aggregation-function: 'summarize TotalCount=count(),
  // TotalWithDamage=countif(DamageCrops >0) by State'.
  it("count and countif by State", () => {
    expect(
      rowsOf(`StormEvents | summarize TotalCount=count(),TotalWithDamage=countif(DamageCrops >0) by State`, storms),
    ).toEqual([
      ["TEXAS", 3, 2],
      ["KANSAS", 1, 0],
    ]);
  });

  // learn.microsoft.com/kusto/query/dcount-aggregation-function: 'summarize DifferentEvents=dcount(EventType)
  // by State'; dcountif-aggregation-function: 'dcountif(EventType, (DeathsDirect + DeathsIndirect)>0)'.
  it("dcount and dcountif", () => {
    expect(
      rowsOf(
        `StormEvents | summarize DifferentEvents=dcount(EventType), DifferentFatalEvents=dcountif(EventType, Deaths > 0) by State`,
        storms,
      ),
    ).toEqual([
      ["TEXAS", 2, 1],
      ["KANSAS", 1, 1],
    ]);
  });

  // learn.microsoft.com/kusto/query/min-aggregation-function, max-aggregation-function, minif and maxif.
  it("min, max, minif, maxif, avgif", () => {
    expect(
      rowsOf(
        `StormEvents | summarize Min=min(DamageCrops), Max=max(DamageCrops), MinWithDeaths=minif(DamageCrops, Deaths > 0), MaxNoDeaths=maxif(DamageCrops, Deaths == 0), AvgWhenDamage=avgif(DamageCrops, DamageCrops > 0)`,
        storms,
      ),
    ).toEqual([[0, 5000, 0, 1000, 3000]]);
  });

  // learn.microsoft.com/kusto/query/take-any-aggregation-function: 'take_any(expr_1 [, expr_2 ...])' "returns
  // the values of the expressions calculated for each of the records selected", one column each; "using this
  // function a single time with multiple expressions ... guarantees that all values are calculated over a
  // single record".
  it("take_any of several expressions gives their values from one record", () => {
    const q = `StormEvents | where State == "KANSAS" | summarize take_any(State, EventType)`;
    expect(columnsOf(q, storms)).toEqual(["State:string", "EventType:string"]);
    expect(rowsOf(q, storms)).toEqual([["KANSAS", "Tornado"]]);
  });

  // learn.microsoft.com/kusto/query/take-any-aggregation-function: 'summarize take_any(State)' names its
  // column State and returns one of the values.
  it("take_any", () => {
    const q = `StormEvents | where State == "KANSAS" | summarize take_any(State)`;
    expect(columnsOf(q, storms)).toEqual(["State:string"]);
    expect(rowsOf(q, storms)).toEqual([["KANSAS"]]);
  });
});

describe("multiplicity", () => {
  // A row of multiplicity n stands for n identical records (types.ts, Row.count); count() "Counts the
  // number of records" (count-aggregation-function) and sum adds each record's value
  // (sum-aggregation-function), while dcount counts distinct values (dcount-aggregation-function).
  const events: Record<string, LiteralTable> = {
    Events: {
      columns: [
        { name: "Kind", type: "string" },
        { name: "Items", type: "long" },
      ],
      rows: [
        ["a", 2],
        ["b", 3],
      ],
      counts: [5, 1],
    },
  };

  it("count() counts records, sum(x) adds x per record, dcount counts values", () => {
    expect(
      rowsOf(
        `Events | summarize n = count(), total = sum(Items), a = countif(Kind == "a"), sa = sumif(Items, Kind == "a"), kinds = dcount(Kind), mean = avg(Items)`,
        events,
      ),
    ).toEqual([[6, 13, 5, 10, 2, 13 / 6]]);
  });

  it("operators that keep rows keep their multiplicity", () => {
    expect(rowsOf(`Events | where Kind == "a" | count`, events)).toEqual([[5]]);
    expect(rowsOf(`Events | where Kind == "a" | project Items`, events)).toEqual([[2], [2], [2], [2], [2]]);
  });
});
