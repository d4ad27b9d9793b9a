import type { HttpFailure } from "../common/http-failure.js";
import type { FailureReason } from "../model/index.js";
import { DAY_MS, MINUTE_MS } from "../common/duration.js";

/** Across ticks: 1, 2, 4 … minutes, capped at 30 (six 5-minute ticks: a fixed webhook is retried soon). */
const CAP_MS = 30 * MINUTE_MS;

/** A receiver's Retry-After is honoured past the cap, but a day at most: a bogus one must not park a page. */
const RETRY_AFTER_LIMIT_MS = DAY_MS;

/** Whether trying again soon can help: the receiver was busy, down or unreachable. */
export function isRetryable(reason: FailureReason): boolean {
  return reason !== "client";
}

/**
 * A channel's failure reason from the shared HTTP classification: whatever is not worth retrying
 * soon (a 4xx other than 408 and 429, a 501 or 505) is `client`, so that `isRetryable` of the
 * reason agrees with the classification's `retryable`.
 */
export function deliveryFailureReason(failure: HttpFailure): FailureReason {
  if (!failure.retryable) return "client";
  switch (failure.reason) {
    case "throttled":
    case "timeout":
    case "network":
      return failure.reason;
    default:
      return "server";
  }
}

/**
 * When to try a failed notice again. Transient failures back off exponentially from one minute,
 * or wait for the receiver's Retry-After when it asks for longer, even past the cap: trying
 * earlier only earns another refusal and can prolong the throttling. A client error (a rejected
 * request: bad configuration) is never dropped either; it is retried at the cap, so fixing the
 * configuration is enough to deliver it.
 */
export function backoffMs(attempts: number, reason: FailureReason, retryAfterMs: number | undefined): number {
  if (!isRetryable(reason)) return CAP_MS;
  const exponential = Math.min(CAP_MS, MINUTE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.max(exponential, Math.min(RETRY_AFTER_LIMIT_MS, retryAfterMs ?? 0));
}
