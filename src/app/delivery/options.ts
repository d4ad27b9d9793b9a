import { MINUTE_MS } from "../../core/common/duration.js";

/** How the delivery step retries within one tick; tests shorten the waits. */
export interface DeliveryOptions {
  /** Tries per notice within one tick; later ones wait for the backoff across ticks. */
  attemptsPerTick: number;
  /** The first in-tick wait; doubled each time, or the receiver's Retry-After if it is longer. */
  retryDelayMs: number;
  /** The whole delivery step's share of the tick: no send starts that could end after it. */
  budgetMs: number;
  sleep: (ms: number) => Promise<void>;
  /**
   * A monotonic reading in milliseconds, for the budget and for dating claims within a tick;
   * `performance.now()` when absent. A test passes one that its `sleep` moves, so it never waits.
   */
  monotonicMs?: () => number;
}

/** The options' monotonic reading, or `performance.now()` when they bring no time source. */
export function readMonotonic(o: Pick<DeliveryOptions, "monotonicMs"> | undefined): number {
  return o?.monotonicMs ? o.monotonicMs() : performance.now();
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  attemptsPerTick: 3,
  retryDelayMs: 1_000,
  budgetMs: MINUTE_MS,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};
