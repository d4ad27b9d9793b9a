import { describe, expect, it } from "vitest";
import {
  formatDatetime,
  formatReal,
  formatTimespan,
  parseDatetime,
  parseTimespan,
  SCALAR_FUNCTIONS,
  toDynamic,
  tostringOf,
} from "../../tools/kusto/functions.js";
import { KqlError, type KustoType } from "../../tools/kusto/types.js";

// Direct tests of the scalar library: each call gives the arguments with their static types, as
// the engine does. The conformance tests against the KQL reference are under ./reference.

const ms = (iso: string) => Date.parse(iso);
const H = 3_600_000;
const D = 24 * H;

/** Calls a function by its Kusto name with typed arguments: call("bin", [5, "long"], [2, "long"]). */
function call(name: string, ...args: [unknown, KustoType][]): unknown {
  return callAs(name, "dynamic", ...args);
}

function callAs(name: string, resultType: KustoType, ...args: [unknown, KustoType][]): unknown {
  const f = SCALAR_FUNCTIONS.get(name);
  if (!f) throw new Error(`no function ${name}`);
  return f(
    args.map(([v]) => v),
    args.map(([, t]) => t),
    resultType,
  );
}

describe("tostring", () => {
  it("prints null as the empty string and bools as true/false", () => {
    expect(call("tostring", [null, "long"])).toBe("");
    expect(call("tostring", [null, "dynamic"])).toBe("");
    expect(call("tostring", [true, "bool"])).toBe("true");
    expect(call("tostring", [false, "bool"])).toBe("false");
  });

  it("prints numbers as .NET does: no trailing .0, exponent outside [1e-4, 1e15)", () => {
    expect(tostringOf(3, "real")).toBe("3");
    expect(tostringOf(0.5, "real")).toBe("0.5");
    expect(tostringOf(123, "long")).toBe("123");
    expect(formatReal(1e15)).toBe("1E+15");
    expect(formatReal(0.00001)).toBe("1E-05");
    expect(formatReal(0.0001)).toBe("0.0001");
    expect(formatReal(123456.789)).toBe("123456.789");
  });

  it("prints datetimes as ISO 8601 UTC with seven fractional digits", () => {
    expect(tostringOf(ms("2015-12-31T00:00:00Z"), "datetime")).toBe("2015-12-31T00:00:00.0000000Z");
    expect(formatDatetime(ms("2015-12-31T23:59:59.9Z"))).toBe("2015-12-31T23:59:59.9000000Z");
  });

  it("prints timespans as [-][d.]hh:mm:ss[.fffffff]", () => {
    expect(formatTimespan(3 * 60_000)).toBe("00:03:00");
    expect(formatTimespan(4 * D)).toBe("4.00:00:00");
    expect(formatTimespan(-12 * H)).toBe("-12:00:00");
    expect(formatTimespan(1500)).toBe("00:00:01.5000000");
  });

  it("prints a dynamic string as itself and other dynamic values as compact JSON", () => {
    expect(tostringOf("abc", "dynamic")).toBe("abc");
    expect(tostringOf({ a: 1, b: [1, "x"] }, "dynamic")).toBe('{"a":1,"b":[1,"x"]}');
    expect(tostringOf(118, "dynamic")).toBe("118");
    expect(tostringOf(true, "dynamic")).toBe("true");
  });

  it("prints a guid as its text", () => {
    expect(tostringOf("01234567-89ab-cdef-0123-456789abcdef", "guid")).toBe("01234567-89ab-cdef-0123-456789abcdef");
  });
});

