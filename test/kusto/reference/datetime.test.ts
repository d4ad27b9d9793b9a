import { describe, expect, it } from "vitest";
import { columnsOf, DAY, HOUR, MINUTE, ms, NOW, ONE, rowsOf, SECOND } from "./run.js";

// Conformance with the KQL reference on datetimes and timespans. Each test cites its page under
// learn.microsoft.com/kusto/query/ and uses the page's example with its documented output.

describe("bin", () => {
  // learn.microsoft.com/kusto/query/bin-function: 'print bin(4.5, 1)' is 4; 'print bin(time(16d), 7d)' is
  // 14 days; 'print bin(datetime(1970-05-11 13:45:07), 1d)' is 1970-05-11T00:00:00Z.
  it("rounds numbers, timespans and datetimes down", () => {
    expect(rowsOf(`print bin(4.5, 1)`)).toEqual([[4]]);
    expect(rowsOf(`print bin(time(16d), 7d)`)).toEqual([[14 * DAY]]);
    expect(rowsOf(`print bin(datetime(1970-05-11 13:45:07), 1d)`)).toEqual([[ms("1970-05-11T00:00:00Z")]]);
  });

  // Same page: "Null values, a null bin size, or a negative bin size will result in null."
  it("is null for a null value or size", () => {
    expect(rowsOf(`print a = bin(datetime(null), 1h), b = bin(5, long(null))`)).toEqual([[null, null]]);
  });

  // learn.microsoft.com/kusto/query/floor-function is bin's alias: "The bin() and floor() functions are
  // equivalent" (bin-function).
  it("floor is bin", () => {
    expect(rowsOf(`print floor(4.5, 1)`)).toEqual([[4]]);
  });

  // Same page: 'summarize PropertyDamage=sum(DamageProperty) by bin(StartTime, 1d)' gives columns
  // StartTime, PropertyDamage with one row per day: the bin keeps its column's name.
  it("names a summarize key bin(Column, size) after the column", () => {
    const storms = {
      StormEvents: {
        columns: [
          { name: "StartTime", type: "datetime" as const },
          { name: "DamageProperty", type: "int" as const },
        ],
        rows: [
          [ms("2007-04-08T03:00:00Z"), 1000],
          [ms("2007-04-08T20:00:00Z"), 2000],
          [ms("2007-04-11T09:00:00Z"), 1000],
          [ms("2007-04-12T10:00:00Z"), 105000],
        ],
      },
    };
    const q = `StormEvents | summarize PropertyDamage=sum(DamageProperty) by bin(StartTime, 1d)`;
    expect(columnsOf(q, storms)).toEqual(["StartTime:datetime", "PropertyDamage:long"]);
    expect(rowsOf(q, storms)).toEqual([
      [ms("2007-04-08T00:00:00Z"), 3000],
      [ms("2007-04-11T00:00:00Z"), 1000],
      [ms("2007-04-12T00:00:00Z"), 105000],
    ]);
  });

  // learn.microsoft.com/kusto/query/summarize-operator: 'summarize EventCount=count() by EventType,
  // Length=bin(Duration, 1d)' bins timespans in summarize.
  it("bins timespans as summarize keys", () => {
    expect(
      rowsOf(`datatable(EventType:string, Duration:timespan)["Drought", 30.5d, "Drought", 30.1d, "Heat", 2.5d]
| summarize EventCount=count() by EventType, Length=bin(Duration, 1d)`),
    ).toEqual([
      ["Drought", 30 * DAY, 2],
      ["Heat", 2 * DAY, 1],
    ]);
  });
});

