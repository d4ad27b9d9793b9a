/**
 * Teams reads every TextBlock and FactSet value as Markdown (bold, italic, lists, links). Names,
 * log samples and acknowledgement notes come from outside, so they are escaped to show as typed:
 * a log line holding `[docs](https://evil.example)` must not become a link that hides its target.
 * Our own formatting (the "1. " and "- " prefixes the card adds) is added after escaping.
 */

/** The characters of the inline syntax Adaptive Cards honours: emphasis, code, link brackets, and the escape itself. */
const INLINE = /[\\`*_[\]]/g;
/** A list, heading or quote marker at the start of a value would turn the value into a block. */
const BLOCK_START = /^(\s*)(\d{1,9}(?=[.)])|[-+>#])/;
/** Line breaks would let a value start a new Markdown block mid-card; other controls render as junk. */
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]+/g;
/** JSON.stringify writes a lone surrogate as a 6-byte escape; U+FFFD keeps the byte budget honest. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** An untrusted value as one line of literal Markdown text. */
export function escapeMarkdown(text: string): string {
  const flat = wellFormed(text).replace(CONTROL, " ").replace(INLINE, "\\$&");
  return flat.replace(BLOCK_START, (_, space: string, marker: string) =>
    /^\d/.test(marker) ? `${space}${marker}\\` : `${space}\\${marker}`,
  );
}

/**
 * A command or query, meant to be copied as shown. Its own syntax uses `_` and `*` in ways Markdown
 * leaves alone (inside words), so only link brackets are escaped, and backslashes so that a
 * backslash in a name cannot cancel that escape (and `\\` in a KQL literal shows as two).
 */
export function escapeCode(text: string): string {
  return wellFormed(text).replace(/[\\[\]]/g, "\\$&");
}

function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}
