import { describe, expect, it } from "vitest";
import { columnsOf, type LiteralTable, ONE, rowsOf, valueOf } from "./run.js";

// Conformance with the KQL reference on dynamic values. Each test cites its page under
// learn.microsoft.com/kusto/query/ and uses the page's example with its documented output.

describe("accessors", () => {
  // learn.microsoft.com/kusto/query/scalar-data-types/dynamic, "Dynamic property bag": a=o.a, b=o.b, c=o.c, d=o.d.
  it("reads slots with the dot notation", () => {
    expect(
      rowsOf(`print o=dynamic({"a":123, "b":"hello", "c":[1,2,3], "d":{}})
| extend a=o.a, b=o.b, c=o.c, d=o.d`),
    ).toEqual([[{ a: 123, b: "hello", c: [1, 2, 3], d: {} }, 123, "hello", [1, 2, 3], {}]]);
  });

  // Same page, "Dynamic object accessors": "dict.key" and "dict["key"]" are equivalent for a constant;
  // "Accessing a sub-object of a dynamic value yields another dynamic value".
  it("reads nested slots with dots and brackets alike, as dynamic", () => {
    const q = `print d = dynamic({"a": {"b": {"c": 7}}, "x y": 1})
| project p = d.a.b.c, q = d["a"]["b"]["c"], r = d.a["b"].c, s = d["x y"]`;
    expect(rowsOf(q)).toEqual([[7, 7, 7, 1]]);
    expect(columnsOf(q)).toEqual(["p:dynamic", "q:dynamic", "r:dynamic", "s:dynamic"]);
  });

  // Same page: "arr[index]" subscripts an array; "arr[(-1)]" retrieves the last value.
  it("indexes arrays, negative from the end", () => {
    expect(rowsOf(`print arr = dynamic([10, 20, 30]) | project a = arr[0], b = arr[2], c = arr[(-1)]`)).toEqual([
      [10, 30, 30],
    ]);
  });

  // Same page: a missing slot is null (array_length: "null if array isn't an array"; isnull of the result).
  it("a missing slot is null", () => {
    expect(
      rowsOf(`print d = dynamic({"a": 1}) | project m = isnull(d.nope), n = isnull(d.a.b), t = tostring(d.nope)`),
    ).toEqual([[true, true, ""]]);
  });

  // Same page, "Casting dynamic objects": a slot compared after a cast (tostring, toint).
  it("compares slots after casting them", () => {
    const t: Record<string, LiteralTable> = {
      AZKVAuditLogs: {
        columns: [{ name: "Identity", type: "dynamic" }],
        rows: [[{ claim: { oid: "ABC", appid: "x" } }], [{ claim: {} }], [null]],
      },
    };
    expect(rowsOf(`AZKVAuditLogs | project oid = tolower(tostring(Identity.claim.oid))`, t)).toEqual([
      ["abc"],
      [""],
      [""],
    ]);
    expect(rowsOf(`AZKVAuditLogs | where tostring(Identity.claim.oid) =~ "abc" | count`, t)).toEqual([[1]]);
  });
});

