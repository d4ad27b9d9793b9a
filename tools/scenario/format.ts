import { z } from "zod";
import {
  CredentialTracesRow,
  DependencyCallsRow,
  HostStartupRow,
  KvRequestsRow,
} from "../../src/core/signals/signal-set.js";
import { BIN_MINUTES } from "../../src/core/signals/bin.js";

/**
 * The scenario file format, version 1: a world to replay the monitor against (signal rows per
 * bin, control-plane snapshots, activity events, token-probe outcomes, the monitor's settings) and
 * an optional ground truth the monitor never reads. docs/scenarios.md describes it for authors;
 * docs/scenario.schema.json is generated from these types.
 */
export const SCENARIO_FORMAT = "vaultwatch/scenario/v1";

/** The monitor's Kusto bin (core/signals/bin.ts): timeline entries start on its boundaries. */
export const SCENARIO_BIN_MINUTES = BIN_MINUTES;

const instant = z.iso
  .datetime({ offset: true, error: "expected an ISO 8601 date-time such as 2026-03-02T01:00:00Z" })
  .transform((s) => new Date(s));
const name = z.string().trim().min(1, "expected a name").max(128, "expected at most 128 characters");
const count = z
  .number({ error: "expected a non-negative whole number" })
  .int("expected a non-negative whole number")
  .nonnegative("expected a non-negative whole number");

/** The count fields of a row, all optional: a missing count is 0, a missing total is the sum of the others. */
function partialCounts(keys: readonly string[]) {
  return z.object(Object.fromEntries(keys.map((k) => [k, count.optional()]))).strict();
}

const KV_COUNTS = Object.keys(KvRequestsRow.shape.counts.shape) as (keyof z.infer<typeof KvRequestsRow>["counts"])[];
const DEP_COUNTS = Object.keys(DependencyCallsRow.shape.counts.shape) as (keyof z.infer<
  typeof DependencyCallsRow
>["counts"])[];

/** The app-side tables each app signal is read from (workspace-based Application Insights). */
export const APP_SIGNAL_TABLES = {
  "dependency-calls": "AppDependencies",
  "credential-traces": "AppTraces",
  "host-startup": "FunctionAppLogs",
} as const;
export const ROW_SIGNALS = ["kv-requests", "dependency-calls", "credential-traces", "host-startup"] as const;
export type RowSignal = (typeof ROW_SIGNALS)[number];

const seriesRef = name.describe("the name of an entry in `series`, whose dims this row takes");

const KvRow = z
  .object({ series: seriesRef.optional(), dims: KvRequestsRow.shape.dims.optional(), counts: partialCounts(KV_COUNTS) })
  .strict()
  .describe("Key Vault requests of one caller for one operation on one vault in this bin");
const DependencyRow = z
  .object({
    series: seriesRef.optional(),
    dims: DependencyCallsRow.shape.dims.optional(),
    counts: partialCounts(DEP_COUNTS),
  })
  .strict()
  .describe("Outgoing calls of one app to one target in this bin (Application Insights dependencies)");
const TraceRow = z
  .object({
    series: seriesRef.optional(),
    dims: CredentialTracesRow.shape.dims.optional(),
    counts: z.object({ events: count }).strict(),
    sample: z.string().max(400).default(""),
  })
  .strict()
  .describe("Credential errors one app logged in this bin, of one class, with a sample message");
const StartupRow = z
  .object({
    series: seriesRef.optional(),
    dims: HostStartupRow.shape.dims.optional(),
    counts: z.object({ events: count }).strict(),
    sample: z.string().max(400).default(""),
  })
  .strict()
  .describe("Trigger listeners of one function that failed to start in this bin");

