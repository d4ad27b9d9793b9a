import type { InvocationContext } from "@azure/functions";
import { escapeControls } from "./control-characters.js";

/**
 * Values that grant access wherever they appear in a connection string or URL: a storage account
 * key, a SAS signature, a function key given as `?code=`. Error messages from clients can carry
 * them; a log line or an answer never repeats them.
 */
const SECRET_ASSIGNMENT = /\b(AccountKey|SharedAccessKey|SharedAccessSignature|sig|code)=[^;&\s"'<>]+/gi;

/** Replaces each secret value above with `<redacted>`, keeping the name so the line still says what it was. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_ASSIGNMENT, "$1=<redacted>");
}

/**
 * Text as a log line may carry it: control characters written out (a newline in a name cannot start
 * a forged line), secret values redacted, and at most `max` characters. For any text a client sent.
 */
export function forLog(text: string, max = 4_000): string {
  const clean = redactSecrets(escapeControls(text));
  return clean.length > max ? `${clean.slice(0, max)}… (${clean.length - max} more characters)` : clean;
}

type LogMethod = "log" | "trace" | "debug" | "info" | "warn" | "error";
const LOG_METHODS: readonly LogMethod[] = ["log", "trace", "debug", "info", "warn", "error"];

/**
 * The invocation's context with every string it logs passed through `forLog`: what a handler logs
 * about a request cannot break the log into lines or leak a key, whatever the request held.
 */
export function withSafeLogs(context: InvocationContext): InvocationContext {
  const safe = Object.create(context) as InvocationContext;
  for (const method of LOG_METHODS) {
    safe[method] = (...args: unknown[]) => context[method](...args.map((a) => (typeof a === "string" ? forLog(a) : a)));
  }
  return safe;
}
