import { describe, expect, it } from "vitest";
import { ONE, rowsOf, valueOf } from "./run.js";

// Conformance with the KQL reference on null values, emptiness and conditional functions. Each
// test cites its page under learn.microsoft.com/kusto/query/ and uses the page's example.

describe("null values", () => {
  // learn.microsoft.com/kusto/query/scalar-data-types/null-values, "Equality and inequality of null values".
  it("compares with null: > is null, == and != of null are null", () => {
    expect(
      rowsOf(`datatable(val:int)[5, int(null)]
| extend IsBiggerThan3 = val > 3
| extend IsBiggerThan3OrNull = val > 3 or isnull(val)
| extend IsEqualToNull = val == int(null)
| extend IsNotEqualToNull = val != int(null)`),
    ).toEqual([
      [5, true, true, false, true],
      [null, null, true, null, null],
    ]);
  });

  // Same page, "Null values and the where operator": records whose predicate is null are dropped.
  it("where drops rows whose predicate is null", () => {
    expect(rowsOf(`datatable(ival:int, sval:string)[5, "a", int(null), "b"] | where ival != 5`)).toEqual([[null, "b"]]);
  });

  // Same page, "Null values and binary operators": the null value is "sticky".
  it("arithmetic on null is null", () => {
    expect(rowsOf(`datatable(val:int)[5, int(null)] | extend Add = val + 10 | extend Multiply = val * 10`)).toEqual([
      [5, 15, 50],
      [null, null, null],
    ]);
  });

  // Same page, "Exceptions to this rule": false and null is false; true or null is true.
  it("and/or short-circuit a null", () => {
    expect(
      rowsOf(`${ONE} | project a = false and bool(null), o = true or bool(null), n = true and bool(null)`),
    ).toEqual([[false, true, null]]);
  });

  // Same page: "The logical NOT operator not() yields the value bool(null) if the argument is the null value."
  it("not(null) is null", () => {
    expect(rowsOf(`${ONE} | project a = not(bool(null)), b = not(true), c = not(false)`)).toEqual([
      [null, false, true],
    ]);
  });

  // Same page, "Null literals": 'print bool(null), datetime(null), dynamic(null), guid(null), int(null),
  // long(null), real(null), double(null), timespan(null)' is a row full of null values.
  it("T(null) literals are null", () => {
    expect(
      rowsOf(
        `print bool(null), datetime(null), dynamic(null), guid(null), int(null), long(null), real(null), double(null), timespan(null)`,
      ),
    ).toEqual([[null, null, null, null, null, null, null, null, null]]);
  });
});