describe("toint, tolong, toreal, tobool", () => {
  it("parses text, truncates decimals and gives null when it cannot convert", () => {
    expect(call("toint", ["", "string"])).toBeNull();
    expect(call("toint", ["12", "string"])).toBe(12);
    expect(call("toint", ["abc", "string"])).toBeNull();
    expect(call("toint", [3.7, "real"])).toBe(3);
    expect(call("toint", [-3.7, "real"])).toBe(-3);
    expect(call("toint", [true, "bool"])).toBe(1);
    expect(call("toint", [null, "real"])).toBeNull();
    expect(call("toint", [403, "dynamic"])).toBe(403);
    expect(call("toint", ["403", "dynamic"])).toBe(403);
    expect(call("toint", [3e10, "long"])).toBeNull();
  });

  it("gives 0, not -0, when truncating a small negative", () => {
    expect(Object.is(call("toint", [-0.5, "real"]), 0)).toBe(true);
  });

  it("converts longs and reals", () => {
    expect(call("tolong", ["123", "string"])).toBe(123);
    expect(call("toreal", ["123.4", "string"])).toBe(123.4);
    expect(call("todouble", ["1e3", "string"])).toBe(1000);
    expect(call("tolong", [1000, "timespan"])).toBe(10_000_000); // 1 s = 10^7 ticks
  });

  it("converts to bool from text and numbers", () => {
    expect(call("tobool", ["true", "string"])).toBe(true);
    expect(call("tobool", ["FALSE", "string"])).toBe(false);
    expect(call("tobool", [123, "long"])).toBe(true);
    expect(call("toboolean", [0, "long"])).toBe(false);
    expect(call("tobool", ["maybe", "string"])).toBeNull();
  });
});

describe("todatetime, totimespan, toguid", () => {
  it("parses the documented datetime formats", () => {
    expect(parseDatetime("2015-12-31 23:59:59.9")).toBe(ms("2015-12-31T23:59:59.900Z"));
    expect(parseDatetime("2014-05-25T08:20:03.123456Z")).toBe(ms("2014-05-25T08:20:03.123Z") + 0.456);
    expect(parseDatetime("2014-11-08")).toBe(ms("2014-11-08T00:00:00Z"));
    expect(parseDatetime("2014-11-08 15:55")).toBe(ms("2014-11-08T15:55:00Z"));
    expect(parseDatetime("Sat, 8 Nov 14 15:05:02 GMT")).toBe(ms("2014-11-08T15:05:02Z"));
    expect(parseDatetime("Saturday, 08-Nov-14 15:05")).toBe(ms("2014-11-08T15:05:00Z"));
    expect(parseDatetime("2014-11-08T15:05:25+01:00")).toBe(ms("2014-11-08T14:05:25Z"));
    expect(parseDatetime("2015-02-30")).toBeNull();
    expect(parseDatetime("yesterday")).toBeNull();
  });

  it("converts to datetime from text and dynamic text only", () => {
    expect(call("todatetime", ["2026-01-01T00:00:00Z", "dynamic"])).toBe(ms("2026-01-01T00:00:00Z"));
    expect(call("todatetime", ["", "string"])).toBeNull();
    expect(call("todatetime", [5, "long"])).toBeNull();
  });

  it("parses timespans in clock and unit forms", () => {
    expect(parseTimespan("0.00:03:00")).toBe(3 * 60_000);
    expect(parseTimespan("01:30:00")).toBe(1.5 * H);
    expect(parseTimespan("-12:00:00")).toBe(-12 * H);
    expect(parseTimespan("4d")).toBe(4 * D);
    expect(parseTimespan("100ms")).toBe(100);
    expect(parseTimespan("2")).toBe(2 * D);
    expect(call("totimespan", ["nonsense", "string"])).toBeNull();
  });

  it("converts text to a lower-case guid, ignoring hyphens and what follows 32 digits", () => {
    expect(call("toguid", ["0123456789ABCDEF0123456789abcdef", "string"])).toBe("01234567-89ab-cdef-0123-456789abcdef");
    expect(call("toguid", ["0123456789ab-cdef-0123-456789abcdef", "string"])).toBe(
      "01234567-89ab-cdef-0123-456789abcdef",
    );
    expect(call("toguid", ["a string that is not a guid", "string"])).toBeNull();
  });
});

