import { z } from "zod";
import { DEFAULT_GUARDS, unreachableTiers } from "../slo/burn-rate.js";
import { formatIssues } from "../common/zod-issues.js";

/**
 * The monitor spec (`MONITOR_CONFIG`): which apps matter how much, and their SLOs. Versioned and
 * separate from the domain model it maps to; validation gives path-qualified errors and warnings.
 */
export const MONITOR_SPEC_VERSION = "vaultwatch/v1";

/** The longest SLO period accepted: a quarter, this project's bound on what one query sums over. */
export const MAX_PERIOD_DAYS = 90;

const name = z.string().trim().min(1, "expected a name").max(128, "expected at most 128 characters");
const duration = z
  .string()
  .trim()
  .regex(/^\d+d$/, "expected a whole number of days such as 30d or 28d")
  .transform((s) => Number(s.slice(0, -1)))
  .refine((d) => d >= 1 && d <= MAX_PERIOD_DAYS, `expected between 1d and ${MAX_PERIOD_DAYS}d`);
/** An SLO's period in days when the spec names none: the SRE Workbook's 30-day window, which its burn rates assume. */
const DEFAULT_PERIOD_DAYS = 30;
const objective = z
  .number({ error: "expected a percentage such as 99.9" })
  .gt(0, "expected a percentage above 0")
  .lt(100, "expected a percentage below 100 (100% leaves no error budget)");

const App = z
  .object({
    name,
    /** Object IDs or managed-identity names (user-assigned identity or app name) the app calls with. */
    identities: z.array(name).min(1, "expected at least one identity"),
    /** A production path whose outright loss is SEV-1. */
    critical: z.boolean().default(false),
    /** Has a fallback (cache, secondary) that keeps it serving when access fails. */
    hasFallback: z.boolean().default(false),
    /**
     * Vault names or ARM IDs the app reads. Optional: when several apps call with one identity,
     * an incident on a vault is the app's that calls it (spec-lookup.ts, appFor).
     */
    vaults: z.array(name).min(1, "expected at least one vault, or no vaults key").optional(),
  })
  .strict();

const IdentityVaultSlo = z
  .object({
    name,
    kind: z.literal("identity-vault"),
    identity: name,
    vault: name,
    objective,
    period: duration.default(DEFAULT_PERIOD_DAYS),
  })
  .strict();

const AppDependencySlo = z
  .object({
    name,
    kind: z.literal("app-dependency"),
    app: name,
    targetKind: z.enum(["keyvault", "storage", "servicebus", "other"]).optional(),
    target: name.optional(),
    objective,
    period: duration.default(DEFAULT_PERIOD_DAYS),
  })
  .strict();

const Spec = z
  .object({
    apiVersion: z.literal(MONITOR_SPEC_VERSION, { error: `expected "${MONITOR_SPEC_VERSION}"` }),
    apps: z.array(App).default([]),
    slos: z
      .array(
        z.discriminatedUnion("kind", [IdentityVaultSlo, AppDependencySlo], {
          error: 'expected kind "identity-vault" or "app-dependency"',
        }),
      )
      .default([]),
    // The SLO tiers' low-traffic guards; defaults and their sources: DEFAULT_GUARDS in slo/burn-rate.ts.
    guards: z
      .object({
        minEventsPerWindow: z.number().int().min(1).default(DEFAULT_GUARDS.minEventsPerWindow),
        minBadEvents: z.number().int().min(1).default(DEFAULT_GUARDS.minBadEvents),
        confidence: z.number().gt(0.5).lt(1).default(DEFAULT_GUARDS.confidence),
      })
      .strict()
      .default({ ...DEFAULT_GUARDS }),
  })
  .strict();

export type MonitorSpec = z.infer<typeof Spec>;
export type AppSpec = z.infer<typeof App>;
export type SloSpecV1 = MonitorSpec["slos"][number];

export type SpecResult =
  | { ok: true; spec: MonitorSpec; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

/** An empty spec: no apps marked, no SLOs. */
export const EMPTY_SPEC: MonitorSpec = Spec.parse({ apiVersion: MONITOR_SPEC_VERSION });

/** Parses the spec from JSON text; every problem names its path, e.g. `slos[1].objective`. */
export function parseMonitorSpec(text: string | undefined): SpecResult {
  if (text === undefined || text.trim() === "") return { ok: true, spec: EMPTY_SPEC, warnings: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`MONITOR_CONFIG is not valid JSON: ${(error as Error).message}`], warnings: [] };
  }
  const warnings = ratioWarnings(raw);
  const parsed = Spec.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, errors: formatIssues(parsed.error.issues, { whole: "(spec)" }), warnings };
  }
  const errors: string[] = [];
  const spec = parsed.data;
  spec.slos.forEach((slo, i) => {
    for (const t of unreachableTiers({ name: slo.name, objective: slo.objective, periodDays: slo.period })) {
      errors.push(
        `slos[${i}].objective: ${slo.objective}% leaves an error budget of ${round(100 - slo.objective)}%, so the highest possible burn rate is ${round(t.possible)}x; ` +
          `the ${t.tier} tier needs ${round(t.needed)}x over ${slo.period}d and could never fire. Raise the objective or shorten the period.`,
      );
    }
  });
  const names = new Set<string>();
  spec.slos.forEach((slo, i) => {
    if (names.has(slo.name)) errors.push(`slos[${i}].name: "${slo.name}" is used twice`);
    names.add(slo.name);
  });
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, spec, warnings };
}

/** "0.999 looks like a ratio; did you mean 99.9?" (Pyrra's warning), without rejecting the spec. */
function ratioWarnings(raw: unknown): string[] {
  const slos = (raw as { slos?: unknown[] } | null)?.slos;
  if (!Array.isArray(slos)) return [];
  return slos.flatMap((s, i) => {
    const o = (s as { objective?: unknown } | null)?.objective;
    return typeof o === "number" && o > 0 && o < 1
      ? [`slos[${i}].objective: ${o} looks like a ratio; did you mean ${round(o * 100)}?`]
      : [];
  });
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
