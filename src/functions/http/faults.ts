import type { HttpResponseInit, InvocationContext } from "@azure/functions";
import { NO_STORE } from "./headers.js";
import { forLog } from "./log-line.js";

/**
 * What a throw out of a handler answers. The rule every endpoint keeps:
 *
 * - a bad request never reaches here: every input the API refuses gets a 4xx (400, 404, 405, 409,
 *   413, 415) from the checks before the handler's work;
 * - a dependency that failed (the table store, the network) answers 503 "unavailable" with a
 *   one-line reason: the request may succeed when it is back;
 * - JavaScript's own faults (TypeError, RangeError, ReferenceError, SyntaxError, URIError,
 *   EvalError) are defects of this app, not of its dependencies: 500 "internal error", naming the
 *   invocation whose log line holds the message, never the message itself.
 *
 * Neither answer carries a stack trace or a secret, and both are a few hundred bytes at most.
 */
export function faultAnswer(name: string, error: unknown, context: InvocationContext): HttpResponseInit {
  if (isDefect(error)) {
    const frame = error.stack
      ?.split("\n")
      .find((l) => l.trim().startsWith("at "))
      ?.trim();
    context.error(`${name}: internal error: ${error.name}: ${oneLine(error)}${frame ? ` (${frame})` : ""}`);
    return {
      status: 500,
      headers: NO_STORE,
      jsonBody: {
        error: "internal error",
        reason: `vaultwatch failed on this request; the log of invocation ${context.invocationId} says where`,
      },
    };
  }
  const reason = `the state store could not be read or written: ${oneLine(error)}`;
  context.error(`${name}: ${reason}`);
  return { status: 503, headers: NO_STORE, jsonBody: { error: "unavailable", reason } };
}

const DEFECTS = [TypeError, RangeError, ReferenceError, SyntaxError, URIError, EvalError];

function isDefect(error: unknown): error is Error {
  return DEFECTS.some((kind) => error instanceof kind);
}

/** A thrown error in one line, for a 503 body and the log: no stack, no secret, about 300 characters at most. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return forLog(text.split("\n")[0] ?? "", 300);
}
