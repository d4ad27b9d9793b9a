/**
 * Characters that change how a line reads rather than what it says: C0 and C1 controls (line
 * breaks, tabs, terminal escapes, DEL), the Unicode line and paragraph separators, and the
 * bidirectional marks and overrides that can make a log line or a card show text in another order
 * than it was written. A name or note carrying one could forge a log line or hide what it says.
 */
const CONTROL = "\\p{Cc}\\u061C\\u200E\\u200F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069";

/** True when `text` holds none of the characters above. */
export function isFreeOfControls(text: string): boolean {
  return !new RegExp(`[${CONTROL}]`, "u").test(text);
}

const ANY_CONTROL = new RegExp(`[${CONTROL}]`, "gu");
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Each such character written out visibly (`\n`, `\u001b`), so a line stays one line and reads as sent. */
export function escapeControls(text: string): string {
  return text.replace(ANY_CONTROL, (c) => NAMED[c] ?? `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}
