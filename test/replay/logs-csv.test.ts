import { describe, expect, it } from "vitest";
import { CsvError, parseCsv } from "../../tools/replay/logs/csv.js";
import { exportedTime } from "../../tools/replay/logs/export-time.js";

const fields = (text: string) => [...parseCsv(text)].map((r) => r.fields);

describe("the portal's CSV (RFC 4180)", () => {
  it("splits records on CRLF or LF and fields on commas, and drops a byte-order mark and blank lines", () => {
    expect(fields("\uFEFFa,b,c\r\n1,,3\n\n4,5,6")).toEqual([
      ["a", "b", "c"],
      ["1", "", "3"],
      ["4", "5", "6"],
    ]);
  });

  it("keeps commas, doubled quotes and line breaks inside quoted fields, and gives each record's first line", () => {
    const records = [...parseCsv('x,y\n"a, ""b""\r\nc",d\n"",e\n')];
    expect(records).toEqual([
      { fields: ["x", "y"], line: 1 },
      { fields: ['a, "b"\r\nc', "d"], line: 2 },
      { fields: ["", "e"], line: 4 },
    ]);
  });

  it("reads a quote inside an unquoted field as text, and refuses a quoted field that never closes", () => {
    expect(fields('a"b,c\n')).toEqual([['a"b', "c"]]);
    expect(() => fields('a\n"open,\nmore')).toThrow(CsvError);
    try {
      fields('a\n"open,\nmore');
    } catch (error) {
      expect((error as CsvError).line).toBe(2);
    }
  });
});

describe("exported date-times", () => {
  it("reads ISO 8601 with up to seven fractional digits, an offset, or none (UTC)", () => {
    expect(exportedTime("2026-03-04T01:03:12.3456789Z")).toBe("2026-03-04T01:03:12.345Z");
    expect(exportedTime("2026-03-04T02:03:12+01:00")).toBe("2026-03-04T01:03:12.000Z");
    expect(exportedTime("2026-03-04 01:03:12.5")).toBe("2026-03-04T01:03:12.500Z");
    expect(exportedTime("2026-03-04")).toBe("2026-03-04T00:00:00.000Z");
  });

  it("reads the portal grid's English (United States) format as UTC, noon and midnight included", () => {
    expect(exportedTime("3/4/2026, 1:03:12.345 AM")).toBe("2026-03-04T01:03:12.345Z");
    expect(exportedTime("3/4/2026, 12:00:00.000 AM")).toBe("2026-03-04T00:00:00.000Z");
    expect(exportedTime("3/4/2026, 12:30:00 PM")).toBe("2026-03-04T12:30:00.000Z");
    expect(exportedTime("12/31/2026, 11:59:59.999 PM")).toBe("2026-12-31T23:59:59.999Z");
  });

  it("reads year-first grid formats, and refuses what it cannot read unambiguously", () => {
    expect(exportedTime("2026/03/04 0:00:01.403")).toBe("2026-03-04T00:00:01.403Z");
    expect(exportedTime("04/03/2026, 01:03:12")).toBeUndefined();
    expect(exportedTime("2/30/2026, 1:00:00 AM")).toBeUndefined();
    expect(exportedTime("3/4/2026, 13:00:00 PM")).toBeUndefined();
    expect(exportedTime("yesterday")).toBeUndefined();
  });
});
