import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE, ms, ONE, rowsOf, SECOND, valueOf } from "./run.js";

// Conformance with the KQL reference's conversion functions. Each test cites its page under
// learn.microsoft.com/kusto/query/ and uses the page's example with its documented output.

describe("tostring", () => {
  // learn.microsoft.com/kusto/query/tostring-function: 'print tostring(123)'; "If value is null, the
  // result is an empty string."
  it("converts to text, null to the empty string", () => {
    expect(rowsOf(`print tostring(123)`)).toEqual([["123"]]);
    expect(rowsOf(`print a = tostring(int(null)), b = tostring(dynamic(null)), c = tostring(true)`)).toEqual([
      ["", "", "true"],
    ]);
  });

  // learn.microsoft.com/kusto/query/parse-json-function: "make sure that in the second call, tostring is
  // used" — tostring of a dynamic string is the string itself.
  it("gives a dynamic string without quotes and other dynamic values as JSON", () => {
    expect(
      rowsOf(`print a = tostring(dynamic("text")), b = tostring(dynamic({"k": [1, 2]})), c = tostring(dynamic(5))`),
    ).toEqual([["text", '{"k":[1,2]}', "5"]]);
  });

  // learn.microsoft.com/kusto/query/strcat-delim-function: a timespan prints as 00:00:01; pack-array-function:
  // (x * 2) * 1s prints as "00:00:02".
  it("prints a timespan as [d.]hh:mm:ss", () => {
    expect(rowsOf(`print a = tostring(1s), b = tostring(4d), c = tostring(90m)`)).toEqual([
      ["00:00:01", "4.00:00:00", "01:30:00"],
    ]);
  });
});

describe("toint, tolong, toreal", () => {
  // learn.microsoft.com/kusto/query/toint-function: 'print toint("123") == 123' is true; 'print toint(2.3)' is 2.
  it("toint parses text and truncates decimals", () => {
    expect(rowsOf(`print toint("123") == 123\n|project Integer = print_0`)).toEqual([[true]]);
    expect(rowsOf(`print toint(2.3)\n|project Integer = print_0`)).toEqual([[2]]);
  });

  // Same page: "If the conversion is successful, the result is an integer. Otherwise, the result is null."
  it("toint of text that is not a number is null", () => {
    expect(rowsOf(`print a = toint(""), b = toint("abc"), c = toint(real(null))`)).toEqual([[null, null, null]]);
  });

  // learn.microsoft.com/kusto/query/tolong-function: 'tolong("123") == 123'.
  it("tolong", () => {
    expect(valueOf(`${ONE} | project r = tolong("123") == 123`)).toBe(true);
  });

  // learn.microsoft.com/kusto/query/toreal-function: 'toreal("123.4") == 123.4'; todouble() is equivalent.
  it("toreal and todouble", () => {
    expect(rowsOf(`${ONE} | project a = toreal("123.4") == 123.4, b = todouble("123.4")`)).toEqual([[true, 123.4]]);
  });
});

describe("tobool", () => {
  // learn.microsoft.com/kusto/query/tobool-function: 'tobool("true") == true', 'tobool("false") == false',
  // 'tobool(1) == true', 'tobool(123) == true'.
  it("converts text and numbers", () => {
    expect(
      rowsOf(
        `${ONE} | project a = tobool("true") == true, b = tobool("false") == false, c = tobool(1) == true, d = tobool(123) == true`,
      ),
    ).toEqual([[true, true, true, true]]);
  });
});

