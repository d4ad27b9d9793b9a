import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { DAY_MS, durationMs } from "../../core/common/duration.js";
import { formatIssues } from "../../core/common/zod-issues.js";
import type { Runtime } from "../../app/runtime.js";
import { SettingsError } from "../../config/settings.js";
import type { SilenceMatchers } from "../../core/notify/silence.js";
import type { RuleId, Severity } from "../../core/model/index.js";

/** What every API response carries: answers are about live state, never to be cached. */
export const NO_STORE = { "cache-control": "no-store" };

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: HttpResponseInit };

// ---- validation errors -------------------------------------------------------------------------

export function badRequest(problems: string[]): HttpResponseInit {
  return { status: 400, headers: NO_STORE, jsonBody: { error: "invalid request", problems } };
}

/** A zod failure as a 400 naming each field and what was expected. */
export function invalid(error: z.ZodError): HttpResponseInit {
  return badRequest(formatIssues(error.issues, { whole: "(body)", unknownKeysEach: true, markMissing: true }));
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
  const r = schema.safeParse(input, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, response: invalid(r.error) };
}

/** Reads the body as JSON and validates it. Not JSON (or empty) → 400 before any field is checked. */
export async function parseBody<T>(request: HttpRequest, schema: z.ZodType<T>): Promise<Parsed<T>> {
  const text = await request.text();
  if (text.trim() === "")
    return {
      ok: false,
      response: { status: 400, headers: NO_STORE, jsonBody: { error: "the body is empty; expected a JSON object" } },
    };
  let json: unknown;
  try {
    json = JSON.parse(text);
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

/** Incident IDs are fingerprints: 16 hex digits. */
export function incidentIdOf(request: HttpRequest): Parsed<string> {
  const id = request.params.id ?? "";
  if (/^[0-9a-f]{16}$/i.test(id)) return { ok: true, value: id.toLowerCase() };
  return {
    ok: false,
    response: badRequest([`id: expected an incident ID of 16 hex digits (got ${JSON.stringify(id.slice(0, 40))})`]),
  };
}

/** Silence IDs are UUIDs. */
export function silenceIdOf(request: HttpRequest): Parsed<string> {
  const id = request.params.id ?? "";
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    return { ok: true, value: id.toLowerCase() };
  return {
    ok: false,
    response: badRequest([`id: expected a silence ID (a UUID) (got ${JSON.stringify(id.slice(0, 40))})`]),
  };
}

// ---- bodies and queries ------------------------------------------------------------------------

const nameField = (what: string) =>
  z
    .string({ error: `expected ${what} of 1-100 characters` })
    .trim()
    .min(1, `expected ${what} of 1-100 characters`)
    .max(100, `expected ${what} of 1-100 characters`);

const text = (what: string, min: number, max: number) =>
  z
    .string({ error: `expected ${what} of ${min}-${max} characters` })
    .trim()
    .min(min, `expected ${what} of ${min}-${max} characters`)
    .max(max, `expected ${what} of ${min}-${max} characters`);

export const AckBody = z.strictObject({
  by: nameField("a name"),
  note: text("a note", 0, 500)
    .optional()
    .transform((n) => (n ? n : undefined)),
});
export type AckBody = z.infer<typeof AckBody>;

/** Closing by hand needs a reason: it resolves what the evaluations did not, and the record says why. */
export const CloseBody = z.strictObject({
  by: nameField("a name"),
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
    const given = Object.values(m).filter((v) => v !== undefined);
    if (given.length === 0) {
      ctx.addIssue({
        code: "custom",
        message:
          "needs at least one of rule, vault, identity, app, severities: a silence without matchers would mute every incident",
      });
    } else if (given.length === 1 && m.severities?.length === SEVERITIES.length) {
      ctx.addIssue({
        code: "custom",
        path: ["severities"],
        message: "lists every severity, which alone would mute every incident; add rule, vault, identity or app",
      });
    }
  });

const isoDateTime = z.iso
  .datetime({ offset: true, error: "expected an ISO 8601 date-time with a time zone, e.g. 2026-11-20T22:00:00Z" })
  .transform((s) => new Date(s));

export const MAX_SILENCE_DAYS = 30;

export interface SilenceRequest {
  matchers: SilenceMatchers;
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
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
      createdBy: nameField("a name"),
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
      return { matchers, startsAt, endsAt, createdBy: b.createdBy, comment: b.comment };
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

/** A thrown error in one line, for a 503 body and the log (stack traces stay out of both). */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n")[0] ?? "").slice(0, 300);
}

/**
 * Runs `body` for an allowed method with a runtime. Settings problems answer 503 "misconfigured";
 * anything the store throws answers 503 with a one-line reason: the API never answers 500.
 */
export function endpoint(
  name: string,
  method: "GET" | "POST" | "DELETE",
  getRuntime: () => Runtime,
  body: (rt: Runtime, request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
): HttpHandler {
  return async (request, context) => {
    if (request.method !== method) {
      return {
        status: 405,
        headers: { ...NO_STORE, allow: method },
        jsonBody: { error: `method ${request.method} is not allowed; use ${method}` },
      };
    }
    let rt: Runtime;
    try {
      rt = getRuntime();
    } catch (error) {
      const reasons = error instanceof SettingsError ? error.problems : [oneLine(error)];
      context.error(`${name}: settings are invalid: ${reasons.join("; ")}`);
      return { status: 503, headers: NO_STORE, jsonBody: { error: "misconfigured", reasons } };
    }
    try {
      return await body(rt, request, context);
    } catch (error) {
      const reason = `the state store could not be read or written: ${oneLine(error)}`;
      context.error(`${name}: ${reason}`);
      return { status: 503, headers: NO_STORE, jsonBody: { error: "unavailable", reason } };
    }
  };
}

/** Plain JSON as the client receives it: dates as ISO strings, absent values as null. */
export function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v === undefined ? null : v))) as unknown;
}
