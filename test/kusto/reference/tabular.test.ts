import { describe, expect, it } from "vitest";
import { KqlError } from "../../../tools/kusto/types.js";
import { columnsOf, type LiteralTable, rowsOf, run } from "./run.js";

// Conformance with the KQL reference's tabular operators as the evaluator runs them: let, union,
// join, column_ifexists, summarize naming, and the refusal of what it does not support. Each test
// cites its page under learn.microsoft.com/kusto/query/.

const X = `let X = datatable(Key:string, Value1:long)
[
    'a',1,
    'b',2,
    'b',3,
    'c',4
];`;
const Y = `let Y = datatable(Key:string, Value2:long)
[
    'b',10,
    'c',20,
    'c',30,
    'd',40
];`;

describe("join", () => {
  // learn.microsoft.com/kusto/query/join-innerunique: 'X | join Y on Key' gives b 2 b 10, c 4 c 20, c 4 c 30
  // ("The deduplication keeps only the first record").
  it("innerunique is the default and keeps the first left row per key", () => {
    const q = `${X}\n${Y}\nX | join Y on Key`;
    expect(columnsOf(q)).toEqual(["Key:string", "Value1:long", "Key1:string", "Value2:long"]);
    expect(rowsOf(q)).toEqual([
      ["b", 2, "b", 10],
      ["c", 4, "c", 20],
      ["c", 4, "c", 30],
    ]);
  });

  // learn.microsoft.com/kusto/query/join-leftouter: all rows of X, unmatched ones with empty right columns.
  it("leftouter keeps every left row", () => {
    expect(rowsOf(`${X}\n${Y}\nX | join kind=leftouter Y on Key`)).toEqual([
      ["a", 1, "", null],
      ["b", 2, "b", 10],
      ["b", 3, "b", 10],
      ["c", 4, "c", 20],
      ["c", 4, "c", 30],
    ]);
  });

  // learn.microsoft.com/kusto/query/join-inner: 'X | join kind=inner Y on Key' pairs every matching row.
  it("inner pairs every match", () => {
    expect(rowsOf(`${X}\n${Y}\nX | join kind=inner Y on Key`)).toEqual([
      ["b", 2, "b", 10],
      ["b", 3, "b", 10],
      ["c", 4, "c", 20],
      ["c", 4, "c", 30],
    ]);
  });

  // learn.microsoft.com/kusto/query/join-innerunique: 'on $left.ActivityIdLeft == $right.ActivityIdRight'.
  it("joins on differently named columns", () => {
    expect(
      rowsOf(
        `${X}\n${Y}\nX | project K1 = Key, Value1 | join kind=inner (Y | project K2 = Key, Value2) on $left.K1 == $right.K2 | project K1, Value1, Value2`,
      ),
    ).toEqual([
      ["b", 2, 10],
      ["b", 3, 10],
      ["c", 4, 20],
      ["c", 4, 30],
    ]);
  });
});