describe("todatetime and totimespan", () => {
  // learn.microsoft.com/kusto/query/todatetime-function: 'print todatetime("2015-12-31 23:59:59.9")'.
  it("todatetime parses text", () => {
    expect(rowsOf(`print todatetime("2015-12-31 23:59:59.9")`)).toEqual([[ms("2015-12-31T23:59:59.900Z")]]);
  });

  // learn.microsoft.com/kusto/query/totimespan-function: minsStr 00:03:00, days 4.00:00:00, hour 05:00:00,
  // mins 00:10:00, seconds 00:00:20, timespanMin 00:25:00.
  it("totimespan converts text and timespans", () => {
    expect(
      rowsOf(`let value=5;
print minsStr=totimespan("0.00:03:00"), days=totimespan(4d), hour=totimespan(value * 1h),
      mins=totimespan(value * 2m), seconds=totimespan(5 * 4s), timespanMin=timespan(25min)`),
    ).toEqual([[3 * MINUTE, 4 * DAY, 5 * HOUR, 10 * MINUTE, 20 * SECOND, 25 * MINUTE]]);
  });
});

describe("toguid", () => {
  // learn.microsoft.com/kusto/query/toguid-function: the datatable example and its output.
  it("converts text that fits, and gives null otherwise", () => {
    expect(
      rowsOf(`datatable(str: string)
[
    "0123456789abcdef0123456789abcdef",
    "0123456789ab-cdef-0123-456789abcdef",
    "a string that is not a guid"
]
| extend guid = toguid(str)`),
    ).toEqual([
      ["0123456789abcdef0123456789abcdef", "01234567-89ab-cdef-0123-456789abcdef"],
      ["0123456789ab-cdef-0123-456789abcdef", "01234567-89ab-cdef-0123-456789abcdef"],
      ["a string that is not a guid", null],
    ]);
  });
});

describe("parse_json", () => {
  // learn.microsoft.com/kusto/query/parse-json-function, "Duration metrics parsing": duration_value 118,
  // duration_min 100.
  it("parses JSON text and reads its slots", () => {
    const rows = rowsOf(`datatable(context_custom_metrics:string)
[
    '{"duration":{"value":118.0,"count":5.0,"min":100.0,"max":150.0,"stdDev":0.0,"sampledValue":118.0,"sum":118.0}}'
]
| extend d = parse_json(context_custom_metrics)
| extend duration_value = d.duration.value, duration_min = d.duration.min`);
    expect(rows).toHaveLength(1);
    const [, d, value, min] = rows[0]!;
    expect(d).toEqual({
      duration: { value: 118, count: 5, min: 100, max: 150, stdDev: 0, sampledValue: 118, sum: 118 },
    });
    expect([value, min]).toEqual([118, 100]);
  });

  // Same page, "Nested JSON parsing": 'print d_b_c=parse_json(tostring(parse_json(d).b)).c' gives 456.
  it("parses a JSON string held in a slot after tostring", () => {
    expect(
      rowsOf(`let d='{"a":123, "b":"{\\\\"c\\\\":456}"}';
print d_b_c=parse_json(tostring(parse_json(d).b)).c`),
    ).toEqual([[456]]);
  });

  // Same page: "If json is of type string, but it isn't a properly formatted JSON string, then the returned
  // value is an object of type dynamic that holds the original string value."
  it("keeps text that is not JSON as a dynamic string", () => {
    expect(valueOf(`${ONE} | project r = parse_json("not json")`)).toBe("not json");
  });
});

describe("casting dynamic values", () => {
  // learn.microsoft.com/kusto/query/scalar-data-types/dynamic, "Casting dynamic objects": X[0] is 100,
  // toint(X[1]) is 101, Y.a1 is 100, Y["a b c"] is "2015-01-01", todate(Y["a b c"]) is datetime(2015-01-01).
  // (todate is written todatetime here: Kusto's language service no longer knows the old name.)
  it("subscripts and casts", () => {
    expect(
      rowsOf(`let X = parse_json('[100,101,102]');
let Y = parse_json('{"a1":100, "a b c":"2015-01-01"}');
print x0 = X[0], x1 = toint(X[1]), a1 = Y.a1, abc = Y["a b c"], d = todatetime(Y["a b c"])`),
    ).toEqual([[100, 101, 100, "2015-01-01", ms("2015-01-01T00:00:00Z")]]);
  });
});
