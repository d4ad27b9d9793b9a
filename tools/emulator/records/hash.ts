/**
 * Deterministic "randomness" for the emulator: every id, address and delay is a function of its
 * inputs through a small hash, so the same scenario always yields the same records (no
 * Math.random, no clock). FNV-1a folds text into 32 bits; murmur3's finaliser (fmix32) spreads
 * the bits so that neighbouring inputs (seq 1, 2, 3 …) give unrelated outputs.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of a string, 32 bits unsigned. */
export function fnv1a(text: string, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: an avalanche over all bits. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds numbers into a hash: each is split into its low and high 32 bits (times exceed 2^32). */
export function mixNumbers(seed: number, ...values: number[]): number {
  let h = seed >>> 0;
  for (const v of values) {
    const lo = v % 0x1_0000_0000;
    const hi = Math.floor(v / 0x1_0000_0000);
    h = mix32(h ^ (lo >>> 0));
    h = mix32(h ^ (hi >>> 0) ^ 0x9e3779b9);
  }
  return h;
}

/** A hash of any parts, 32 bits unsigned. */
export function hashOf(...parts: readonly (string | number)[]): number {
  return mix32(fnv1a(parts.join("\u0001")));
}

/** A number in [0, 1) determined by the parts. */
export function unitOf(...parts: readonly (string | number)[]): number {
  return hashOf(...parts) / 0x1_0000_0000;
}

/** An integer in [min, max] determined by the parts. */
export function intOf(min: number, max: number, ...parts: readonly (string | number)[]): number {
  return min + Math.floor(unitOf(...parts) * (max - min + 1));
}

/** `length` lower-case hex digits determined by the parts. */
export function hexOf(length: number, ...parts: readonly (string | number)[]): string {
  let out = "";
  for (let block = 0; out.length < length; block++)
    out += hashOf(...parts, block)
      .toString(16)
      .padStart(8, "0");
  return out.slice(0, length);
}

/** A GUID (lower case, version-4 layout) determined by the parts. */
export function guidOf(...parts: readonly (string | number)[]): string {
  const h = hexOf(32, ...parts);
  const variant = "89ab"[Number.parseInt(h[16]!, 16) & 3];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A public IPv4 address in ranges Azure allocates from (20.x, 40.x, 52.x), determined by the parts. */
export function azureIpOf(...parts: readonly (string | number)[]): string {
  const h = hashOf("ip", ...parts);
  const first = [20, 40, 52][h % 3];
  return `${first}.${(h >>> 8) & 0xff}.${(h >>> 16) & 0xff}.${1 + ((h >>> 24) % 254)}`;
}
