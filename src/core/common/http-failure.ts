/**
 * One classification of a failed HTTP exchange, shared by every adapter (Teams, PagerDuty, ACS
 * email, ARM, Log Analytics), so that a status means the same thing whichever service sent it.
 *
 * What is worth retrying follows the Azure SDK's default retry policy (@azure/core-rest-pipeline
 * 1.25 `defaultRetryPolicy`, which delegates to @typespec/ts-http-runtime 0.3
 * src/retryStrategies/exponentialRetryStrategy.ts and throttlingRetryStrategy.ts): 408 and every
 * 5xx except 501 (Not Implemented) and 505 (HTTP Version Not Supported) are retried. 429 is
 * retried too: the SDK retries it when a Retry-After comes with it; here with or without one,
 * since throttling passes whether or not the service said when. A request that got no answer is
 * retried: the SDK names ETIMEDOUT, ESOCKETTIMEDOUT, ECONNREFUSED, ECONNRESET, ENOENT and
 * ENOTFOUND; here any connection failure counts (EAI_AGAIN, a socket closed mid-answer), since
 * none of them says the request was wrong. Any other status is an answer about the request
 * itself: sending it again cannot help.
 */

/** What went wrong, in the words every adapter maps its own vocabulary from. */
export type HttpFailureReason =
  /** 401: the token was missing, expired or for another audience. */
  | "unauthorized"
  /** 403: the caller is authenticated but lacks a role. */
  | "forbidden"
  /** 404: the resource (or the endpoint) does not exist. */
  | "not-found"
  /** Any other 4xx: the request itself is wrong (400 a bad query or message, 413 too large...). */
  | "client"
  /** 429: too many requests. */
  | "throttled"
  /** 408, or no answer within the caller's deadline. */
  | "timeout"
  /** 5xx. */
  | "server"
  /** No HTTP answer at all: DNS, a refused or reset connection. */
  | "network";

export interface HttpFailure {
  reason: HttpFailureReason;
  /** Whether sending the same request again may succeed (the SDK's rules, above). */
  retryable: boolean;
  /** The HTTP status; undefined when there was no answer. */
  status: number | undefined;
  /** How long the service asked us to wait, in milliseconds, when it said. */
  retryAfterMs: number | undefined;
}

/** 408, 429 and every 5xx except 501 and 505. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** The reason a status gives, and whether it is worth another try. */
export function classifyStatus(status: number, retryAfterMs?: number | undefined): HttpFailure {
  const reason: HttpFailureReason =
    status === 401
      ? "unauthorized"
      : status === 403
        ? "forbidden"
        : status === 404
          ? "not-found"
          : status === 408
            ? "timeout"
            : status === 429
              ? "throttled"
              : status >= 500
                ? "server"
                : "client";
  return { reason, retryable: isRetryableStatus(status), status, retryAfterMs };
}

/** An exchange that got no answer: it ran out of time, or the connection failed. */
export function classifyNoAnswer(kind: "timeout" | "network"): HttpFailure {
  return { reason: kind, retryable: true, status: undefined, retryAfterMs: undefined };
}

/** First retry after 1 s, then 2 s, 4 s … (the SDK's default retryDelayInMs of 1000, doubled each time). */
const FIRST_RETRY_MS = 1000;
/** The SDK's default maxRetryDelayInMs. */
const LONGEST_RETRY_MS = 64_000;

/**
 * How long to wait before retry number `retry` (0 for the first) within one call, or undefined
 * when not to retry: the failure is final, the retries are spent, or the service asked for a wait
 * longer than `maxWaitMs` (better to give up as throttled and let the next tick try than to stall
 * this one). The service's Retry-After wins over the exponential delay. Unlike the SDK there is no
 * random jitter: one monitor sends few requests, and a recorded wait stays predictable.
 */
export function retryDelayMs(
  failure: HttpFailure,
  retry: number,
  o: { maxRetries: number; maxWaitMs: number },
): number | undefined {
  if (!failure.retryable || retry >= o.maxRetries) return undefined;
  const wait = failure.retryAfterMs ?? Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** retry);
  return wait <= o.maxWaitMs ? wait : undefined;
}
