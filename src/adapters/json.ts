/** Parses stored JSON; undefined for text that is not JSON (the caller reports the row as unreadable). */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
