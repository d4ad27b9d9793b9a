import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { DAY_MS, durationMs } from "../../core/common/duration.js";
import { formatIssues } from "../../core/common/zod-issues.js";
import { declaredTooLarge, readJsonText } from "./body.js";
import { isFreeOfControls } from "./control-characters.js";
import { faultAnswer, oneLine } from "./faults.js";
import { NO_STORE, withStandardHeaders } from "./headers.js";
import { ECHO_CHARS, PROBLEM_CHARS } from "./limits.js";
import { withSafeLogs } from "./log-line.js";
import type { Runtime } from "../../app/runtime.js";
import { SettingsError } from "../../config/settings.js";
import { type SilenceMatchers, silenceRefusals } from "../../core/notify/silence.js";
import type { RuleId, Severity } from "../../core/model/index.js";

export { NO_STORE } from "./headers.js";
export { forLog } from "./log-line.js";
export { oneLine } from "./faults.js";

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: HttpResponseInit };

// ---- validation errors -------------------------------------------------------------------------

/** 400 naming each problem; a line is cut at PROBLEM_CHARS, and callers list at most ten (formatIssues). */
export function badRequest(problems: string[]): HttpResponseInit {
  const lines = problems.map((p) => (p.length > PROBLEM_CHARS ? `${p.slice(0, PROBLEM_CHARS)}…` : p));
  return { status: 400, headers: NO_STORE, jsonBody: { error: "invalid request", problems: lines } };
}

/** A zod failure as a 400 naming each field and what was expected. */
export function invalid(error: z.ZodError): HttpResponseInit {
  return badRequest(formatIssues(error.issues, { whole: "(body)", unknownKeysEach: true, markMissing: true }));
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
  const r = schema.safeParse(input, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, response: invalid(r.error) };
}

/**
 * Reads the body as JSON and validates it: over 64 KiB → 413, not sent as application/json → 415,
 * empty or not JSON → 400 before any field is checked (see body.ts).
 */
export async function parseBody<T>(request: HttpRequest, schema: z.ZodType<T>): Promise<Parsed<T>> {
  const body = await readJsonText(request);
  if (!body.ok) return body;
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    return {
      ok: false,
      response: { status: 400, headers: NO_STORE, jsonBody: { error: "the body is not valid JSON" } },
    };
  }
  return parseWith(schema, json);
}

/** Validates the query string; `code` is the function key when given as `?code=`, not a parameter. */
export function parseQuery<T>(request: HttpRequest, schema: z.ZodType<T>): Parsed<T> {
  const query: Record<string, string> = {};
  for (const [k, v] of request.query.entries()) if (k !== "code") query[k] = v;
  return parseWith(schema, query);
}

// ---- path parameters ---------------------------------------------------------------------------

/**
 * Route values are matched against a pattern as they arrive and never decoded here. Azure's host
 * hands them over percent-decoded except where it cannot decode: an invalid escape (`%ZZ`, a cut
 * UTF-8 sequence) and `%2F` arrive as written, and a decoded `%0A` arrives as a line break. None
 * of those match an ID pattern, so each answers 400, quoting at most ECHO_CHARS of the value.
 */
function idParam(request: HttpRequest, pattern: RegExp, expected: string): Parsed<string> {
  const id = request.params.id ?? "";
  if (pattern.test(id)) return { ok: true, value: id.toLowerCase() };
  const shown = id.length > ECHO_CHARS ? `${JSON.stringify(id.slice(0, ECHO_CHARS))}…` : JSON.stringify(id);
  return { ok: false, response: badRequest([`id: expected ${expected} (got ${shown})`]) };
}

/** Incident IDs are fingerprints: 16 hex digits. */
export function incidentIdOf(request: HttpRequest): Parsed<string> {
  return idParam(request, /^[0-9a-f]{16}$/i, "an incident ID of 16 hex digits");
}

/** Silence IDs are UUIDs. */
export function silenceIdOf(request: HttpRequest): Parsed<string> {
  return idParam(request, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "a silence ID (a UUID)");
}