describe("parse_json and dynamic values", () => {
  it("parses JSON text, keeps invalid text as a string and empty text as null", () => {
    expect(call("parse_json", ['{"a":{"b":1}}', "string"])).toEqual({ a: { b: 1 } });
    expect(call("parse_json", ["not json", "string"])).toBe("not json");
    expect(call("parse_json", ["", "string"])).toBeNull();
    expect(call("todynamic", ["[1,2]", "string"])).toEqual([1, 2]);
  });

  it("returns a dynamic argument as it is", () => {
    expect(call("parse_json", ['{"c":1}', "dynamic"])).toBe('{"c":1}');
  });

  it("packs values in their dynamic forms", () => {
    const at = ms("2026-01-01T00:00:00Z");
    expect(
      call(
        "bag_pack",
        ["n", "string"],
        [3, "long"],
        ["t", "string"],
        [at, "datetime"],
        ["d", "string"],
        [90_000, "timespan"],
      ),
    ).toEqual({ n: 3, t: "2026-01-01T00:00:00.0000000Z", d: "00:01:30" });
    expect(call("pack", ["x", "string"], [null, "long"])).toEqual({ x: null });
    expect(call("pack_array", [1, "long"], ["2", "string"], [2000, "timespan"])).toEqual([1, "2", "00:00:02"]);
    expect(toDynamic("01234567-89ab-cdef-0123-456789abcdef", "guid")).toBe("01234567-89ab-cdef-0123-456789abcdef");
  });

  it("refuses an odd number of bag_pack arguments", () => {
    expect(() => call("bag_pack", ["x", "string"])).toThrow(KqlError);
  });

  it("measures arrays and lists bag keys", () => {
    expect(call("array_length", [[1, 2, 3, "four"], "dynamic"])).toBe(4);
    expect(call("array_length", [{ a: 1 }, "dynamic"])).toBeNull();
    expect(call("bag_keys", [{ a: "b", c: 123 }, "dynamic"])).toEqual(["a", "c"]);
    expect(call("bag_keys", [[], "dynamic"])).toBeNull();
  });
});

describe("null, empty and conditionals", () => {
  it("coalesces to the first non-null, non-empty-string value", () => {
    expect(callAs("coalesce", "string", ["", "string"], ["b", "string"])).toBe("b");
    expect(callAs("coalesce", "string", ["", "string"], ["", "string"])).toBe("");
    expect(callAs("coalesce", "long", [null, "long"], [42, "long"], [33, "long"])).toBe(42);
    expect(callAs("coalesce", "long", [null, "long"], [null, "long"])).toBeNull();
  });

  it("treats a null predicate as false in iff and case", () => {
    expect(call("iff", [null, "bool"], ["a", "string"], ["b", "string"])).toBe("b");
    expect(call("iif", [true, "bool"], ["a", "string"], ["b", "string"])).toBe("a");
    expect(call("case", [null, "bool"], ["x", "string"], [true, "bool"], ["y", "string"], ["z", "string"])).toBe("y");
    expect(call("case", [false, "bool"], ["x", "string"], ["z", "string"])).toBe("z");
  });

  it("tells empty from null: isnull('') is false, isempty('') is true", () => {
    expect(call("isnull", ["", "string"])).toBe(false);
    expect(call("isempty", ["", "string"])).toBe(true);
    expect(call("isnotempty", ["x", "string"])).toBe(true);
    expect(call("isnull", [null, "long"])).toBe(true);
    expect(call("isnotnull", [0, "long"])).toBe(true);
    expect(call("isnull", [[], "dynamic"])).toBe(false);
  });

  it("negates with not(), keeping null", () => {
    expect(call("not", [true, "bool"])).toBe(false);
    expect(call("not", [null, "bool"])).toBeNull();
  });

  it("prefers non-null values in min_of and max_of", () => {
    expect(call("min_of", [10, "long"], [1, "long"], [-3, "long"], [17, "long"])).toBe(-3);
    expect(call("max_of", [null, "int"], [2, "int"])).toBe(2);
    expect(call("max_of", [null, "int"], [null, "int"])).toBeNull();
  });
});