const Series = z.discriminatedUnion(
  "signal",
  [
    z.object({ signal: z.literal("kv-requests"), dims: KvRequestsRow.shape.dims }).strict(),
    z.object({ signal: z.literal("dependency-calls"), dims: DependencyCallsRow.shape.dims }).strict(),
    z.object({ signal: z.literal("credential-traces"), dims: CredentialTracesRow.shape.dims }).strict(),
    z.object({ signal: z.literal("host-startup"), dims: HostStartupRow.shape.dims }).strict(),
  ],
  { error: `expected signal ${ROW_SIGNALS.join(", ")}` },
);

const TimelineEntry = z
  .object({
    at: instant.describe(`start of the bin these rows belong to, on a ${BIN_MINUTES}-minute boundary`),
    until: instant.optional().describe("repeat the rows in every bin from `at` up to (not including) this time"),
    "kv-requests": z.array(KvRow).default([]),
    "dependency-calls": z.array(DependencyRow).default([]),
    "credential-traces": z.array(TraceRow).default([]),
    "host-startup": z.array(StartupRow).default([]),
  })
  .strict();

/** One AzureActivity record; the change kind follows from the operation, as in the changes query. */
const Activity = z
  .object({
    at: instant,
    operation: z.string().min(1).describe("e.g. Microsoft.Authorization/roleAssignments/delete"),
    scope: z.string().min(1),
    principalId: z.string().default(""),
    roleDefinitionId: z.string().default(""),
    caller: z.string().min(1),
  })
  .strict();

const RoleAssignment = z
  .object({
    scope: z.string().min(1),
    roleDefinitionGuid: z.string().min(1),
    principalId: z.string().min(1),
    principalType: z.enum(["ServicePrincipal", "User", "Group"]).optional(),
  })
  .strict();

const RoleDefinition = z
  .object({
    guid: z.string().min(1),
    roleName: z.string().min(1),
    dataActions: z.array(z.string()).default([]),
    notDataActions: z.array(z.string()).default([]),
    actions: z.array(z.string()).default([]),
  })
  .strict();

const DiagnosticSetting = z
  .object({
    name,
    workspaceId: z.string().optional(),
    logAnalyticsDestinationType: z.enum(["Dedicated"]).nullable().optional(),
    logs: z.array(
      z
        .object({ category: z.string().optional(), categoryGroup: z.string().optional(), enabled: z.boolean() })
        .strict(),
    ),
  })
  .strict();

/** What Resource Manager shows from `at` until the next snapshot. */
const ControlPlaneSnapshot = z
  .object({
    at: instant,
    vaults: z
      .array(z.object({ id: z.string().min(1), properties: z.record(z.string(), z.unknown()).optional() }).strict())
      .default([]),
    roleAssignments: z.array(RoleAssignment).default([]),
    roleDefinitions: z.array(RoleDefinition).default([]),
    diagnosticSettings: z
      .record(z.string(), z.array(DiagnosticSetting))
      .optional()
      .describe("by vault ID; a vault left out sends AuditEvent to the scenario's workspace"),
  })
  .strict();

export const PROBE_OUTCOMES = [
  "ok",
  "identity-not-found",
  "invalid-audience",
  "endpoint-unreachable",
  "endpoint-timeout",
  "endpoint-error",
] as const;
export type ProbeOutcomeName = (typeof PROBE_OUTCOMES)[number];

/** How the managed-identity token endpoint answers for one identity from `at` on. */
const Probe = z
  .object({
    at: instant,
    clientId: z.string().regex(/^[0-9a-f-]{36}$/i, "expected a client ID (GUID)"),
    audience: z
      .string()
      .optional()
      .describe("only token requests for this resource, e.g. https://vault.azure.net; all when absent"),
    outcome: z.enum(PROBE_OUTCOMES),
  })
  .strict();