describe("bag_pack", () => {
  // learn.microsoft.com/kusto/query/pack-function, Example 1: {"Level": "Information", "ProcessID": 1234,
  // "Data": {"url":"www.bing.com"}}.
  it("builds a bag, nesting bags", () => {
    expect(
      rowsOf(`print bag_pack("Level", "Information", "ProcessID", 1234, "Data", bag_pack("url", "www.bing.com"))`),
    ).toEqual([[{ Level: "Information", ProcessID: 1234, Data: { url: "www.bing.com" } }]]);
  });

  // Same page, Example 2: MyBag {"Dest":100,"Text":"Hi"}, MyBag_Dest 100, MyBag_Text Hi, ...
  it("builds bags from columns and reads them back", () => {
    expect(
      rowsOf(`datatable (
    Source: int,
    Destination: int,
    Message: string
) [
    1234, 100, "Hi",
    4567, 200, "Hello",
    1212, 300, "Hey"
]
| extend MyBag=bag_pack("Dest", Destination, "Text", Message)
| project-away Source, Destination, Message
| extend MyBag_Dest=MyBag.Dest, MyBag_Text=MyBag.Text`),
    ).toEqual([
      [{ Dest: 100, Text: "Hi" }, 100, "Hi"],
      [{ Dest: 200, Text: "Hello" }, 200, "Hello"],
      [{ Dest: 300, Text: "Hey" }, 300, "Hey"],
    ]);
  });

  // learn.microsoft.com/kusto/query/scalar-data-types/dynamic: values JSON can't represent "are serialized
  // into string values"; pack-array-function shows a timespan as "00:00:02".
  it("keeps numbers and turns datetimes and timespans into text", () => {
    expect(
      valueOf(
        `${ONE} | project r = bag_pack("n", 3, "r", 2.5, "b", true, "t", 2s, "at", datetime(2017-01-01), "s", "")`,
      ),
    ).toEqual({ n: 3, r: 2.5, b: true, t: "00:00:02", at: "2017-01-01T00:00:00.0000000Z", s: "" });
  });
});

describe("pack_array", () => {
  // learn.microsoft.com/kusto/query/pack-array-function: [1,2,4], [2,4,8], [3,6,12].
  it("packs values into an array", () => {
    expect(
      rowsOf(`datatable(x:long)[1, 2, 3]
| extend y = x * 2
| extend z = y * 2
| project pack_array(x, y, z)`),
    ).toEqual([[[1, 2, 4]], [[2, 4, 8]], [[3, 6, 12]]]);
  });

  // Same page: [1,"2","00:00:02"], [2,"4","00:00:04"], [3,"6","00:00:06"].
  it("keeps each value's dynamic form", () => {
    expect(
      rowsOf(`datatable(x:long)[1, 2, 3]
| extend y = tostring(x * 2)
| extend z = (x * 2) * 1s
| project pack_array(x, y, z)`),
    ).toEqual([[[1, "2", "00:00:02"]], [[2, "4", "00:00:04"]], [[3, "6", "00:00:06"]]]);
  });
});

describe("array_length and bag_keys", () => {
  // learn.microsoft.com/kusto/query/array-length-function: 'print array_length(dynamic([1, 2, 3, "four"]))' is 4.
  it("array_length", () => {
    expect(rowsOf(`print array_length(dynamic([1, 2, 3, "four"]))`)).toEqual([[4]]);
    // "or null if array isn't an array" (a bag read from text: a bag literal is refused before it runs).
    expect(rowsOf(`print array_length(parse_json('{"a": 1}'))`)).toEqual([[null]]);
  });

  // learn.microsoft.com/kusto/query/bag-keys-function: keys of bags, null for null, a string and an array.
  it("bag_keys", () => {
    expect(
      rowsOf(`datatable(index:long, d:dynamic) [
    1, dynamic({'a':'b', 'c':123}),
    2, dynamic({'a':'b', 'c':{'d':123}}),
    3, dynamic({'a':'b', 'c':[{'d':123}]}),
    4, dynamic(null),
    5, dynamic({}),
    6, dynamic('a'),
    7, dynamic([])
]
| extend keys = bag_keys(d)
| project index, keys`),
    ).toEqual([
      [1, ["a", "c"]],
      [2, ["a", "c"]],
      [3, ["a", "c"]],
      [4, null],
      [5, []],
      [6, null],
      [7, null],
    ]);
  });
});

describe("in with dynamic arrays", () => {
  // learn.microsoft.com/kusto/query/scalar-data-types/dynamic, "Operators and functions over dynamic types":
  // "value in array: True if there's an element of array that == value"; "value !in array: True if there's
  // no element of array that == value".
  it("in and !in test membership in an array", () => {
    expect(
      rowsOf(`let cities = dynamic(['London', 'Paris', 'Rome']);
datatable(City:string)["Paris", "Oslo"] | extend i = City in (cities), n = City !in (cities)`),
    ).toEqual([
      ["Paris", true, false],
      ["Oslo", false, true],
    ]);
  });
});
