/**
 * Kusto's scalar functions over the value model of types.ts (datetimes and timespans in ms, strings
 * never null, dynamic as JSON values). Each function follows its page of the KQL reference
 * (learn.microsoft.com/kusto/query/<name>-function); where a page leaves a case open, the comment
 * says which way this goes and why. Operators (`has`, `in`, `between`, ...) belong to the engine.
 */
import { KqlError, type KustoType, type ScalarFunction } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Time constants. Kusto counts 100 ns ticks from 0001-01-01 (scalar-data-types/datetime); the
// value model counts ms from 1970-01-01. 719162 days separate the two origins.
// ---------------------------------------------------------------------------------------------

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const TICKS_PER_MS = 10_000;
/** Milliseconds from 0001-01-01 (Kusto's tick origin) to the Unix epoch. */
const KUSTO_ORIGIN_OFFSET_MS = 719_162 * MS_PER_DAY;

const isNull = (v: unknown): v is null | undefined => v === null || v === undefined;

/** -0 prints as "-0" and fails deep equality with 0; Kusto has no negative zero in longs. */
const noNegativeZero = (n: number): number => (n === 0 ? 0 : n);

// ---------------------------------------------------------------------------------------------
// Formatting: how Kusto prints each type as text.
// ---------------------------------------------------------------------------------------------

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** Splits ms into whole ms and the 7-digit fraction of a second (ticks), rounding to the tick. */
function splitTicks(ms: number): { wholeMs: number; fraction7: string } {
  const ticks = Math.round(ms * TICKS_PER_MS);
  const wholeMs = Math.floor(ticks / TICKS_PER_MS);
  const subMsTicks = ticks - wholeMs * TICKS_PER_MS;
  const msOfSecond = ((wholeMs % 1000) + 1000) % 1000;
  return { wholeMs, fraction7: pad(msOfSecond * TICKS_PER_MS + subMsTicks, 7) };
}

/**
 * A datetime as Kusto serializes it: ISO 8601 UTC with seven fractional digits, e.g.
 * "2017-01-01T00:00:00.0000000Z" (the form dynamic arrays of datetimes show in range-function and
 * make-series-operator; the value-to-text conversion uses the same round-trip form).
 */