describe("strings", () => {
  it("concatenates converted values", () => {
    expect(call("strcat", ["a", "string"], [1, "long"], [true, "bool"], [null, "long"])).toBe("a1true");
    expect(
      call("strcat_delim", ["-", "string"], [1, "long"], ["2", "string"], ["A", "string"], [1000, "timespan"]),
    ).toBe("1-2-A-00:00:01");
  });

  it("takes substrings from the start or the end", () => {
    expect(call("substring", ["123456", "string"], [1, "long"])).toBe("23456");
    expect(call("substring", ["123456", "string"], [2, "long"], [2, "long"])).toBe("34");
    expect(call("substring", ["123456", "string"], [-2, "long"], [2, "long"])).toBe("56");
    expect(call("substring", ["abc", "string"], [0, "long"], [400, "long"])).toBe("abc");
    expect(call("substring", ["abc", "string"], [5, "long"])).toBe("");
  });

  it("counts code points", () => {
    expect(call("strlen", ["⒦⒰⒮⒯⒪", "string"])).toBe(5);
    expect(call("strlen", ["😀", "string"])).toBe(1);
  });

  it("splits, replaces and searches", () => {
    expect(call("split", ["a__b", "string"], ["_", "string"])).toEqual(["a", "", "b"]);
    expect(call("split", ["aaa_bbb_ccc", "string"], ["_", "string"], [1, "long"])).toEqual(["bbb"]);
    expect(call("split", ["aaa_bbb_ccc", "string"], ["_", "string"], [7, "long"])).toEqual([]);
    expect(call("replace_string", ["a.b.c", "string"], [".", "string"], ["/", "string"])).toBe("a/b/c");
    expect(call("indexof", ["abcdefg", "string"], ["cde", "string"])).toBe(2);
    expect(call("indexof", ["abcdefg", "string"], ["cde", "string"], [-1, "long"], [-2, "long"])).toBeNull();
  });

  it("extracts regex groups, converting to the result type", () => {
    expect(
      callAs("extract", "string", ["User: ([^,]+)", "string"], [1, "long"], ["User: James, Age: 29", "string"]),
    ).toBe("James");
    expect(callAs("extract", "string", ["x(\\d)", "string"], [1, "long"], ["none", "string"])).toBe("");
    expect(callAs("extract", "int", ["-(\\d{2})-", "string"], [1, "long"], ["21-07-2023", "string"])).toBe(7);
    expect(callAs("extract", "string", ["(?P<v>\\d+)", "string"], [1, "long"], ["id=42", "string"])).toBe("42");
  });

  it("trims regex matches from both ends", () => {
    expect(call("trim", ["--", "string"], ["--https://bing.com--", "string"])).toBe("https://bing.com");
    expect(call("trim", ["\\s+", "string"], ["    Hello, world!    ", "string"])).toBe("Hello, world!");
  });

  it("changes case", () => {
    expect(call("tolower", ["Hello", "string"])).toBe("hello");
    expect(call("toupper", ["hello", "string"])).toBe("HELLO");
  });
});