describe("bin_at", () => {
  // learn.microsoft.com/kusto/query/bin-at-function: 4.5, -12:00:00, 2017-05-14T12:00:00Z, 2017-05-14T00:00:00Z.
  it("bins aligned to a fixed point", () => {
    expect(rowsOf(`print bin_at(6.5, 2.5, 7)`)).toEqual([[4.5]]);
    expect(rowsOf(`print bin_at(time(1h), 1d, 12h)`)).toEqual([[-12 * HOUR]]);
    expect(rowsOf(`print bin_at(datetime(2017-05-15 10:20:00.0), 1d, datetime(1970-01-01 12:00:00.0))`)).toEqual([
      [ms("2017-05-14T12:00:00Z")],
    ]);
    expect(rowsOf(`print bin_at(datetime(2017-05-17 10:20:00.0), 7d, datetime(2017-06-04 00:00:00.0))`)).toEqual([
      [ms("2017-05-14T00:00:00Z")],
    ]);
  });

  // Same page: summarize by bin_at(Date, 1d, datetime(2018-02-24 15:14)) gives Date/TotalEvents rows
  // 2018-02-23T15:14 8, 2018-02-24T15:14 7, 2018-02-26T15:14 5.
  it("groups in summarize, keeping the column's name", () => {
    const q = `datatable(Date:datetime, NumOfEvents:int)[
datetime(2018-02-24T15:14),3,
datetime(2018-02-24T15:24),4,
datetime(2018-02-23T16:14),4,
datetime(2018-02-23T17:29),4,
datetime(2018-02-26T15:14),5]
| summarize TotalEvents=sum(NumOfEvents) by bin_at(Date, 1d, datetime(2018-02-24 15:14:00.0000000))`;
    expect(columnsOf(q)).toEqual(["Date:datetime", "TotalEvents:long"]);
    expect(rowsOf(q)).toEqual([
      [ms("2018-02-24T15:14:00Z"), 7],
      [ms("2018-02-23T15:14:00Z"), 8],
      [ms("2018-02-26T15:14:00Z"), 5],
    ]);
  });
});

describe("datetime and timespan arithmetic", () => {
  // learn.microsoft.com/kusto/query/datetime-timespan-arithmetic: datetime - datetime is a timespan;
  // timespan + timespan; datetime + timespan; 1d / 5h is 4.8; 1h / 1s is 3600; 1.5 * 1h.
  it("supports the documented operations", () => {
    expect(
      rowsOf(`print age = datetime(1997-06-25) - datetime(1910-06-11), three = 1d + 2d, oneDay = datetime(1910-06-11) + 1d,
  ratio = 1d / 5h, seconds = 1h / 1s, hourAndHalf = 1.5 * 1h`),
    ).toEqual([
      [
        ms("1997-06-25T00:00:00Z") - ms("1910-06-11T00:00:00Z"),
        3 * DAY,
        ms("1910-06-12T00:00:00Z"),
        4.8,
        3600,
        1.5 * HOUR,
      ],
    ]);
  });

  // Same page: the types of those results.
  it("types datetime - datetime as a timespan", () => {
    expect(columnsOf(`print age = datetime(1997-06-25) - datetime(1910-06-11), ratio = 1d / 5h`)).toEqual([
      "age:timespan",
      "ratio:real",
    ]);
  });

  // Same page: Unix time 1546897531 is 2019-01-07 21:45:31, and back (written inline: user-defined
  // functions are another matter).
  it("converts Unix time", () => {
    expect(
      rowsOf(
        `print result = datetime(1970-01-01) + 1546897531 * 1sec, back = (datetime(2019-01-07 21:45:31.0000000) - datetime(1970-01-01)) / 1s`,
      ),
    ).toEqual([[ms("2019-01-07T21:45:31Z"), 1546897531]]);
  });

  // learn.microsoft.com/kusto/query/scalar-data-types/timespan: each result is the seconds in a day.
  it("divides timespans", () => {
    expect(
      rowsOf(`print
    result1 = 1d / 1s,
    result2 = time(1d) / time(1s),
    result3 = 24 * 60 * time(00:01:00) / time(1s)`),
    ).toEqual([[86400, 86400, 86400]]);
    expect(rowsOf(`print seconds = 86400 | extend t = seconds * 1s`)).toEqual([[86400, DAY]]);
  });
});