describe("union", () => {
  const tables: Record<string, LiteralTable> = {
    Query: {
      columns: [
        { name: "Timestamp", type: "datetime" },
        { name: "UserId", type: "string" },
      ],
      rows: [
        [Date.parse("2026-01-15T11:00:00Z"), "u1"],
        [Date.parse("2026-01-10T11:00:00Z"), "u2"],
      ],
    },
    Command: {
      columns: [
        { name: "Timestamp", type: "datetime" },
        { name: "UserId", type: "string" },
      ],
      rows: [
        [Date.parse("2026-01-15T10:00:00Z"), "u1"],
        [Date.parse("2026-01-15T09:00:00Z"), "u3"],
      ],
    },
  };

  // learn.microsoft.com/kusto/query/union-operator, "Distinct count": 'union withsource=SourceTable kind=outer
  // Query, Command | where Timestamp > ago(1d) | summarize dcount(UserId)', and the version that filters
  // each leg in parentheses first gives the same result.
  it("unions tables, and parenthesised legs, alike", () => {
    expect(
      rowsOf(
        `union withsource=SourceTable kind=outer Query, Command
| where Timestamp > ago(1d)
| summarize dcount(UserId)`,
        tables,
      ),
    ).toEqual([[2]]);
    expect(
      rowsOf(
        `Query
| where Timestamp > ago(1d)
| union withsource=SourceTable kind=outer
   (Command | where Timestamp > ago(1d))
| summarize dcount(UserId)`,
        tables,
      ),
    ).toEqual([[2]]);
  });

  // Same page: withsource "indicates which source table has contributed each row".
  it("withsource names each row's table", () => {
    expect(
      rowsOf(`union withsource=SourceTable Query, Command | summarize Events = count() by SourceTable`, tables),
    ).toEqual([
      ["Query", 2],
      ["Command", 2],
    ]);
  });

  // Same page, "Using isfuzzy=true": '(View_1 | where x > 0), (View_2 | where x > 0), (View_3 | where x > 0)
  // | count' gives 2 when View_3 doesn't exist. The evaluator binds with Kusto.Language, which reports
  // the missing table inside a parenthesised leg as an error; it skips missing tables only when they
  // are named plainly (as vaultwatch's table query does), and refuses this form loudly rather than
  // answering without the leg.
  it("refuses, naming the table, an isfuzzy leg over a missing table that is not a plain name", () => {
    expect(() =>
      rowsOf(
        `union isfuzzy=true
(Query | where UserId != ""),
(View_3 | where UserId != "")
| count`,
        tables,
      ),
    ).toThrow(/View_3/);
  });

  // Same page, "Source columns types mismatch": x from a long and an int leg becomes x_long and x_int.
  it("splits a column whose type differs between legs", () => {
    const q = `let View_1 = datatable(x:long)[1];
let View_2 = datatable(x:int)[2];
union withsource=TableName View_1, View_2`;
    expect(columnsOf(q)).toEqual(["TableName:string", "x_long:long", "x_int:int"]);
    expect(rowsOf(q)).toEqual([
      ["View_1", 1, null],
      ["View_2", null, 2],
    ]);
  });
});

describe("let", () => {
  // learn.microsoft.com/kusto/query/let-statement: a let binds a scalar or a tabular expression for the
  // rest of the query.
  it("binds scalars and tables", () => {
    expect(
      rowsOf(`let n = 10;
let place = "Dallas";
let T = datatable(City:string, Pop:long)["Dallas", 12, "Austin", 8];
T | where City == place and Pop > n | project City`),
    ).toEqual([["Dallas"]]);
  });
});

describe("column_ifexists", () => {
  const storms: Record<string, LiteralTable> = {
    StormEvents: {
      columns: [
        { name: "State", type: "string" },
        { name: "identity_claim_oid_g", type: "guid" },
      ],
      rows: [
        ["ATLANTIC SOUTH", "01234567-89ab-cdef-0123-456789abcdef"],
        ["FLORIDA", null],
      ],
    },
  };

  // learn.microsoft.com/kusto/query/column-ifexists-function: 'project column_ifexists("Capital", State)'
  // returns the State column, "because a column named Capital doesn't exist".
  it("falls back to the default when the column doesn't exist", () => {
    expect(rowsOf(`StormEvents | project column_ifexists("Capital", State)`, storms)).toEqual([
      ["ATLANTIC SOUTH"],
      ["FLORIDA"],
    ]);
  });

  // Same page: "If columnName exists, then returns the column."
  it("returns the column when it exists", () => {
    expect(
      rowsOf(
        `StormEvents | project oid = tostring(column_ifexists("identity_claim_oid_g", "")), upn = tostring(column_ifexists("identity_claim_upn_s", ""))`,
        storms,
      ),
    ).toEqual([
      ["01234567-89ab-cdef-0123-456789abcdef", ""],
      ["", ""],
    ]);
  });
});

