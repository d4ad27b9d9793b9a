import type { FailureReason } from "../model/index.js";

/** Across ticks: 1, 2, 4 … minutes, capped at 30 (six 5-minute ticks: a fixed webhook is retried soon). */
const CAP_MS = 30 * 60_000;

/** A receiver's Retry-After is honoured past the cap, but a day at most: a bogus one must not park a page. */
const RETRY_AFTER_LIMIT_MS = 24 * 60 * 60_000;

/** Whether trying again soon can help: the receiver was busy, down or unreachable. */
export function isRetryable(reason: FailureReason): boolean {
  return reason !== "client";
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
  const exponential = Math.min(CAP_MS, 60_000 * 2 ** Math.max(0, attempts - 1));
  return Math.max(exponential, Math.min(RETRY_AFTER_LIMIT_MS, retryAfterMs ?? 0));
}
