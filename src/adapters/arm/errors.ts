import type { HttpFailure } from "../../core/common/http-failure.js";
import type { ArmFailure } from "../../core/controlplane/ports.js";
import { failureOfError, isCredentialError } from "../http-failure.js";
import { wholeSeconds } from "./traffic.js";

/**
 * Turns whatever an ARM call threw into our own failure union, through the shared HTTP
 * classification. Works on shape, not class: the core clients throw core-rest-pipeline's
 * RestError, the Resource Graph client (ms-rest-js) its own RestError, and credentials their own
 * errors. Messages keep ARM's text, which never holds a token; the caller scrubs before logging
 * anyway.
 */
export function classifyArmError(error: unknown, scope: string): ArmFailure {
  if (error instanceof MalformedAnswerError) return { kind: "malformed", message: error.message };
  const e = (error ?? {}) as { message?: string; statusCode?: number; code?: string };
  const message = typeof e.message === "string" ? e.message : String(error);
  if (isCredentialError(error))
    return { kind: "credential", message: `the monitor could not get an ARM token: ${message.split("\n")[0]}`, error };
  const failure = failureOfError(error);
  if (failure?.status !== undefined) return fromStatus(failure, e.code, message, scope);
  if (failure?.reason === "timeout") return { kind: "timeout", message: `no answer in time (${message})` };
  if (failure?.reason === "network") return { kind: "unavailable", status: undefined, message };
  return { kind: "unexpected", status: e.statusCode, message };
}

/**
 * Thrown inside an ARM read when a 200's body is not what the operation returns: the SDKs map
 * whatever came back (`{}` lists no role assignments at all), so the adapter checks the raw body.
 */
export class MalformedAnswerError extends Error {
  override name = "MalformedAnswerError";
}

/** The same classification for an answer that did not throw (a raw pipeline response). */
export function fromStatus(failure: HttpFailure, code: string | undefined, message: string, scope: string): ArmFailure {
  const coded = code ? `${code}: ${message}` : message;
  switch (failure.reason) {
    case "forbidden": {
      const m = /perform action '([^']+)' over scope '([^']+)'/i.exec(message);
      return { kind: "forbidden", scope: m?.[2] ?? scope, action: m?.[1], message: coded };
    }
    case "not-found":
      return { kind: "not-found", message: coded };
    case "throttled":
      return { kind: "throttled", retryAfterSeconds: wholeSeconds(failure.retryAfterMs), message };
    case "server":
      return { kind: "unavailable", status: failure.status, message };
    default:
      return { kind: "unexpected", status: failure.status, message: coded };
  }
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
