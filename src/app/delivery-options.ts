/** How the delivery step retries within one tick; tests shorten the waits. */
export interface DeliveryOptions {
  /** Tries per notice within one tick; later ones wait for the backoff across ticks. */
  attemptsPerTick: number;
  /** The first in-tick wait; doubled each time, or the receiver's Retry-After if it is longer. */
  retryDelayMs: number;
  /** The whole delivery step's share of the tick: no send starts that could end after it. */
  budgetMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  attemptsPerTick: 3,
  retryDelayMs: 1_000,
  budgetMs: 60_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};
