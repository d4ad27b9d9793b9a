import type { ArmFailure } from "../../core/controlplane/ports.js";
import { RETRY_AFTER_KEPT } from "./traffic.js";

/**
 * Turns whatever an ARM call threw into our own failure union. Works on shape, not class: the
 * core clients throw core-rest-pipeline's RestError, the Resource Graph client (ms-rest-js) its
 * own RestError, and credentials their own errors. Messages keep ARM's text, which never holds a
 * token; the caller scrubs before logging anyway.
 */
export function classifyArmError(error: unknown, scope: string): ArmFailure {
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    statusCode?: number;
    code?: string;
    response?: { headers?: { get(name: string): string | undefined } };
  };
  const message = typeof e.message === "string" ? e.message : String(error);
  if (e.name === "AbortError" || e.name === "TimeoutError")
    return { kind: "timeout", message: `no answer in time (${message})` };
  if (
    e.name === "CredentialUnavailableError" ||
    e.name === "AuthenticationError" ||
    e.name === "AggregateAuthenticationError"
  ) {
    return { kind: "credential", message: `the monitor could not get an ARM token: ${message.split("\n")[0]}`, error };
  }
  if (typeof e.statusCode === "number")
    return fromStatus(e.statusCode, e.code, message, scope, retryAfter(e.response?.headers));
  if (
    e.name === "RestError" ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|socket hang up|REQUEST_SEND_ERROR/i.test(`${e.code ?? ""} ${message}`)
  ) {
    return { kind: "unavailable", status: undefined, message };
  }
  return { kind: "unexpected", status: undefined, message };
}

/** The same classification for an answer that did not throw (a raw pipeline response). */
export function fromStatus(
  status: number,
  code: string | undefined,
  message: string,
  scope: string,
  retryAfterSeconds: number | undefined,
): ArmFailure {
  if (status === 403) {
    const m = /perform action '([^']+)' over scope '([^']+)'/i.exec(message);
    return {
      kind: "forbidden",
      scope: m?.[2] ?? scope,
      action: m?.[1],
      message: code ? `${code}: ${message}` : message,
    };
  }
  if (status === 404) return { kind: "not-found", message: code ? `${code}: ${message}` : message };
  if (status === 429) return { kind: "throttled", retryAfterSeconds, message };
  if (status >= 500) return { kind: "unavailable", status, message };
  return { kind: "unexpected", status, message: code ? `${code}: ${message}` : message };
}

/** Retry-After in seconds, from the header ARM sent (or the copy kept when it was too long to wait). */
export function retryAfter(headers: { get(name: string): string | undefined } | undefined): number | undefined {
  const raw = headers?.get(RETRY_AFTER_KEPT) ?? headers?.get("retry-after");
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, Math.round((date - Date.now()) / 1000)) : undefined;
}

/** ARM's error body, `{"error":{"code","message"}}`, or the raw text when it is not that. */
export function armErrorBody(text: string | undefined): { code: string | undefined; message: string } {
  try {
    const body = JSON.parse(text ?? "") as { error?: { code?: string; message?: string } };
    if (body.error) return { code: body.error.code, message: body.error.message ?? "" };
  } catch {
    // not JSON: fall through
  }
  return { code: undefined, message: (text ?? "").slice(0, 400) };
}