export function formatDatetime(ms: number): string {
  const { wholeMs, fraction7 } = splitTicks(ms);
  const d = new Date(wholeMs);
  const year = d.getUTCFullYear();
  const date = `${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return `${date}T${time}.${fraction7}Z`;
}

/**
 * A timespan as Kusto prints it: `[-][d.]hh:mm:ss[.fffffff]`, e.g. "00:03:00", "4.00:00:00",
 * "-12:00:00" (totimespan-function, bin-at-function), "00:00:01" in strcat_delim's example.
 */
export function formatTimespan(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  const ticks = Math.round(Math.abs(ms) * TICKS_PER_MS);
  const ticksPerSecond = MS_PER_SECOND * TICKS_PER_MS;
  const totalSeconds = Math.floor(ticks / ticksPerSecond);
  const fraction = ticks - totalSeconds * ticksPerSecond;
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor(totalSeconds / 3600) % 24;
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const seconds = totalSeconds % 60;
  const dayPart = days > 0 ? `${days}.` : "";
  const fractionPart = fraction > 0 ? `.${pad(fraction, 7)}` : "";
  return `${sign}${dayPart}${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${fractionPart}`;
}

/**
 * A real as .NET prints a double (Kusto runs on .NET): the shortest round-trip digits, "3" for 3.0,
 * "0.5", and scientific notation ("1E+15", "1E-05") outside [1e-4, 1e15): .NET's "G" format is
 * fixed-point when -5 < exponent < 15.
 */
export function formatReal(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  if (n === 0) return "0";
  const [mantissa, exponentText] = n.toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= 15 || exponent <= -5) {
    return `${mantissa}E${exponent < 0 ? "-" : "+"}${pad(Math.abs(exponent), 2)}`;
  }
  return String(n);
}

/** A long or int: integral digits, never an exponent (JavaScript would print 1e21 as "1e+21"). */
function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return formatReal(n);
  const whole = Math.trunc(n);
  return Math.abs(whole) < 1e21 ? String(noNegativeZero(whole)) : BigInt(whole).toString();
}

/** A dynamic value as text: a string is itself, null is "", anything else is compact JSON. */
function formatDynamic(v: unknown): string {
  if (isNull(v)) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? formatInteger(v) : formatReal(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return JSON.stringify(v);
}

/**
 * tostring(): "If value is null, the result is an empty string" (tostring-function); otherwise the
 * value's text as above. The engine uses this for every implicit conversion to string too.
 */
export function tostringOf(value: unknown, type: KustoType): string {
  if (isNull(value)) return "";
  switch (type) {
    case "string":
    case "guid":
      return String(value);
    case "bool":
      return value ? "true" : "false";
    case "int":
    case "long":
      return formatInteger(value as number);
    case "real":
    case "decimal":
      return formatReal(value as number);
    case "datetime":
      return formatDatetime(value as number);
    case "timespan":
      return formatTimespan(value as number);
    case "dynamic":
      return formatDynamic(value);
  }
}

/**
 * A value in its dynamic form, as bag_pack and pack_array store it: numbers, bools and strings stay
 * as they are; datetimes, timespans and guids become their text ("values that JSON can't represent
 * are serialized into string values", scalar-data-types/dynamic; pack_array's example shows a
 * timespan as "00:00:02").
 */
export function toDynamic(value: unknown, type: KustoType): unknown {
  if (isNull(value)) return null;
  switch (type) {
    case "datetime":
      return formatDatetime(value as number);
    case "timespan":
      return formatTimespan(value as number);
    case "guid":
      return String(value);
    default:
      return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing text into values.
// ---------------------------------------------------------------------------------------------

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number written as text, or null (hex, words and empty text are not numbers). */
function parseNumberText(text: string): number | null {
  const t = text.trim();
  return NUMBER_TEXT.test(t) ? Number(t) : null;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour?: string | undefined;
  minute?: string | undefined;
  second?: string | undefined;
  fraction?: string | undefined;
  zone?: string | undefined;
}

/** Builds ms from validated parts; null when a field is out of range (e.g. 2015-02-30). */
function fromParts(p: DateParts): number | null {
  const hour = Number(p.hour ?? 0);
  const minute = Number(p.minute ?? 0);
  const second = Number(p.second ?? 0);
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > daysInMonth(p.year, p.month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const fractionMs = p.fraction ? Number(`0.${p.fraction}`) * MS_PER_SECOND : 0;
  const utc = new Date(0);
  utc.setUTCFullYear(p.year, p.month - 1, p.day);
  utc.setUTCHours(hour, minute, second, 0);
  return utc.getTime() + fractionMs - zoneOffsetMs(p.zone);
}

/** "Z", "GMT", "UTC" or none mean UTC (datetime values "are always in UTC"); "+hh:mm" shifts. */
function zoneOffsetMs(zone: string | undefined): number {
  const m = zone ? /^([+-])(\d{2}):?(\d{2})$/.exec(zone) : null;
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return (m[1] === "-" ? -1 : 1) * minutes * MS_PER_MINUTE;
}

/** Two-digit years as .NET reads them (TwoDigitYearMax 2049): 14 → 2014, 85 → 1985. */
const fullYear = (yy: string): number => (yy.length === 2 ? (Number(yy) <= 49 ? 2000 : 1900) + Number(yy) : Number(yy));

const ZONE = String.raw`(?:\s*(Z|GMT|UTC|[+-]\d{2}:?\d{2}))?`;
const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?`;
/** ISO 8601 and the "sortable" formats: 2014-05-25T08:20:03.123456Z, 2014-11-08 15:05, 2014-11-08. */
const ISO_DATETIME = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]${TIME})?${ZONE}$`, "i");
/** RFC 822 and RFC 850: "Sat, 8 Nov 14 15:05:02 GMT", "Saturday, 08-Nov-14 15:05". */
const RFC_DATETIME = new RegExp(
  String.raw`^(?:[A-Za-z]+,\s*)?(\d{1,2})[ -]([A-Za-z]{3})[ -](\d{2}|\d{4})\s+${TIME}${ZONE}$`,
  "i",
);

/**
 * Text to datetime, for the formats scalar-data-types/datetime lists (ISO 8601, RFC 822, RFC 850,
 * sortable). Other text gives null, as todatetime() does when "the conversion" fails.
 */
export function parseDatetime(text: string): number | null {
  const t = text.trim();
  const iso = ISO_DATETIME.exec(t);
  if (iso) {
    const [, y, mo, d, hour, minute, second, fraction, zone] = iso;
    return fromParts({ year: Number(y), month: Number(mo), day: Number(d), hour, minute, second, fraction, zone });
  }
  const rfc = RFC_DATETIME.exec(t);
  if (rfc) {
    const [, d, mon, y, hour, minute, second, fraction, zone] = rfc;
    const month = MONTHS.indexOf(mon!.toLowerCase()) + 1;
    if (month === 0) return null;
    return fromParts({ year: fullYear(y!), month, day: Number(d), hour, minute, second, fraction, zone });
  }
  return null;
}

const TIMESPAN_CLOCK = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;
const TIMESPAN_UNIT = /^(-)?(\d+(?:\.\d+)?)\s*([a-z]+)?$/i;
const UNIT_MS: Record<string, number> = {
  d: MS_PER_DAY,
  day: MS_PER_DAY,
  days: MS_PER_DAY,
  h: MS_PER_HOUR,
  hr: MS_PER_HOUR,
  hrs: MS_PER_HOUR,
  hour: MS_PER_HOUR,
  hours: MS_PER_HOUR,
  m: MS_PER_MINUTE,
  min: MS_PER_MINUTE,
  minute: MS_PER_MINUTE,
  minutes: MS_PER_MINUTE,
  s: MS_PER_SECOND,
  sec: MS_PER_SECOND,
  second: MS_PER_SECOND,
  seconds: MS_PER_SECOND,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 1 / 1000,
  microseconds: 1 / 1000,
  tick: 1 / TICKS_PER_MS,
  ticks: 1 / TICKS_PER_MS,
};

/**
 * Text to timespan: the clock form `[-][d.]hh:mm[:ss[.fffffff]]` ("0.00:03:00" in totimespan's
 * example) or a number with a literal's unit ("2d", "1.5h", "100ms"; scalar-data-types/timespan).
 * A bare number counts days, as `timespan(2)` does.
 */
export function parseTimespan(text: string): number | null {
  const t = text.trim();
  const clock = TIMESPAN_CLOCK.exec(t);
  if (clock) {
    const [, neg, d, h, m, s, f] = clock;
    if (Number(h) > 23 || Number(m) > 59 || Number(s ?? 0) > 59) return null;
    const ms =
      Number(d ?? 0) * MS_PER_DAY +
      Number(h) * MS_PER_HOUR +
      Number(m) * MS_PER_MINUTE +
      Number(s ?? 0) * MS_PER_SECOND +
      (f ? Number(`0.${f}`) * MS_PER_SECOND : 0);
    return neg ? -ms : ms;
  }
  const unit = TIMESPAN_UNIT.exec(t);
  if (unit) {
    const [, neg, amount, name] = unit;
    const scale = name === undefined ? MS_PER_DAY : UNIT_MS[name.toLowerCase()];
    if (scale === undefined) return null;
    const ms = Number(amount) * scale;
    return neg ? -ms : ms;
  }
  return null;
}

/**
 * toguid(): "takes the first 32 characters of the input, ignoring properly located hyphens,
 * validates that the characters are between 0-9 or a-f ... The rest of the string is ignored"
 * (toguid-function; its example accepts "0123456789ab-cdef-0123-456789abcdef").
 */
export function parseGuid(text: string): string | null {
  const hex = text.replace(/-/g, "").slice(0, 32);
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------
// Conversions between types.
// ---------------------------------------------------------------------------------------------

/**
 * A value as a JavaScript number, before truncation: text is parsed, bools are 1/0, datetimes are
 * ticks since 0001-01-01 and timespans are ticks (Kusto's own units, scalar-data-types/datetime).
 */
function numberOf(value: unknown, type: KustoType): number | null {
  if (isNull(value)) return null;
  switch (type) {
    case "string":
      return parseNumberText(value as string);
    case "bool":
      return value ? 1 : 0;
    case "datetime":
      return ((value as number) + KUSTO_ORIGIN_OFFSET_MS) * TICKS_PER_MS;
    case "timespan":
      return (value as number) * TICKS_PER_MS;
    case "guid":
      return null;
    case "dynamic":
      return dynamicNumber(value);
    default:
      return value as number;
  }
}

function dynamicNumber(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") return parseNumberText(v);
  return null;
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** toint(): a signed 32-bit integer; "If the input includes a decimal value, the result truncate[s]". */
export function toIntValue(value: unknown, type: KustoType): number | null {
  const n = numberOf(value, type);
  if (n === null || !Number.isFinite(n)) return null;
  const t = noNegativeZero(Math.trunc(n));
  return t < INT32_MIN || t > INT32_MAX ? null : t;
}

/** tolong(): a signed 64-bit integer (held as a JavaScript number), truncated; null if not a number. */
export function toLongValue(value: unknown, type: KustoType): number | null {
  const n = numberOf(value, type);
  return n === null || !Number.isFinite(n) ? null : noNegativeZero(Math.trunc(n));
}

/** toreal()/todouble(): "Otherwise, the returned value is real(null)". */
export function toRealValue(value: unknown, type: KustoType): number | null {
  return numberOf(value, type);
}

/** tobool(): "true"/"false" (any case) and numbers (non-zero is true, tobool(123) == true). */
export function toBoolValue(value: unknown, type: KustoType): boolean | null {
  if (isNull(value)) return null;
  if (type === "bool") return value as boolean;
  if (type === "string" || typeof value === "string") return boolText(String(value));
  if (type === "dynamic" && typeof value === "boolean") return value;
  const n = numberOf(value, type === "dynamic" ? "dynamic" : type);
  return n === null || Number.isNaN(n) ? null : n !== 0;
}

function boolText(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (t === "true" || t === "1") return true;
  if (t === "false" || t === "0") return false;
  return null;
}

/** todatetime(): a datetime as is, text (or dynamic text) parsed; anything else is null. */
export function toDatetimeValue(value: unknown, type: KustoType): number | null {
  if (isNull(value)) return null;
  if (type === "datetime") return value as number;
  if (typeof value === "string" && (type === "string" || type === "dynamic")) return parseDatetime(value);
  return null;
}

/** totimespan(): a timespan as is, text (or dynamic text) parsed; anything else is null. */
export function toTimespanValue(value: unknown, type: KustoType): number | null {
  if (isNull(value)) return null;
  if (type === "timespan") return value as number;
  if (typeof value === "string" && (type === "string" || type === "dynamic")) return parseTimespan(value);
  return null;
}

/** toguid(): a guid as is, text (or dynamic text) validated; anything else is null. */
export function toGuidValue(value: unknown, type: KustoType): string | null {
  if (isNull(value)) return null;
  if (type === "guid") return String(value).toLowerCase();
  return typeof value === "string" ? parseGuid(value) : null;
}

/**
 * parse_json(): "If json is of type dynamic, its value is used as-is"; a properly formatted JSON
 * string is parsed; otherwise "the returned value is an object of type dynamic that holds the
 * original string value". Empty text is null (isnull(parse_json("")) is true, isnull-function).
 * Values of other types take their dynamic form.
 */
export function parseJsonValue(value: unknown, type: KustoType): unknown {
  if (isNull(value)) return null;
  if (type === "dynamic") return value;
  if (type !== "string") return toDynamic(value, type);
  const text = value as string;
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Converts a value from one type to another with the to*() functions above. */
export function convertValue(value: unknown, from: KustoType, to: KustoType): unknown {
  switch (to) {
    case "string":
      return tostringOf(value, from);
    case "int":
      return toIntValue(value, from);
    case "long":
      return toLongValue(value, from);
    case "real":
    case "decimal":
      return toRealValue(value, from);
    case "bool":
      return toBoolValue(value, from);
    case "datetime":
      return toDatetimeValue(value, from);
    case "timespan":
      return toTimespanValue(value, from);
    case "guid":
      return toGuidValue(value, from);
    case "dynamic":
      return parseJsonValue(value, from);
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison, shared with the aggregates (min, max, arg_max, ...).
// ---------------------------------------------------------------------------------------------

/**
 * Orders two non-null values of one type: numbers (and datetimes, timespans) numerically, bools
 * false < true, text ordinally (UTF-16 code units, as .NET's ordinal comparison), and dynamic values
 * numerically when both are numbers, else by their text.
 */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const x = typeof a === "string" ? a : formatDynamic(a);
  const y = typeof b === "string" ? b : formatDynamic(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Argument helpers.
// ---------------------------------------------------------------------------------------------

const typeAt = (types: readonly KustoType[], i: number): KustoType => types[i] ?? "dynamic";

/** An argument as text, converted as tostring() would (strcat: "forcibly converted to string"). */
const textArg = (args: unknown[], types: readonly KustoType[], i: number): string =>
  tostringOf(args[i], typeAt(types, i));

/** An optional integer argument (an index, a length, a count); null stays null. */
function intArg(args: unknown[], types: readonly KustoType[], i: number): number | null {
  return i < args.length ? toLongValue(args[i], typeAt(types, i)) : null;
}

/** The empty value of a result type: "" for strings (never null), null otherwise. */
const emptyOf = (type: KustoType): unknown => (type === "string" ? "" : null);

function requireArgs(name: string, args: unknown[], min: number, max = Number.POSITIVE_INFINITY): void {
  if (args.length < min || args.length > max) {
    throw new KqlError("SemanticError", `${name}(): expected ${argCountText(min, max)}, got ${args.length}`);
  }
}

const argCountText = (min: number, max: number): string =>
  max === min ? `${min} argument(s)` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;

// ---------------------------------------------------------------------------------------------
// String functions.
// ---------------------------------------------------------------------------------------------

/**
 * strlen(): "This function counts Unicode code points" (strlen-function), so a surrogate pair is
 * one. substring() counts the same way, so strlen and substring agree.
 */
const codePoints = (s: string): string[] => Array.from(s);

/** substring(): a negative start counts from the end ("123456", -2, 2 → "56"); out of range is "". */
function substring(args: unknown[], types: readonly KustoType[]): string {
  requireArgs("substring", args, 2, 3);
  const chars = codePoints(textArg(args, types, 0));
  const startArg = intArg(args, types, 1);
  if (startArg === null) return "";
  const start = startArg < 0 ? Math.max(0, chars.length + startArg) : startArg;
  const length = args.length > 2 ? intArg(args, types, 2) : chars.length;
  if (length === null || length < 0) return "";
  return chars.slice(start, start + length).join("");
}

/** split(): the parts as a dynamic array; with an index, an array holding that part, or []. */
function split(args: unknown[], types: readonly KustoType[]): unknown {
  requireArgs("split", args, 2, 3);
  const source = textArg(args, types, 0);
  const delimiter = textArg(args, types, 1);
  const parts = delimiter === "" ? [source] : source.split(delimiter);
  if (args.length < 3) return parts;
  const index = intArg(args, types, 2);
  if (index === null) return null;
  const part = parts[index];
  return part === undefined || index < 0 ? [] : [part];
}

/** replace_string(): every non-overlapping match replaced; an empty lookup replaces nothing. */
function replaceString(args: unknown[], types: readonly KustoType[]): string {
  requireArgs("replace_string", args, 3, 3);
  const text = textArg(args, types, 0);
  const lookup = textArg(args, types, 1);
  return lookup === "" ? text : text.split(lookup).join(textArg(args, types, 2));
}

/**
 * indexof(string, match[, start[, length[, occurrence]]]): a negative start counts from the end;
 * length -1 is unlimited; null when length < -1 or occurrence < 0 (indexof-function). Each search
 * for the next occurrence examines `length` positions from just after the previous match, as .NET's
 * IndexOf(value, start, count) would (this reproduces every example on the page, e.g. 9 for
 * indexof("abcdefgabcdefg", "cde", 1, 10, 2)).
 */
function indexof(args: unknown[], types: readonly KustoType[]): number | null {
  requireArgs("indexof", args, 2, 5);
  const source = textArg(args, types, 0);
  const match = textArg(args, types, 1);
  const startArg = args.length > 2 ? intArg(args, types, 2) : 0;
  const length = args.length > 3 ? intArg(args, types, 3) : -1;
  const occurrence = args.length > 4 ? intArg(args, types, 4) : 1;
  if (startArg === null || length === null || occurrence === null) return null;
  if (length < -1 || occurrence < 0) return null;
  let from = startArg < 0 ? Math.max(0, source.length + startArg) : startArg;
  if (from > source.length) return -1;
  let found = -1;
  for (let n = 0; n < Math.max(occurrence, 1); n++) {
    const window = length === -1 ? source.slice(from) : source.slice(from, from + length);
    const at = window.indexOf(match);
    if (at < 0) return -1;
    found = from + at;
    from = found + 1;
  }
  return found;
}

/**
 * Kusto's regular expressions are RE2 (regex page); JavaScript's cover the same ground for the
 * patterns queries use. RE2's named groups `(?P<name>...)` become `(?<name>...)`, and a leading
 * `(?i)` becomes the `i` flag.
 */
function toJsRegex(pattern: string, extraFlags = ""): RegExp {
  let source = pattern.replace(/\(\?P</g, "(?<");
  let flags = extraFlags;
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]!) if (f !== "U" && !flags.includes(f)) flags += f;
  }
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new KqlError("SemanticError", `invalid regular expression ${JSON.stringify(pattern)}: ${String(e)}`);
  }
}

/**
 * extract(regex, captureGroup, source[, typeLiteral]): the group's text, converted to the call's
 * result type (the engine types `typeof(int)` as int); no match or a failed conversion is null
 * (the empty string when the result is a string).
 */
function extract(args: unknown[], types: readonly KustoType[], resultType: KustoType): unknown {
  requireArgs("extract", args, 3, 4);
  const group = intArg(args, types, 1);
  const m = toJsRegex(textArg(args, types, 0)).exec(textArg(args, types, 2));
  const text = group === null || !m ? undefined : m[group];
  if (text === undefined) return emptyOf(resultType);
  return resultType === "string" ? text : convertValue(text, "string", resultType);
}

/** replace_regex(text, regex, rewrite): every match replaced; `\1` in rewrite names group 1. */
function replaceRegex(args: unknown[], types: readonly KustoType[]): string {
  requireArgs("replace_regex", args, 3, 3);
  const re = toJsRegex(textArg(args, types, 1), "g");
  const rewrite = textArg(args, types, 2)
    .replace(/\$/g, "$$$$")
    .replace(/\\(\d)/g, "$$$1");
  return textArg(args, types, 0).replace(re, rewrite);
}

/** trim(regex, source): "Removes all leading and trailing matches of the specified regular expression". */
function trimWith(which: "both" | "start" | "end"): ScalarFunction {
  const name = which === "both" ? "trim" : `trim_${which}`;
  return (args, types) => {
    requireArgs(name, args, 2, 2);
    const pattern = textArg(args, types, 0);
    let s = textArg(args, types, 1);
    if (which !== "end") s = s.replace(toJsRegex(`^(?:${pattern})+`), "");
    if (which !== "start") s = s.replace(toJsRegex(`(?:${pattern})+$`), "");
    return s;
  };
}

// ---------------------------------------------------------------------------------------------
// Null, empty and conditionals.
// ---------------------------------------------------------------------------------------------

/** isempty(): "true if the argument is an empty string or is null" (isempty-function). */
const isEmptyValue = (v: unknown): boolean => isNull(v) || v === "";

/**
 * isnull(): strings are never null ("String values can't be null", isnull-function), so
 * isnull("") is false; parse_json("") is null.
 */
const isNullValue = (v: unknown, type: KustoType): boolean => type !== "string" && isNull(v);

/**
 * coalesce(): "the first arg whose value isn't null (or not-empty for string expressions)"
 * (coalesce-function). None: "" for a string result, null otherwise.
 */
function coalesce(args: unknown[], types: readonly KustoType[], resultType: KustoType): unknown {
  requireArgs("coalesce", args, 2, 64);
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    if (isNull(v)) continue;
    if (typeAt(types, i) === "string" && v === "") continue;
    return v;
  }
  return emptyOf(resultType);
}

/** iff(if, then, else): a null predicate is not true, so it takes the else branch (where's rule). */
function iff(args: unknown[]): unknown {
  requireArgs("iff", args, 3, 3);
  return args[0] === true ? args[1] : args[2];
}

/** case(p1, v1, ..., else): the value of the first predicate that is true, else the last argument. */
function caseFunction(args: unknown[]): unknown {
  if (args.length < 3 || args.length % 2 === 0) {
    throw new KqlError("SemanticError", "case(): expected predicate/value pairs and an else value");
  }
  for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1];
  return args[args.length - 1];
}

/** not(): "yields the value bool(null) if the argument is the null value" (null-values). */
function not(args: unknown[], types: readonly KustoType[]): boolean | null {
  requireArgs("not", args, 1, 1);
  const b = toBoolValue(args[0], typeAt(types, 0));
  return b === null ? null : !b;
}

/** min_of()/max_of(): "Non-null values take precedence to null values"; all null is null. */
function extremeOf(name: string, sign: 1 | -1): ScalarFunction {
  return (args, _types, resultType) => {
    requireArgs(name, args, 2, 64);
    let best: unknown = null;
    for (const v of args) {
      if (isNull(v)) continue;
      if (isNull(best) || sign * compareValues(v, best) > 0) best = v;
    }
    return isNull(best) ? emptyOf(resultType) : best;
  };
}

// ---------------------------------------------------------------------------------------------
// Numbers and time.
// ---------------------------------------------------------------------------------------------

/**
 * bin(value, roundTo): "Rounds values down to an integer multiple of a given bin size ... Null
 * values, a null bin size, or a negative bin size will result in null" (bin-function); a zero size
 * divides by zero and is null too. Datetimes are binned from Kusto's tick origin, 0001-01-01:
 * identical to the Unix epoch for sizes dividing a day, and what Kusto does for e.g. 7d.
 */
function bin(args: unknown[], types: readonly KustoType[]): number | null {
  requireArgs("bin", args, 2, 2);
  const [value, size] = args as [unknown, unknown];
  if (isNull(value) || isNull(size)) return null;
  const v = value as number;
  const s = size as number;
  if (!(s > 0)) return null;
  const origin = types[0] === "datetime" ? -KUSTO_ORIGIN_OFFSET_MS : 0;
  return noNegativeZero(Math.floor((v - origin) / s) * s + origin);
}

/** bin_at(value, size, fixed_point): bins aligned so that fixed_point starts one (bin-at-function). */
function binAt(args: unknown[]): number | null {
  requireArgs("bin_at", args, 3, 3);
  const [value, size, fixed] = args as [unknown, unknown, unknown];
  if (isNull(value) || isNull(size) || isNull(fixed)) return null;
  const s = size as number;
  if (!(s > 0)) return null;
  return noNegativeZero(Math.floor(((value as number) - (fixed as number)) / s) * s + (fixed as number));
}

/**
 * round(number[, precision]): halves round away from zero; a negative precision rounds to tens,
 * hundreds... (round-function: round(2.15, 1) is 2.2, round(-50.55, -2) is -100, round(21.5, -1) 20).
 */
function round(args: unknown[], types: readonly KustoType[]): number | null {
  requireArgs("round", args, 1, 2);
  const x = args[0];
  const precision = args.length > 1 ? intArg(args, types, 1) : 0;
  if (isNull(x) || precision === null) return null;
  const n = x as number;
  const scaled = precision >= 0 ? n * 10 ** precision : n / 10 ** -precision;
  const rounded = Math.sign(scaled) * Math.round(Math.abs(scaled));
  return noNegativeZero(precision >= 0 ? rounded / 10 ** precision : rounded * 10 ** -precision);
}

function abs(args: unknown[]): number | null {
  requireArgs("abs", args, 1, 1);
  return isNull(args[0]) ? null : Math.abs(args[0] as number);
}

/** The UTC calendar fields of a datetime in ms. */
function utcDate(ms: number): Date {
  return new Date(Math.floor(ms));
}

/** startofday(date[, offset]): midnight of the day, offset by whole days (startofday-function). */
function startOf(unit: "day" | "week" | "month" | "year"): ScalarFunction {
  return (args, types) => {
    requireArgs(`startof${unit}`, args, 1, 2);
    const date = args[0];
    const offset = args.length > 1 ? intArg(args, types, 1) : 0;
    if (isNull(date) || offset === null) return null;
    const d = utcDate(date as number);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth();
    switch (unit) {
      case "day":
        return Date.UTC(y, m, d.getUTCDate() + offset);
      case "week":
        // startofweek-function: weeks start on Sunday.
        return Date.UTC(y, m, d.getUTCDate() - d.getUTCDay() + 7 * offset);
      case "month":
        return Date.UTC(y, m + offset, 1);
      case "year":
        return Date.UTC(y + offset, 0, 1);
    }
  };
}

const FIXED_PERIOD_MS: Record<string, number> = {
  week: 7 * MS_PER_DAY,
  day: MS_PER_DAY,
  hour: MS_PER_HOUR,
  minute: MS_PER_MINUTE,
  second: MS_PER_SECOND,
  millisecond: 1,
  microsecond: 1 / 1000,
  nanosecond: 1 / 1_000_000,
};

/**
 * datetime_add(period, amount, datetime): calendar periods (year, quarter, month) move the month
 * and clamp the day to the month's end, as .NET's AddMonths does; the others are fixed lengths.
 */
function datetimeAdd(args: unknown[], types: readonly KustoType[]): number | null {
  requireArgs("datetime_add", args, 3, 3);
  const period = textArg(args, types, 0).toLowerCase();
  const amount = intArg(args, types, 1);
  const date = args[2];
  if (amount === null || isNull(date)) return null;
  const ms = date as number;
  const months = period === "year" ? 12 : period === "quarter" ? 3 : period === "month" ? 1 : 0;
  if (months > 0) return addMonths(ms, amount * months);
  const fixed = FIXED_PERIOD_MS[period];
  if (fixed === undefined) throw new KqlError("SemanticError", `datetime_add(): unknown period '${period}'`);
  return ms + amount * fixed;
}

function addMonths(ms: number, months: number): number {
  const d = utcDate(ms);
  const target = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(target / 12);
  const month = ((target % 12) + 12) % 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month + 1));
  const timeOfDay = ms - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return Date.UTC(year, month, day) + timeOfDay;
}

/** make_datetime(year, month, day[, hour, minute, second]): null when a field is out of range. */
function makeDatetime(args: unknown[], types: readonly KustoType[]): number | null {
  requireArgs("make_datetime", args, 3, 7);
  const [y, mo, d, h, mi] = [0, 1, 2, 3, 4].map((i) => (i < args.length ? intArg(args, types, i) : 0));
  const second = args.length > 5 ? toRealValue(args[5], typeAt(types, 5)) : 0;
  if ([y, mo, d, h, mi, second].some((v) => v === null)) return null;
  const whole = Math.floor(second!);
  const ms = fromParts({ year: y!, month: mo!, day: d!, hour: String(h), minute: String(mi), second: String(whole) });
  return ms === null ? null : ms + (second! - whole) * MS_PER_SECOND;
}

/** The specifiers format_datetime accepts and the run lengths each allows (format-datetime-function). */
const FORMAT_RUNS: Record<string, readonly number[]> = {
  d: [1, 2],
  f: [1, 2, 3, 4, 5, 6, 7],
  F: [1, 2, 3, 4, 5, 6, 7],
  h: [1, 2],
  H: [1, 2],
  m: [1, 2],
  M: [1, 2],
  s: [1, 2],
  y: [1, 2, 4],
  t: [2],
};
const FORMAT_DELIMITERS = new Set([" ", "/", "-", ":", ",", ".", "_", "[", "]"]);

/**
 * format_datetime(date, format) for the documented specifiers and delimiters. Anything else is
 * refused rather than guessed, so a query using it fails loudly.
 */
function formatDatetimeWith(args: unknown[], types: readonly KustoType[]): string {
  requireArgs("format_datetime", args, 2, 2);
  const format = textArg(args, types, 1);
  const tokens = tokenizeFormat(format);
  if (isNull(args[0])) return "";
  const ms = args[0] as number;
  const d = utcDate(ms);
  const fraction7 = splitTicks(ms).fraction7;
  let out = "";
  for (const token of tokens) out = appendFormatted(out, token, d, fraction7);
  return out;
}

function tokenizeFormat(format: string): string[] {
  const tokens: string[] = [];
  for (let i = 0; i < format.length; ) {
    const c = format[i]!;
    if (FORMAT_DELIMITERS.has(c)) {
      tokens.push(c);
      i++;
      continue;
    }
    let j = i;
    while (format[j] === c) j++;
    const run = j - i;
    if (!FORMAT_RUNS[c]?.includes(run)) {
      throw new KqlError(
        "UnsupportedError",
        `format_datetime(): format element '${c.repeat(run)}' is not supported`,
        undefined,
        `format_datetime format '${format}'`,
      );
    }
    tokens.push(c.repeat(run));
    i = j;
  }
  return tokens;
}

function appendFormatted(out: string, token: string, d: Date, fraction7: string): string {
  const c = token[0]!;
  const n = token.length;
  const two = (v: number) => (n === 2 ? pad(v, 2) : String(v));
  switch (c) {
    case "d":
      return out + two(d.getUTCDate());
    case "M":
      return out + two(d.getUTCMonth() + 1);
    case "H":
      return out + two(d.getUTCHours());
    case "h":
      return out + two(d.getUTCHours() % 12 || 12);
    case "m":
      return out + two(d.getUTCMinutes());
    case "s":
      return out + two(d.getUTCSeconds());
    case "y":
      return out + (n === 4 ? pad(d.getUTCFullYear(), 4) : two(d.getUTCFullYear() % 100));
    case "t":
      return out + (d.getUTCHours() < 12 ? "AM" : "PM");
    case "f":
      return out + fraction7.slice(0, n);
    case "F": {
      // "If non-zero": trailing zeros go, and with them a '.' that would be left dangling (.NET).
      const digits = fraction7.slice(0, n).replace(/0+$/, "");
      if (digits === "" && out.endsWith(".")) return out.slice(0, -1);
      return out + digits;
    }
    default:
      return out + token;
  }
}

// ---------------------------------------------------------------------------------------------
// Dynamic values.
// ---------------------------------------------------------------------------------------------

/** bag_pack(key1, value1, ...): a property bag of the values in their dynamic form (pack-function). */
function bagPack(args: unknown[], types: readonly KustoType[]): Record<string, unknown> {
  if (args.length % 2 !== 0) {
    throw new KqlError("SemanticError", "bag_pack(): the keys and values must alternate (an even count)");
  }
  const bag: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i += 2) bag[textArg(args, types, i)] = toDynamic(args[i + 1], typeAt(types, i + 1));
  return bag;
}

/** pack_array(v1, ...): a dynamic array of the values in their dynamic form (pack-array-function). */
function packArray(args: unknown[], types: readonly KustoType[]): unknown[] {
  requireArgs("pack_array", args, 1);
  return args.map((v, i) => toDynamic(v, typeAt(types, i)));
}

/** array_length(): "the number of elements in array, or null if array isn't an array". */
function arrayLength(args: unknown[]): number | null {
  requireArgs("array_length", args, 1, 1);
  return Array.isArray(args[0]) ? args[0].length : null;
}

const isBag = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** bag_keys(): the root keys of a property bag; null for anything else (bag-keys-function). */
function bagKeys(args: unknown[]): string[] | null {
  requireArgs("bag_keys", args, 1, 1);
  return isBag(args[0]) ? Object.keys(args[0]) : null;
}

// ---------------------------------------------------------------------------------------------
// The table.
// ---------------------------------------------------------------------------------------------

/** A one-argument conversion function. */
function conversion(name: string, convert: (v: unknown, t: KustoType) => unknown): ScalarFunction {
  return (args, types) => {
    requireArgs(name, args, 1, 1);
    return convert(args[0], typeAt(types, 0));
  };
}

/** A one-argument function over the argument's text. */
function onText(name: string, f: (s: string) => unknown): ScalarFunction {
  return (args, types) => {
    requireArgs(name, args, 1, 1);
    return f(textArg(args, types, 0));
  };
}

const parseJson = conversion("parse_json", parseJsonValue);
const toBool = conversion("tobool", toBoolValue);
const toReal = conversion("toreal", toRealValue);
const binFunction: ScalarFunction = (args, types) => bin(args, types);
const iffFunction: ScalarFunction = (args) => iff(args);

export const SCALAR_FUNCTIONS: ReadonlyMap<string, ScalarFunction> = new Map<string, ScalarFunction>([
  // Conversions (tostring-function, toint-function, tolong-function, toreal-function, ...).
  ["tostring", conversion("tostring", tostringOf)],
  ["toint", conversion("toint", toIntValue)],
  ["tolong", conversion("tolong", toLongValue)],
  ["toreal", toReal],
  ["todouble", toReal],
  ["todecimal", toReal],
  ["tobool", toBool],
  ["toboolean", toBool],
  // totime() is totimespan's deprecated alias (totimespan-function).
  ["todatetime", conversion("todatetime", toDatetimeValue)],
  ["totimespan", conversion("totimespan", toTimespanValue)],
  ["totime", conversion("totime", toTimespanValue)],
  ["toguid", conversion("toguid", toGuidValue)],
  // parse_json's deprecated aliases: parsejson(), toobject(), todynamic() (parse-json-function).
  ["parse_json", parseJson],
  ["parsejson", parseJson],
  ["todynamic", parseJson],
  ["toobject", parseJson],
  // Strings.
  ["tolower", onText("tolower", (s) => s.toLowerCase())],
  ["toupper", onText("toupper", (s) => s.toUpperCase())],
  ["strlen", onText("strlen", (s) => codePoints(s).length)],
  [
    "strcat",
    (args, types) => (requireArgs("strcat", args, 1, 64), args.map((_, i) => textArg(args, types, i)).join("")),
  ],
  [
    "strcat_delim",
    (args, types) => (
      requireArgs("strcat_delim", args, 3, 65),
      args
        .slice(1)
        .map((_, i) => textArg(args, types, i + 1))
        .join(textArg(args, types, 0))
    ),
  ],
  ["substring", (args, types) => substring(args, types)],
  ["split", (args, types) => split(args, types)],
  ["replace_string", (args, types) => replaceString(args, types)],
  ["replace_regex", (args, types) => replaceRegex(args, types)],
  ["indexof", (args, types) => indexof(args, types)],
  ["extract", (args, types, resultType) => extract(args, types, resultType)],
  ["trim", trimWith("both")],
  ["trim_start", trimWith("start")],
  ["trim_end", trimWith("end")],
  // Null, empty and conditionals.
  ["isempty", (args) => (requireArgs("isempty", args, 1, 1), isEmptyValue(args[0]))],
  ["isnotempty", (args) => (requireArgs("isnotempty", args, 1, 1), !isEmptyValue(args[0]))],
  ["isnull", (args, types) => (requireArgs("isnull", args, 1, 1), isNullValue(args[0], typeAt(types, 0)))],
  ["isnotnull", (args, types) => (requireArgs("isnotnull", args, 1, 1), !isNullValue(args[0], typeAt(types, 0)))],
  ["coalesce", (args, types, resultType) => coalesce(args, types, resultType)],
  ["iff", iffFunction],
  ["iif", iffFunction],
  ["case", (args) => caseFunction(args)],
  ["not", (args, types) => not(args, types)],
  ["min_of", extremeOf("min_of", -1)],
  ["max_of", extremeOf("max_of", 1)],
  // Numbers and time ("The bin() and floor() functions are equivalent", bin-function).
  ["bin", binFunction],
  ["floor", binFunction],
  ["bin_at", (args) => binAt(args)],
  ["round", (args, types) => round(args, types)],
  ["abs", (args) => abs(args)],
  ["startofday", startOf("day")],
  ["startofweek", startOf("week")],
  ["startofmonth", startOf("month")],
  ["startofyear", startOf("year")],
  ["datetime_add", (args, types) => datetimeAdd(args, types)],
  ["make_datetime", (args, types) => makeDatetime(args, types)],
  ["format_datetime", (args, types) => formatDatetimeWith(args, types)],
  // Dynamic values (pack-function: bag_pack's deprecated aliases are pack() and pack_dictionary()).
  ["bag_pack", (args, types) => bagPack(args, types)],
  ["pack", (args, types) => bagPack(args, types)],
  ["pack_dictionary", (args, types) => bagPack(args, types)],
  ["pack_array", (args, types) => packArray(args, types)],
  ["array_length", (args) => arrayLength(args)],
  ["bag_keys", (args) => bagKeys(args)],
]);
