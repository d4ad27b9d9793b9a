import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { retryDelayMs, type HttpFailure } from "../core/common/http-failure.js";
import { failureOfError, failureOfResponse, type HeaderBag } from "./http-failure.js";

/**
 * Waits `ms`, or rejects with an AbortError as soon as `signal` aborts. Adapters take one so that
 * a test can record the waits instead of sitting through them.
 */
export type Sleep = (ms: number, signal?: AbortSignalLike | undefined) => Promise<void>;

/** The part of an AbortSignal a wait needs; ms-rest-js declares its own, structurally the same. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

function aborted(): Error {
  return Object.assign(new Error("aborted while waiting to retry"), { name: "AbortError" });
}

/** The real clock. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The longest wait a retry may take; a longer Retry-After ends the call as it is. */
  maxWaitMs: number;
  sleep: Sleep;
}

/**
 * Sends, and sends again while the failure is worth retrying (the shared rules of
 * core/common/http-failure.ts): after the service's Retry-After, else after 1 s, 2 s, 4 s.
 * Returns the last answer, or throws the last error, when it gives up.
 */
export async function sendWithRetries<R extends { status: number; headers: HeaderBag }>(
  send: () => Promise<R>,
  o: RetryOptions & { signal?: AbortSignalLike | undefined },
): Promise<R> {
  for (let retry = 0; ; retry++) {
    let response: R | undefined;
    let error: unknown;
    let failure: HttpFailure | undefined;
    try {
      response = await send();
      if (response.status < 400) return response;
      failure = failureOfResponse(response.status, response.headers);
    } catch (e) {
      error = e;
      failure = failureOfError(e);
    }
    const wait = failure && !o.signal?.aborted ? retryDelayMs(failure, retry, o) : undefined;
    if (wait === undefined) {
      if (response) return response;
      throw error;
    }
    await o.sleep(wait, o.signal);
  }
}

/**
 * The same retries as a core-rest-pipeline policy, for clients whose own retry policy is set to
 * `maxRetries: 0`. Placed "perRetry" (after signing, before the traffic log), it sees raw answers
 * and every attempt goes through the policies after it.
 */
export function retryPolicy(o: RetryOptions): PipelinePolicy {
  return {
    name: "vaultwatchRetry",
    sendRequest: (request, next) =>
      sendWithRetries(() => next(request), { ...o, ...(request.abortSignal ? { signal: request.abortSignal } : {}) }),
  };
}