describe("numbers and time", () => {
  it("bins numbers, datetimes and timespans down to a multiple of the size", () => {
    expect(call("bin", [4.5, "real"], [1, "long"])).toBe(4);
    expect(call("bin", [16 * D, "timespan"], [7 * D, "timespan"])).toBe(14 * D);
    expect(call("bin", [ms("1970-05-11T13:45:07Z"), "datetime"], [D, "timespan"])).toBe(ms("1970-05-11T00:00:00Z"));
    expect(call("bin", [ms("2026-01-15T12:07:00Z"), "datetime"], [5 * 60_000, "timespan"])).toBe(
      ms("2026-01-15T12:05:00Z"),
    );
    expect(call("floor", [-0.5, "real"], [1, "long"])).toBe(-1);
  });

  it("gives null for a null value or a null, zero or negative size", () => {
    expect(call("bin", [null, "datetime"], [H, "timespan"])).toBeNull();
    expect(call("bin", [5, "long"], [null, "long"])).toBeNull();
    expect(call("bin", [5, "long"], [-1, "long"])).toBeNull();
    expect(call("bin", [5, "long"], [0, "long"])).toBeNull();
  });

  it("bins datetimes by 7d from Kusto's origin, 0001-01-01, a Monday", () => {
    expect(call("bin", [ms("2026-01-15T12:00:00Z"), "datetime"], [7 * D, "timespan"])).toBe(ms("2026-01-12T00:00:00Z"));
  });

  it("bins at a fixed point", () => {
    expect(call("bin_at", [6.5, "real"], [2.5, "real"], [7, "long"])).toBe(4.5);
    expect(call("bin_at", [H, "timespan"], [D, "timespan"], [12 * H, "timespan"])).toBe(-12 * H);
  });

  it("rounds to a precision", () => {
    expect(call("round", [2.98765, "real"], [3, "long"])).toBe(2.988);
    expect(call("round", [2.15, "real"], [1, "long"])).toBe(2.2);
    expect(call("round", [2.15, "real"])).toBe(2);
    expect(call("round", [-50.55, "real"], [-2, "long"])).toBe(-100);
    expect(call("round", [21.5, "real"], [-1, "long"])).toBe(20);
  });

  it("takes absolute values", () => {
    expect(call("abs", [-5, "long"])).toBe(5);
    expect(call("abs", [null, "long"])).toBeNull();
  });

  it("finds the start of a day, week, month and year", () => {
    const t = ms("2017-01-01T10:10:17Z");
    expect(call("startofday", [t, "datetime"])).toBe(ms("2017-01-01T00:00:00Z"));
    expect(call("startofday", [t, "datetime"], [-1, "long"])).toBe(ms("2016-12-31T00:00:00Z"));
    expect(call("startofweek", [ms("2017-01-04T10:00:00Z"), "datetime"])).toBe(ms("2017-01-01T00:00:00Z"));
    expect(call("startofmonth", [ms("2017-01-04T10:00:00Z"), "datetime"])).toBe(ms("2017-01-01T00:00:00Z"));
    expect(call("startofyear", [ms("2017-05-04T10:00:00Z"), "datetime"])).toBe(ms("2017-01-01T00:00:00Z"));
  });

  it("adds calendar and fixed periods", () => {
    const t = ms("2017-01-01T00:00:00Z");
    expect(call("datetime_add", ["month", "string"], [-15, "long"], [t, "datetime"])).toBe(ms("2015-10-01T00:00:00Z"));
    expect(call("datetime_add", ["quarter", "string"], [12, "long"], [t, "datetime"])).toBe(ms("2020-01-01T00:00:00Z"));
    expect(call("datetime_add", ["week", "string"], [100, "long"], [t, "datetime"])).toBe(ms("2018-12-02T00:00:00Z"));
    expect(call("datetime_add", ["month", "string"], [1, "long"], [ms("2017-01-31T00:00:00Z"), "datetime"])).toBe(
      ms("2017-02-28T00:00:00Z"),
    );
  });

  it("formats datetimes with the documented elements and refuses others", () => {
    const t = ms("2017-01-29T09:00:05Z");
    expect(call("format_datetime", [t, "datetime"], ["yy-MM-dd [HH:mm:ss]", "string"])).toBe("17-01-29 [09:00:05]");
    expect(call("format_datetime", [t, "datetime"], ["yyyy-M-dd [H:mm:ss]", "string"])).toBe("2017-1-29 [9:00:05]");
    expect(call("format_datetime", [t, "datetime"], ["yy-MM-dd [hh:mm:ss tt]", "string"])).toBe(
      "17-01-29 [09:00:05 AM]",
    );
    expect(call("format_datetime", [t, "datetime"], ["HH:mm:ss.FFF", "string"])).toBe("09:00:05");
    expect(() => call("format_datetime", [t, "datetime"], ["dddd", "string"])).toThrow(/format_datetime/);
    expect(() => call("format_datetime", [t, "datetime"], ["yyyy%MM", "string"])).toThrow(KqlError);
  });

  it("makes datetimes from parts", () => {
    expect(
      call("make_datetime", [2017, "long"], [10, "long"], [1, "long"], [12, "long"], [10, "long"], [0, "long"]),
    ).toBe(ms("2017-10-01T12:10:00Z"));
    expect(call("make_datetime", [2017, "long"], [13, "long"], [1, "long"])).toBeNull();
  });
});
