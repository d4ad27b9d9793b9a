import type { HttpFailure } from "../common/http-failure.js";
import type { FailureReason } from "../model/index.js";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../common/duration.js";

/** Across ticks: 1, 2, 4 … minutes, capped at 30 (six 5-minute ticks: a fixed webhook is retried soon). */
const CAP_MS = 30 * MINUTE_MS;

/** A receiver's Retry-After is honoured past the cap, but a day at most: a bogus one must not park a page. */
const RETRY_AFTER_LIMIT_MS = DAY_MS;

/**
 * Tries of one notice a receiver rejects (a client error) at the 30-minute cap before it is
 * parked: 8 tries span 3.5 hours, long enough for someone to fix a webhook the same working
 * morning, short of the 4-hour repeat of a page (notify-policy.ts), so a rejecting channel costs
 * one request per parked notice per probe rather than 48 a day each.
 */
export const CLIENT_TRIES = 8;

/** A parked notice is probed this often, so that fixing the configuration still delivers it. */
export const PARK_MS = 6 * HOUR_MS;

/**
 * A channel whose notice failed with a client error on this many tries (the first and the one
 * 30 minutes later) rejects notices: one refusal may be a malformed notice, two in a row across
 * half an hour is the configuration (docs/adr/0027-outbox-table.md).
 */
export const REJECTING_AFTER = 2;

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
 * request: bad configuration) is never dropped either: it is retried at the cap for
 * `CLIENT_TRIES` tries, then parked and probed every `PARK_MS`, so fixing the configuration is
 * enough to deliver it.
 */
export function backoffMs(attempts: number, reason: FailureReason, retryAfterMs: number | undefined): number {
  if (!isRetryable(reason)) return attempts >= CLIENT_TRIES ? PARK_MS : CAP_MS;
  const exponential = Math.min(CAP_MS, MINUTE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.max(exponential, Math.min(RETRY_AFTER_LIMIT_MS, retryAfterMs ?? 0));
}

/** Parked: a notice a receiver rejected on every one of its `CLIENT_TRIES` tries. */
export function isParked(p: { lastReason?: FailureReason | undefined; attempts: number }): boolean {
  return p.lastReason === "client" && p.attempts >= CLIENT_TRIES;
}
