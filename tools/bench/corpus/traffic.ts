import { sparse, volume, type DailyShape } from "./shared.js";
import type { KvCounts } from "./timeline.js";

/** How one caller uses one vault when nothing is wrong. */
export interface Caller {
  /** Jitter key: the same key gives the same counts in every scenario. */
  key: string;
  /**
   * Requests per 5-minute bin at the busiest hour of a weekday. The corpus' busy apps read 100-250
   * per bin at their peak; apps that cache their secrets 25-70 (cache refreshes and cold starts).
   */
  peak: number;
  shape: DailyShape;
  /**
   * 404s per bin on average: secrets that do not exist (yet), which apps probe for. Not an access
   * problem; the query counts them as `other`.
   */
  notFound?: number;
}

/** The requests a caller makes in bin `t`. */
export function requests(c: Caller, t: number): number {
  return volume(c.key, t, c.peak, c.shape);
}

/** A healthy bin: everything answered, a few 404s. */
export function healthy(c: Caller, t: number): KvCounts {
  return { succeeded: requests(c, t), other: c.notFound ? sparse(`${c.key}/404`, t, c.notFound) : 0 };
}

/**
 * Splits `n` requests when a `share` of them fail: failed calls are retried by the app (a queue
 * message redelivered, a job re-run), so they are counted `retries` times over.
 */
export function split(n: number, share: number, retries = 1): { ok: number; failed: number } {
  const failing = Math.round(n * share);
  return { ok: n - failing, failed: Math.round(failing * retries) };
}
