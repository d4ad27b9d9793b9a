import { classifyNoAnswer, classifyStatus, type HttpFailure } from "../core/common/http-failure.js";

/** Response headers as fetch, core-rest-pipeline and ms-rest-js each expose them. */
export interface HeaderBag {
  get(name: string): string | null | undefined;
}

/**
 * How long a service asked us to wait, in milliseconds: `retry-after-ms` and
 * `x-ms-retry-after-ms` (Azure services) first, then `Retry-After` as delta-seconds or an HTTP
 * date; the order core-rest-pipeline's throttling strategy reads them in (@typespec/ts-http-runtime
 * src/retryStrategies/throttlingRetryStrategy.ts). Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: HeaderBag | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const raw = headers.get(name);
    const v = Number(raw);
    if (raw && Number.isFinite(v) && v >= 0) return Math.round(v);
  }
  const raw = headers.get("retry-after")?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  // A date in the past means "now" (RFC 9110 §10.2.3 allows either form).
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** An answer that is not a success, classified; the Retry-After comes from its headers. */
export function failureOfResponse(status: number, headers: HeaderBag | undefined): HttpFailure {
  return classifyStatus(status, retryAfterMs(headers));
}

/**
 * What a thrown error says about the exchange, judged by shape rather than class: core-rest-pipeline
 * and ms-rest-js each throw their own RestError, fetch a TypeError whose `cause` has the socket's
 * code. Undefined when it is not about HTTP at all (a bug, an unreadable success). Ask
 * `isCredentialError` first: @azure/identity's AuthenticationError carries the token endpoint's
 * status, which says nothing about the service called.
 */
export function failureOfError(error: unknown): HttpFailure | undefined {
  const e = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    statusCode?: number;
    response?: { headers?: HeaderBag };
    cause?: { code?: string };
  };
  if (e.name === "AbortError" || e.name === "TimeoutError") return classifyNoAnswer("timeout");
  if (typeof e.statusCode === "number")
    return e.statusCode >= 400 ? classifyStatus(e.statusCode, retryAfterMs(e.response?.headers)) : undefined;
  if (e.name === "RestError" || isTransportError(e)) return classifyNoAnswer("network");
  return undefined;
}

/** A connection that failed before any answer: DNS, refused, reset, a socket closed mid-answer. */
function isTransportError(e: { name?: string; code?: string; message?: string; cause?: { code?: string } }): boolean {
  const codes = `${e.code ?? ""} ${e.cause?.code ?? ""}`;
  if (/\bE[A-Z_]+\b|\bUND_ERR_|\bREQUEST_SEND_ERROR\b/.test(codes)) return true;
  // fetch (undici) rejects with TypeError("fetch failed"); the socket's code is on its cause.
  if (e.name === "TypeError" && e.message === "fetch failed") return true;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up/i.test(e.message ?? "");
}

/** @azure/identity's errors: the monitor could not get a token at all, before any request. */
export function isCredentialError(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return (
    name === "CredentialUnavailableError" || name === "AuthenticationError" || name === "AggregateAuthenticationError"
  );
}
