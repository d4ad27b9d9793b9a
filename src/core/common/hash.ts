/**
 * A 64-bit FNV-1a digest as 16 hex digits: stable IDs and table keys from text. Two 32-bit passes
 * with different offsets give 64 bits without BigInt arithmetic. Not for secrets.
 */
export function digest64(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}