describe("isnull, isnotnull, isempty, isnotempty", () => {
  // learn.microsoft.com/kusto/query/isnull-function: the table of x and isnull(x).
  it("isnull is false for strings and empty arrays and bags, true for parse_json('')", () => {
    expect(
      rowsOf(
        `${ONE} | project a = isnull(""), b = isnull("x"), c = isnull(parse_json("")), d = isnull(parse_json("[]")), e = isnull(parse_json("{}"))`,
      ),
    ).toEqual([[false, false, true, false, false]]);
  });

  // learn.microsoft.com/kusto/query/isempty-function: the table of x and isempty(x).
  it("isempty is true for the empty string and parse_json('')", () => {
    expect(
      rowsOf(
        `${ONE} | project a = isempty(""), b = isempty("x"), c = isempty(parsejson("")), d = isempty(parsejson("[]")), e = isempty(parsejson("{}"))`,
      ),
    ).toEqual([[true, false, true, false, false]]);
  });

  // learn.microsoft.com/kusto/query/isnotnull-function and isnotempty-function: the negations.
  it("isnotnull and isnotempty negate them", () => {
    expect(
      rowsOf(`datatable(BeginLat:real, Name:string)[1.5, "", real(null), "x"]
| project nn = isnotnull(BeginLat), ne = isnotempty(Name)`),
    ).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  // learn.microsoft.com/kusto/query/scalar-data-types/null-values, "Null values and data ingestion": a
  // missing string is empty, not null (isnull_a false, isempty_a true, strlen_a 0).
  it("an empty string is empty, not null", () => {
    expect(
      rowsOf(`datatable(a:string, b:int)["", int(null), "a", 1]
| project a, b, isnull_a=isnull(a), isempty_a=isempty(a), stlen_a=strlen(a), isnull_b=isnull(b)`),
    ).toEqual([
      ["", null, false, true, 0, true],
      ["a", 1, false, false, 1, false],
    ]);
  });
});

describe("coalesce", () => {
  // learn.microsoft.com/kusto/query/coalesce-function: 'print result=coalesce(tolong("not a number"),
  // tolong("42"), 33)' gives 42.
  it("returns the first non-null argument", () => {
    expect(rowsOf(`print result=coalesce(tolong("not a number"), tolong("42"), 33)`)).toEqual([[42]]);
  });

  // Same page: "the first arg whose value isn't null (or not-empty for string expressions)".
  it("skips empty strings", () => {
    expect(valueOf(`${ONE} | project r = coalesce("", "", "third")`)).toBe("third");
    expect(valueOf(`${ONE} | project r = coalesce("", "")`)).toBe("");
  });
});

describe("case", () => {
  // learn.microsoft.com/kusto/query/case-function: 'range Size from 1 to 15 step 2 | extend bucket =
  // case(Size <= 3, "Small", Size <= 10, "Medium", "Large")'.
  it("returns the value of the first true predicate, else the last argument", () => {
    expect(
      rowsOf(`datatable(Size:long)[1, 3, 5, 7, 9, 11, 13, 15]
| extend bucket = case(Size <= 3, "Small",
                       Size <= 10, "Medium",
                       "Large")`),
    ).toEqual([
      [1, "Small"],
      [3, "Small"],
      [5, "Medium"],
      [7, "Medium"],
      [9, "Medium"],
      [11, "Large"],
      [13, "Large"],
      [15, "Large"],
    ]);
  });

  // Same page: "If none of the predicates return true, the result of the else expression is returned";
  // a null predicate is not true (null-values: null is treated as false by where).
  it("treats a null predicate as not true", () => {
    expect(valueOf(`${ONE} | project r = case(bool(null), "a", "else")`)).toBe("else");
  });
});

describe("iff", () => {
  // learn.microsoft.com/kusto/query/iff-function, "Classify data using iff()": the first five rows of
  // StormEvents with their Rain category.
  it("classifies rows", () => {
    const storms = {
      StormEvents: {
        columns: [
          { name: "State", type: "string" as const },
          { name: "EventId", type: "int" as const },
          { name: "EventType", type: "string" as const },
        ],
        rows: [
          ["ATLANTIC SOUTH", 61032, "Waterspout"],
          ["FLORIDA", 60904, "Heavy Rain"],
          ["FLORIDA", 60913, "Tornado"],
          ["GEORGIA", 64588, "Thunderstorm Wind"],
          ["MISSISSIPPI", 68796, "Thunderstorm Wind"],
        ],
      },
    };
    expect(
      rowsOf(
        `StormEvents
| extend Rain = iff((EventType in ("Heavy Rain", "Flash Flood", "Flood")), "Rain event", "Not rain event")
| project State, EventId, EventType, Rain`,
        storms,
      ),
    ).toEqual([
      ["ATLANTIC SOUTH", 61032, "Waterspout", "Not rain event"],
      ["FLORIDA", 60904, "Heavy Rain", "Rain event"],
      ["FLORIDA", 60913, "Tornado", "Not rain event"],
      ["GEORGIA", 64588, "Thunderstorm Wind", "Not rain event"],
      ["MISSISSIPPI", 68796, "Thunderstorm Wind", "Not rain event"],
    ]);
  });

  // Same page: "The iff() and iif() functions are equivalent"; "otherwise it returns the else value".
  it("iif is iff, and a null condition takes the else value", () => {
    expect(rowsOf(`${ONE} | project a = iif(true, 1, 2), b = iff(bool(null), 1, 2)`)).toEqual([[1, 2]]);
  });
});

describe("min_of and max_of", () => {
  // learn.microsoft.com/kusto/query/min-of-function: 'print result=min_of(10, 1, -3, 17)' gives -3, and
  // over (A, B) "Non-null values take precedence over null values".
  it("min_of", () => {
    expect(rowsOf(`print result=min_of(10, 1, -3, 17)`)).toEqual([[-3]]);
    expect(
      rowsOf(`datatable (A: int, B: int)
[
    5, 2,
    10, 1,
    int(null), 3,
    1, int(null),
    int(null), int(null)
]
| project result = min_of(A, B)`),
    ).toEqual([[2], [1], [3], [1], [null]]);
  });

  // learn.microsoft.com/kusto/query/max-of-function: 'print result = max_of(10, 1, -3, 17)' gives 17, and
  // the data-table and datetime examples.
  it("max_of", () => {
    expect(rowsOf(`print result = max_of(10, 1, -3, 17)`)).toEqual([[17]]);
    expect(
      rowsOf(`datatable (A: int, B: int)
[
    1, 6,
    8, 1,
    int(null), 2,
    1, int(null),
    int(null), int(null)
]
| project result = max_of(A, B)`),
    ).toEqual([[6], [8], [2], [1], [null]]);
    expect(
      rowsOf(`datatable (A: datetime, B: datetime)
[
    datetime(2024-12-15 07:15:22), datetime(2024-12-15 07:15:24),
    datetime(2024-12-15 08:00:00), datetime(2024-12-15 09:30:00),
    datetime(2024-12-15 10:45:00), datetime(2024-12-14 10:45:00)
]
| project maxDate = max_of(A, B)`),
    ).toEqual([
      [Date.parse("2024-12-15T07:15:24Z")],
      [Date.parse("2024-12-15T09:30:00Z")],
      [Date.parse("2024-12-15T10:45:00Z")],
    ]);
  });
});

describe("not()", () => {
  // learn.microsoft.com/kusto/query/not-function: 'where not(EventType == "Hail" or State == "Alaska")'
  // excludes either; 'not(EventType == "Hail" and State == "Alaska")' only both.
  it("reverses a predicate in where", () => {
    const t = {
      StormEvents: {
        columns: [
          { name: "EventType", type: "string" as const },
          { name: "State", type: "string" as const },
        ],
        rows: [
          ["Hail", "Alaska"],
          ["Hail", "Texas"],
          ["Flood", "Alaska"],
          ["Flood", "Texas"],
        ],
      },
    };
    expect(rowsOf(`StormEvents | where not(EventType == "Hail" or State == "Alaska")`, t)).toEqual([
      ["Flood", "Texas"],
    ]);
    expect(rowsOf(`StormEvents | where not(EventType == "Hail" and State == "Alaska") | count`, t)).toEqual([[3]]);
  });
});
