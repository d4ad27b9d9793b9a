import type { HttpFailure } from "../common/http-failure.js";

/**
 * Why a workspace query did not give a full answer, for the core to branch on (the `problem`
 * text next to it is for people):
 * - forbidden: 403, the monitor's identity lacks Log Analytics Reader on the workspace;
 * - unauthorized: 401, or the monitor could not get a token at all;
 * - not-found: 404, the workspace (or the Application Insights resource) does not exist;
 * - throttled: 429, more than the query API allows per identity;
 * - timeout: no answer within the deadline, or 408;
 * - server: 5xx;
 * - network: no HTTP answer (DNS, a refused or reset connection);
 * - bad-query: the service refused the query itself (400, another 4xx);
 * - partial: the service answered with part of the result and an error;
 * - malformed: an answer that cannot be read (no table, rows that do not parse).
 */
export const QUERY_FAILURE_REASONS = [
  "forbidden",
  "unauthorized",
  "not-found",
  "throttled",
  "timeout",
  "server",
  "network",
  "bad-query",
  "partial",
  "malformed",
] as const;
export type QueryFailureReason = (typeof QUERY_FAILURE_REASONS)[number];

export interface QueryFailure {
  reason: QueryFailureReason;
  /** One line, the same as the signal's `problem`. */
  message: string;
  /** The HTTP status, when the service answered one. */
  status?: number | undefined;
}

/** A failed exchange with the query API, in the query's words. */
export function queryFailureOf(failure: HttpFailure, message: string): QueryFailure {
  const reason: QueryFailureReason = failure.reason === "client" ? "bad-query" : failure.reason;
  return { reason, message, ...(failure.status !== undefined ? { status: failure.status } : {}) };
}