describe("summarize naming", () => {
  const traces: Record<string, LiteralTable> = {
    AppTraces: {
      columns: [
        { name: "TimeGenerated", type: "datetime" },
        { name: "Message", type: "string" },
      ],
      rows: [
        [Date.parse("2026-01-15T10:10:00Z"), "a"],
        [Date.parse("2026-01-15T10:50:00Z"), "b"],
        [Date.parse("2026-01-15T11:05:00Z"), "c"],
      ],
    },
  };

  // learn.microsoft.com/kusto/query/summarize-operator: "Column: The name for the result column. Defaults to
  // a name derived from the expression" — bin(TimeGenerated, 1h) keeps TimeGenerated; count() is count_.
  it("derives names from the expressions", () => {
    const q = `AppTraces | summarize count() by bin(TimeGenerated, 1h)`;
    expect(columnsOf(q, traces)).toEqual(["TimeGenerated:datetime", "count_:long"]);
    expect(rowsOf(q, traces)).toEqual([
      [Date.parse("2026-01-15T10:00:00Z"), 2],
      [Date.parse("2026-01-15T11:00:00Z"), 1],
    ]);
  });

  // Same page: 'summarize by State, EventType' with no aggregate gives the distinct key combinations.
  it("summarize by keys alone gives distinct keys", () => {
    expect(
      rowsOf(
        `datatable(State:string, EventType:string)["TX","Hail","TX","Hail","TX","Flood"] | summarize by State, EventType`,
      ),
    ).toEqual([
      ["TX", "Hail"],
      ["TX", "Flood"],
    ]);
  });
});

describe("order, take and count", () => {
  // learn.microsoft.com/kusto/query/sort-operator: 'sort by' defaults to descending; order is its alias.
  it("orders descending by default", () => {
    expect(rowsOf(`datatable(x:long)[2, 3, 1] | order by x`)).toEqual([[3], [2], [1]]);
    expect(rowsOf(`datatable(x:long)[2, 3, 1] | sort by x asc`)).toEqual([[1], [2], [3]]);
  });

  // learn.microsoft.com/kusto/query/take-operator and count-operator.
  it("takes and counts", () => {
    expect(rowsOf(`datatable(x:long)[2, 3, 1] | order by x asc | take 2`)).toEqual([[1], [2]]);
    expect(rowsOf(`datatable(x:long)[2, 3, 1] | count`)).toEqual([[3]]);
  });
});

describe("what the evaluator refuses", () => {
  const names: Record<string, LiteralTable> = {
    T: {
      columns: [
        { name: "a", type: "dynamic" },
        { name: "n", type: "long" },
      ],
      rows: [[[1, 2], 1]],
    },
  };

  /** The KqlError a query raises, or a failure when it raises none. */
  function refusal(query: string): KqlError {
    try {
      run(query, names);
    } catch (e) {
      if (e instanceof KqlError) return e;
      throw e;
    }
    throw new Error(`expected ${query} to be refused`);
  }

  // learn.microsoft.com/kusto/query/mv-expand-operator: a real operator the evaluator does not implement.
  it("refuses mv-expand, naming it", () => {
    expect(() => run(`T | mv-expand a`, names)).toThrow(/mv-expand/);
    expect(refusal(`T | mv-expand a`)).toMatchObject({
      code: "UnsupportedError",
      construct: expect.stringMatching(/mv-expand/),
    });
  });

  // learn.microsoft.com/kusto/query/make-series-operator.
  it("refuses make-series, naming it", () => {
    expect(() => run(`T | make-series c = count() default = 0 on n from 0 to 10 step 1`, names)).toThrow(/make-series/);
    expect(refusal(`T | make-series c = count() default = 0 on n from 0 to 10 step 1`)).toMatchObject({
      code: "UnsupportedError",
      construct: expect.stringMatching(/make-series/),
    });
  });

  // learn.microsoft.com/kusto/query/series-decompose-function.
  it("refuses series_decompose, naming it", () => {
    expect(() => run(`T | extend s = series_decompose(a)`, names)).toThrow(/series_decompose/);
    expect(refusal(`T | extend s = series_decompose(a)`)).toMatchObject({
      code: "UnsupportedError",
      construct: expect.stringMatching(/series_decompose/),
    });
  });

  // learn.microsoft.com/kusto/query/stdev-aggregation-function: an aggregate the evaluator lacks.
  it("refuses an aggregate it lacks, naming it", () => {
    expect(refusal(`T | summarize stdev(n)`)).toMatchObject({
      code: "UnsupportedError",
      construct: expect.stringMatching(/stdev/),
    });
  });

  // Kusto's own diagnostics stay Kusto's: an unknown column is a SemanticError, not a refusal.
  it("reports an unknown column as a semantic error", () => {
    expect(refusal(`T | where Nope == 1`)).toMatchObject({ code: "SemanticError" });
  });
});