/** Settings the scenario may set; the replay provides the endpoints, identities and secrets itself. */
const jsonSetting = z.union([z.string(), z.record(z.string(), z.unknown())]);
const numberSetting = z.union([z.number(), z.string()]);
const Settings = z
  .object({
    CRITICAL_IDENTITIES: z.union([z.string(), z.array(z.string())]).optional(),
    MONITOR_CONFIG: jsonSetting.optional(),
    CONTROL_PLANE_CONFIG: jsonSetting.optional(),
    NOTIFY_CONFIG: jsonSetting.optional(),
    KEYVAULT_AUDIT_TABLE: z.enum(["auto", "AzureDiagnostics", "AZKVAuditLogs"]).optional(),
    APP_INSIGHTS_MODE: z.enum(["workspace", "none"]).optional(),
    ALERT_WINDOW_MINUTES: numberSetting.optional(),
    ALERT_MIN_FAILURES: numberSetting.optional(),
    ALERT_MIN_FAILURE_PERCENT: numberSetting.optional(),
    RESOLVE_AFTER_MINUTES: numberSetting.optional(),
    CHANGES_LOOKBACK_MINUTES: numberSetting.optional(),
    INVOCATIONS_PRIOR_HOURS: numberSetting.optional(),
  })
  .strict();

export const HYPOTHESES = ["H1", "H2", "H3", "H4", "H5", "H6", "none"] as const;
export const SEVERITIES = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"] as const;

/** What really happened, for scoring only. */
const TruthIncident = z
  .object({
    name,
    cause: instant
      .optional()
      .describe(
        "when the change that caused it was made, when that is known and before onset (a role deleted, a vault switched): a detection from then on is about this incident",
      ),
    onset: instant.describe("when the first failing request happened"),
    recovered: instant.describe("when the last failing request happened (access works again)"),
    hypothesis: z.enum(HYPOTHESES).describe("the playbooks' cause; none for load (429) that is no access fault"),
    severity: z.enum(SEVERITIES),
    vault: z.string().optional().describe("vault name or resource ID the incident is about"),
    identity: z.string().optional().describe("identity name or object ID the incident is about"),
    note: z.string().optional(),
  })
  .strict();

export const ScenarioFile = z
  .object({
    $schema: z.string().optional(),
    format: z.literal(SCENARIO_FORMAT, { error: `expected "${SCENARIO_FORMAT}"` }),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "expected a lower-case slug such as rbac-removal"),
    description: z.string().default(""),
    start: instant.describe("the replay's clock starts here; rows before it are history the monitor may read"),
    end: instant.describe("the last tick is at or before this time"),
    tickMinutes: z.number().int().min(1).max(60).default(5).describe("minutes between ticks: the timer's schedule"),
    workspace: z
      .object({
        tables: z
          .array(z.string().min(1))
          .min(1)
          .default(["AzureDiagnostics", "AzureActivity"])
          .describe("tables with data; a signal whose table is missing is unavailable"),
        ingestionDelayMinutes: z
          .number()
          .int()
          .min(0)
          .max(60)
          .default(3)
          .describe("a bin's rows become visible this long after the bin ends"),
        resourceId: z
          .string()
          .default(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-vaultwatch",
          ),
      })
      .strict()
      .prefault({}),
    settings: Settings.default({}),
    series: z.record(name, Series).default({}),
    timeline: z.array(TimelineEntry).default([]),
    activity: z.array(Activity).default([]),
    controlPlane: z.array(ControlPlaneSnapshot).default([]),
    probes: z.array(Probe).default([]),
    truth: z
      .object({ incidents: z.array(TruthIncident).default([]) })
      .strict()
      .optional()
      .describe("ground truth for scoring; the monitor never reads it"),
  })
  .strict();

export type ScenarioFileInput = z.input<typeof ScenarioFile>;
export type ParsedScenarioFile = z.output<typeof ScenarioFile>;
export type TruthIncidentSpec = z.output<typeof TruthIncident>;
export type ControlPlaneSnapshotSpec = z.output<typeof ControlPlaneSnapshot>;
export type ProbeSpec = z.output<typeof Probe>;
export type ActivitySpec = z.output<typeof Activity>;
export type TimelineEntrySpec = z.output<typeof TimelineEntry>;
export type SeriesSpec = z.output<typeof Series>;
export { KV_COUNTS, DEP_COUNTS };