// ---- bodies and queries ------------------------------------------------------------------------

// Names, notes, reasons, comments and matchers reach log lines, cards and pages: a control
// character in one (a line break, a terminal escape, a bidi override) is refused, not cleaned up.
const NO_CONTROLS = "without control characters (line breaks, tabs, escapes, bidirectional overrides)";

/**
 * Who acts is the signed-in person, from the platform's headers, never the body: a name given
 * there is refused rather than ignored, so a client that still sends one learns it is not the
 * record (docs/adr/0028-authenticated-responders.md).
 */
const fromSignIn = (field: string) =>
  z
    .unknown()
    .refine(
      (v) => v === undefined,
      `not accepted: the ${field === "by" ? "responder" : "creator"} is the signed-in person (App Service Authentication); leave ${field} out`,
    )
    .optional();

const text = (what: string, min: number, max: number) =>
  z
    .string({ error: `expected ${what} of ${min}-${max} characters` })
    .trim()
    .min(min, `expected ${what} of ${min}-${max} characters`)
    .max(max, `expected ${what} of ${min}-${max} characters`)
    .refine(isFreeOfControls, `expected ${what} ${NO_CONTROLS}`);

export const AckBody = z.strictObject({
  by: fromSignIn("by"),
  note: text("a note", 0, 500)
    .optional()
    .transform((n) => (n ? n : undefined)),
});
export type AckBody = z.infer<typeof AckBody>;

/** Closing by hand needs a reason: it resolves what the evaluations did not, and the record says why. */
export const CloseBody = z.strictObject({
  by: fromSignIn("by"),
  note: text("a reason", 1, 500),
});
export type CloseBody = z.infer<typeof CloseBody>;

const RULES = [
  "kv-auth-denied",
  "kv-throttled",
  "control-plane",
  "network",
  "monitor",
] as const satisfies readonly RuleId[];
const SEVERITIES = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"] as const satisfies readonly Severity[];

const matcherText = (what: string) => text(what, 1, 200).optional();