describe("now and ago", () => {
  // learn.microsoft.com/kusto/query/now-function: now(-2d) is two days before now(); "The current UTC time
  // will stay the same across all uses of now() in a single query statement".
  it("now() is the query's fixed instant", () => {
    expect(rowsOf(`print a = now(), b = now(-2d), same = now() - now()`)).toEqual([
      [NOW.getTime(), NOW.getTime() - 2 * DAY, 0],
    ]);
  });

  // Same page, "Get the date relative to a specific time interval": timeAgo = now() - timespanValue.
  it("subtracts timespans from now()", () => {
    expect(
      rowsOf(`let T = datatable(label: string, timespanValue: timespan) [
    "minute", 60s,
    "hour", 1h,
    "day", 1d,
    "year", 365d
];
T
| extend timeAgo = now() - timespanValue`),
    ).toEqual([
      ["minute", MINUTE, NOW.getTime() - MINUTE],
      ["hour", HOUR, NOW.getTime() - HOUR],
      ["day", DAY, NOW.getTime() - DAY],
      ["year", 365 * DAY, NOW.getTime() - 365 * DAY],
    ]);
  });

  // learn.microsoft.com/kusto/query/ago-function: 'T | where Timestamp > ago(1h)' keeps the past hour.
  it("ago(1h) is an hour before now()", () => {
    const T = {
      T: {
        columns: [{ name: "Timestamp", type: "datetime" as const }],
        rows: [[NOW.getTime() - 30 * MINUTE], [NOW.getTime() - 2 * HOUR], [NOW.getTime() - HOUR]],
      },
    };
    expect(rowsOf(`T | where Timestamp > ago(1h)`, T)).toEqual([[NOW.getTime() - 30 * MINUTE]]);
    expect(rowsOf(`print ago(1h) == now() - 1h`)).toEqual([[true]]);
  });
});

describe("between and !between", () => {
  const hundred = `datatable(x:long)[${Array.from({ length: 100 }, (_, i) => i + 1).join(",")}]`;

  // learn.microsoft.com/kusto/query/between-operator: 'where x between (50 .. 55)' over 1..100 gives 50..55.
  it("is inclusive at both ends", () => {
    expect(rowsOf(`${hundred} | where x between (50 .. 55)`)).toEqual([[50], [51], [52], [53], [54], [55]]);
  });

  // learn.microsoft.com/kusto/query/not-between-operator: 'where x !between (5 .. 9)' over 1..10 gives 1-4, 10.
  it("!between keeps what lies outside", () => {
    expect(rowsOf(`${hundred} | where x <= 10 | where x !between (5 .. 9)`)).toEqual([[1], [2], [3], [4], [10]]);
  });

  // learn.microsoft.com/kusto/query/between-operator: 'where StartTime between (datetime(2007-07-27) .. 3d)'
  // counts the same rows as '.. datetime(2007-07-30)'.
  it("takes a datetime range or a datetime and a timespan", () => {
    const storms = {
      StormEvents: {
        columns: [{ name: "StartTime", type: "datetime" as const }],
        rows: [
          [ms("2007-07-26T23:59:59Z")],
          [ms("2007-07-27T00:00:00Z")],
          [ms("2007-07-29T12:00:00Z")],
          [ms("2007-07-30T00:00:00Z")],
          [ms("2007-07-30T00:00:01Z")],
        ],
      },
    };
    expect(
      rowsOf(`StormEvents | where StartTime between (datetime(2007-07-27) .. datetime(2007-07-30)) | count`, storms),
    ).toEqual([[3]]);
    expect(rowsOf(`StormEvents | where StartTime between (datetime(2007-07-27) .. 3d) | count`, storms)).toEqual([[3]]);
    expect(rowsOf(`StormEvents | where StartTime !between (datetime(2007-07-27) .. 3d) | count`, storms)).toEqual([
      [2],
    ]);
  });
});

