/**
 * Date-times as exports write them, to ISO 8601 (UTC, milliseconds): the query API and the Azure
 * CLI write ISO 8601 (`2026-03-04T01:03:12.3456789Z`); the Azure portal's "Export to CSV" writes
 * what its grid shows, in the display language's format, under a header such as
 * `TimeGenerated [UTC]`: `3/4/2026, 1:03:12.345 AM` in English (United States), and
 * `2026/03/04 1:03:12.345` in Japanese (MicrosoftDocs/azure-docs#66181 reports the switch
 * from ISO to the grid's format). Formats where day and month cannot be told apart (`04/03/2026,
 * 01:03:12` in English (United Kingdom)) are refused rather than guessed.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
/** English (United States): month/day/year, a 12-hour clock. */
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*([AP])\.?M\.?$/i;
/** Year first (Japanese, Chinese, Korean, Swedish grids): year/month/day, a 24-hour clock. */
const YEAR_FIRST = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;

/** The examples an error message offers. */
export const TIME_EXAMPLES = "2026-03-04T01:03:12.345Z or 3/4/2026, 1:03:12.345 AM";

/** ISO 8601 in UTC for an exported date-time, or undefined when it is in none of the formats above. */
export function exportedTime(text: string): string | undefined {
  const s = text.trim();
  let m = ISO.exec(s);
  if (m) {
    const [, y, mo, d, h = "0", mi = "0", sec = "0", frac, zone] = m;
    const base = utc(+y!, +mo!, +d!, +h, +mi, +sec, frac);
    if (base === undefined) return undefined;
    return new Date(base - offsetMs(zone)).toISOString();
  }
  m = US.exec(s);
  if (m) {
    const [, mo, d, y, h, mi, sec = "0", frac, half] = m;
    const hour = +h!;
    if (hour < 1 || hour > 12) return undefined;
    const h24 = (hour % 12) + (half!.toUpperCase() === "P" ? 12 : 0);
    return iso(utc(+y!, +mo!, +d!, h24, +mi!, +sec, frac));
  }
  m = YEAR_FIRST.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec = "0", frac] = m;
    return iso(utc(+y!, +mo!, +d!, +h!, +mi!, +sec, frac));
  }
  return undefined;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Epoch ms of a UTC wall-clock time; undefined when a field is out of range (Feb 30, 25:00). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, frac?: string): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  // Kusto keeps 100 ns ticks; the store keeps milliseconds (tools/kusto/types.ts).
  const ms = frac ? Number(frac.padEnd(3, "0").slice(0, 3)) : 0;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(t).getUTCDate() !== d) return undefined;
  return t;
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === "Z") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  return (m[1] === "-" ? -1 : 1) * (+m[2]! * 60 + +m[3]!) * 60_000;
}