/** The request form of the stored `SilenceMatchersJson`: strict, and never empty. */
export const SilenceMatchersBody = z
  .strictObject({
    rule: z.enum(RULES, { error: `expected one of ${RULES.join(", ")}` }).optional(),
    vault: matcherText("a vault name or ARM ID"),
    identity: matcherText("an identity's object ID, client ID or name"),
    app: matcherText("an app name of the monitor spec"),
    severities: z
      .array(z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(", ")}` }), {
        error: "expected a list of severities",
      })
      .min(1, "expected at least one severity (leave the field out to match any)")
      .transform((s) => [...new Set(s)].sort())
      .optional(),
  })
  .superRefine((m, ctx) => {
    // What no silence may mute: everything, every page, the monitor's own alerts (the core's guards).
    for (const r of silenceRefusals(m))
      ctx.addIssue({ code: "custom", ...(r.matcher ? { path: [r.matcher] } : {}), message: r.reason });
  });

const isoDateTime = z.iso
  .datetime({ offset: true, error: "expected an ISO 8601 date-time with a time zone, e.g. 2026-11-20T22:00:00Z" })
  .transform((s) => new Date(s));

export const MAX_SILENCE_DAYS = 30;

export interface SilenceRequest {
  matchers: SilenceMatchers;
  startsAt: Date;
  endsAt: Date;
  comment: string;
}

/** The silence body; its times are checked against `now` (defaults, "ends in the future"). */
export function silenceBody(now: Date): z.ZodType<SilenceRequest> {
  return z
    .strictObject({
      matchers: SilenceMatchersBody,
      startsAt: isoDateTime.optional(),
      endsAt: isoDateTime.optional(),
      duration: durationMs.optional(),
      createdBy: fromSignIn("createdBy"),
      comment: text("a comment", 1, 500),
    })
    .transform((b, ctx) => {
      const startsAt = b.startsAt ?? now;
      if ((b.endsAt === undefined) === (b.duration === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [b.endsAt ? "duration" : "endsAt"],
          message: "give exactly one of endsAt and duration",
        });
        return z.NEVER;
      }
      const endsAt = b.endsAt ?? new Date(startsAt.getTime() + (b.duration ?? 0));
      const field = b.endsAt ? "endsAt" : "duration";
      if (endsAt.getTime() <= startsAt.getTime())
        ctx.addIssue({ code: "custom", path: [field], message: `must end after startsAt (${startsAt.toISOString()})` });
      else if (endsAt.getTime() <= now.getTime())
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `must end in the future (now is ${now.toISOString()})`,
        });
      else if (endsAt.getTime() - startsAt.getTime() > MAX_SILENCE_DAYS * DAY_MS)
        ctx.addIssue({ code: "custom", path: [field], message: `a silence lasts at most ${MAX_SILENCE_DAYS} days` });
      const { rule, vault, identity, app, severities } = b.matchers;
      const matchers: SilenceMatchers = {
        ...(rule ? { rule } : {}),
        ...(vault ? { vault } : {}),
        ...(identity ? { identity } : {}),
        ...(app ? { app } : {}),
        ...(severities ? { severities } : {}),
      };
      return { matchers, startsAt, endsAt, comment: b.comment };
    });
}

const limit = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^[0-9]{1,4}$/, `expected a whole number from 1 to ${max}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `expected a whole number from 1 to ${max}`)
    .optional()
    .transform((n) => n ?? fallback);

export const IncidentsQuery = z.strictObject({
  state: z.enum(["active", "all"], { error: "expected active or all" }).default("active"),
  limit: limit(500, 100),
});
export type IncidentsQuery = z.infer<typeof IncidentsQuery>;

export const SilencesQuery = z.strictObject({
  status: z
    .enum(["active", "scheduled", "expired", "all"], { error: "expected active, scheduled, expired or all" })
    .optional(),
});
export type SilencesQuery = z.infer<typeof SilencesQuery>;

// ---- the frame every handler runs in -----------------------------------------------------------

/**
 * Runs `body` for an allowed method with a runtime, in the frame every answer shares:
 * - a wrong method answers 405 and a declared body over 64 KiB 413, before anything else;
 * - settings problems answer 503 "misconfigured"; a throw answers 503 or 500 by `faultAnswer`'s
 *   rule (bad input always gets a 4xx, never a 5xx);
 * - what the handler logs goes through `forLog` (no forged lines, no secret values);
 * - every answer carries `x-content-type-options: nosniff` and, unless set, `no-store`.
 */
export function endpoint(
  name: string,
  method: "GET" | "POST" | "DELETE",
  getRuntime: () => Runtime,
  body: (rt: Runtime, request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
): HttpHandler {
  return async (request, rawContext) => {
    const context = withSafeLogs(rawContext);
    try {
      return withStandardHeaders(await answer(name, method, getRuntime, body, request, context));
    } catch (error) {
      return withStandardHeaders(faultAnswer(name, error, context));
    }
  };
}

async function answer(
  name: string,
  method: string,
  getRuntime: () => Runtime,
  body: (rt: Runtime, request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  if (request.method !== method) {
    return {
      status: 405,
      headers: { ...NO_STORE, allow: method },
      jsonBody: { error: `method ${request.method.slice(0, ECHO_CHARS)} is not allowed; use ${method}` },
    };
  }
  const oversized = declaredTooLarge(request);
  if (oversized) return oversized;
  let rt: Runtime;
  try {
    rt = getRuntime();
  } catch (error) {
    const reasons = error instanceof SettingsError ? error.problems : [oneLine(error)];
    context.error(`${name}: settings are invalid: ${reasons.join("; ")}`);
    return { status: 503, headers: NO_STORE, jsonBody: { error: "misconfigured", reasons } };
  }
  return await body(rt, request, context);
}

/** Plain JSON as the client receives it: dates as ISO strings, absent values as null. */
export function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v === undefined ? null : v))) as unknown;
}
