import type { KustoType } from "./types.js";

/**
 * Conversions between the evaluator's value forms (types.ts) and JSON: the form records are written
 * in (scenario files, exports) and the form the query API answers in.
 */

/** A value that does not fit its column's type. */
export class ValueError extends Error {
  override readonly name = "ValueError";
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds of a Kusto timespan text: "[-][d.]hh:mm:ss[.fffffff]", or an ISO 8601 duration. */
export function parseTimespan(text: string): number | undefined {
  const m = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(text);
  if (m) {
    const [, neg, d = "0", h, min, s, frac = "0"] = m;
    const ms =
      ((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000 + Number(s) * 1000 + Number(`0.${frac}`) * 1000;
    return neg ? -ms : ms;
  }
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (iso && text !== "P" && !text.endsWith("T")) {
    const [, d = "0", h = "0", min = "0", s = "0"] = iso;
    return ((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000 + Number(s) * 1000;
  }
  return undefined;
}

/** Kusto's text for a timespan: "[-][d.]hh:mm:ss[.fffffff]". */
export function formatTimespan(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const frac = Math.round((rest - s * 1000) * 10_000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${sign}${days ? `${days}.` : ""}${two(h)}:${two(m)}:${two(s)}${frac ? `.${String(frac).padStart(7, "0")}` : ""}`;
}

/** A JSON value (a record's cell, an exported cell) as a value of `type`; throws ValueError if it cannot be one. */
export function fromJson(type: KustoType, v: unknown): unknown {
  if (v === undefined || v === null) return type === "string" ? "" : null;
  switch (type) {
    case "string":
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "boolean") return String(v);
      throw new ValueError(`expected a string, got ${describe(v)}`);
    case "int":
    case "long":
    case "real":
    case "decimal": {
      const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
      if (typeof n !== "number" || Number.isNaN(n)) throw new ValueError(`expected a number, got ${describe(v)}`);
      if ((type === "int" || type === "long") && !Number.isInteger(n))
        throw new ValueError(`expected a whole number, got ${describe(v)}`);
      return n;
    }
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "True" || v === 1) return true;
      if (v === "false" || v === "False" || v === 0) return false;
      throw new ValueError(`expected true or false, got ${describe(v)}`);
    case "datetime": {
      if (typeof v !== "string" || !ISO.test(v))
        throw new ValueError(`expected an ISO 8601 date-time such as 2026-03-04T01:00:00Z, got ${describe(v)}`);
      const ms = Date.parse(/[Zz]|[+-]\d{2}:?\d{2}$/.test(v) || !v.includes("T") ? v : `${v}Z`);
      if (Number.isNaN(ms)) throw new ValueError(`expected a valid date-time, got ${describe(v)}`);
      return ms;
    }
    case "timespan": {
      if (typeof v === "number") return v;
      const ms = typeof v === "string" ? parseTimespan(v) : undefined;
      if (ms === undefined) throw new ValueError(`expected a timespan such as 00:05:00, got ${describe(v)}`);
      return ms;
    }
    case "guid":
      if (typeof v !== "string" || !/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v))
        throw new ValueError(`expected a GUID, got ${describe(v)}`);
      return v.toLowerCase();
    case "dynamic":
      // The query API and portal exports carry dynamic values as JSON text; records may hold objects.
      if (typeof v === "string") {
        const t = v.trim();
        if (t.startsWith("{") || t.startsWith("[")) {
          try {
            return JSON.parse(t) as unknown;
          } catch {
            throw new ValueError(`expected JSON text for a dynamic value, got ${describe(v)}`);
          }
        }
      }
      return v;
  }
}

/** A value as the query API's JSON answer carries it: datetimes as ISO text, dynamic as JSON text. */
export function toWire(type: KustoType, v: unknown): unknown {
  if (v === null || v === undefined) return type === "string" ? "" : null;
  switch (type) {
    case "datetime":
      return new Date(v as number).toISOString();
    case "timespan":
      return formatTimespan(v as number);
    case "dynamic":
      return JSON.stringify(v);
    default:
      return v;
  }
}

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