describe("calendar functions", () => {
  // learn.microsoft.com/kusto/query/startofday-function: offsets -1, 0, 1 give 2016-12-31, 2017-01-01, 2017-01-02.
  it("startofday with an offset", () => {
    expect(
      rowsOf(`datatable(offset:long)[-1, 0, 1]
| project dayStart = startofday(datetime(2017-01-01 10:10:17), offset)`),
    ).toEqual([[ms("2016-12-31T00:00:00Z")], [ms("2017-01-01T00:00:00Z")], [ms("2017-01-02T00:00:00Z")]]);
  });

  // learn.microsoft.com/kusto/query/datetime-add-function: both examples' outputs.
  it("datetime_add", () => {
    expect(
      rowsOf(`print  year = datetime_add('year',1,make_datetime(2017,1,1)),
quarter = datetime_add('quarter',1,make_datetime(2017,1,1)),
month = datetime_add('month',1,make_datetime(2017,1,1)),
week = datetime_add('week',1,make_datetime(2017,1,1)),
day = datetime_add('day',1,make_datetime(2017,1,1)),
hour = datetime_add('hour',1,make_datetime(2017,1,1)),
minute = datetime_add('minute',1,make_datetime(2017,1,1)),
second = datetime_add('second',1,make_datetime(2017,1,1))`),
    ).toEqual([
      [
        ms("2018-01-01T00:00:00Z"),
        ms("2017-04-01T00:00:00Z"),
        ms("2017-02-01T00:00:00Z"),
        ms("2017-01-08T00:00:00Z"),
        ms("2017-01-02T00:00:00Z"),
        ms("2017-01-01T01:00:00Z"),
        ms("2017-01-01T00:01:00Z"),
        ms("2017-01-01T00:00:01Z"),
      ],
    ]);
    expect(
      rowsOf(`print  year = datetime_add('year',-5,make_datetime(2017,1,1)),
quarter = datetime_add('quarter',12,make_datetime(2017,1,1)),
month = datetime_add('month',-15,make_datetime(2017,1,1)),
week = datetime_add('week',100,make_datetime(2017,1,1))`),
    ).toEqual([
      [ms("2012-01-01T00:00:00Z"), ms("2020-01-01T00:00:00Z"), ms("2015-10-01T00:00:00Z"), ms("2018-12-02T00:00:00Z")],
    ]);
  });

  // learn.microsoft.com/kusto/query/format-datetime-function: v1, v2 and v3.
  it("format_datetime", () => {
    expect(
      rowsOf(`let dt = datetime(2017-01-29 09:00:05);
print
v1=format_datetime(dt,'yy-MM-dd [HH:mm:ss]'),
v2=format_datetime(dt, 'yyyy-M-dd [H:mm:ss]'),
v3=format_datetime(dt, 'yy-MM-dd [hh:mm:ss tt]')`),
    ).toEqual([["17-01-29 [09:00:05]", "2017-1-29 [9:00:05]", "17-01-29 [09:00:05 AM]"]]);
  });

  // learn.microsoft.com/kusto/query/todatetime-function, scalar-data-types/datetime "Supported formats":
  // ISO 8601 and RFC 822 texts.
  it("todatetime reads ISO 8601 and RFC 822 text", () => {
    expect(
      rowsOf(
        `${ONE} | project a = todatetime("2014-05-25T08:20:03.123Z"), b = todatetime("Sat, 8 Nov 14 15:05:02 GMT"), c = todatetime("2014-11-08 15:55")`,
      ),
    ).toEqual([[ms("2014-05-25T08:20:03.123Z"), ms("2014-11-08T15:05:02Z"), ms("2014-11-08T15:55:00Z")]]);
  });

  // learn.microsoft.com/kusto/query/abs-function: 'print abs(-5)' is 5; abs takes timespans too.
  it("abs", () => {
    expect(rowsOf(`print abs(-5)`)).toEqual([[5]]);
    expect(rowsOf(`print abs(-1h)`)).toEqual([[HOUR]]);
  });

  // learn.microsoft.com/kusto/query/round-function: 2.988, 2.2, 2, -100, 20.
  it("round", () => {
    expect(
      rowsOf(
        `print a = round(2.98765, 3), b = round(2.15, 1), c = round(2.15), d = round(-50.55, -2), e = round(21.5, -1)`,
      ),
    ).toEqual([[2.988, 2.2, 2, -100, 20]]);
  });

  it("timespan literals in seconds", () => {
    // learn.microsoft.com/kusto/query/scalar-data-types/timespan: 10s, 100ms, 1.5h, timespan(0.12:34:56.7).
    expect(rowsOf(`print a = 10s, b = 100ms, c = 1.5h, d = timespan(0.12:34:56.7)`)).toEqual([
      [10 * SECOND, 100, 1.5 * HOUR, 12 * HOUR + 34 * MINUTE + 56.7 * SECOND],
    ]);
  });
});
