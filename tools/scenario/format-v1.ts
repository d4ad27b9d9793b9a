import { z } from "zod";
import {
  CredentialTracesRow,
  DependencyCallsRow,
  HostStartupRow,
  KvRequestsRow,
} from "../../src/core/signals/signal-set.js";
import { BIN_MINUTES } from "../../src/core/signals/bin.js";
import {
  Activity,
  ControlPlaneSnapshot,
  count,
  DEFAULT_WORKSPACE_RESOURCE_ID,
  instant,
  name,
  Probe,
  scenarioName,
  Settings,
  Truth,
} from "./world-parts.js";

/**
 * The scenario file format, version 1: the workspace as signal rows per 5-minute bin (what the
 * monitor's queries would return), with activity events, control-plane snapshots, token-probe
 * outcomes and settings. Still read: the loader converts a v1 file to raw records
 * (convert-v1.ts, mapping in docs/scenarios.md). New scenarios are written in v2 (format-v2.ts).
 */
export const SCENARIO_FORMAT_V1 = "vaultwatch/scenario/v1";

/** Counts of one row, all optional: a missing count is 0, a missing total is the sum of the others. */
function partialCounts(keys: readonly string[]) {
  return z.object(Object.fromEntries(keys.map((k) => [k, count.optional()]))).strict();
}

export const KV_COUNTS = Object.keys(KvRequestsRow.shape.counts.shape) as (keyof z.infer<
  typeof KvRequestsRow
>["counts"])[];
export const DEP_COUNTS = Object.keys(DependencyCallsRow.shape.counts.shape) as (keyof z.infer<
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

export const ScenarioFileV1 = z
  .object({
    $schema: z.string().optional(),
    format: z.literal(SCENARIO_FORMAT_V1, { error: `expected "${SCENARIO_FORMAT_V1}"` }),
    name: scenarioName,
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
        resourceId: z.string().default(DEFAULT_WORKSPACE_RESOURCE_ID),
      })
      .strict()
      .prefault({}),
    settings: Settings.default({}),
    series: z.record(name, Series).default({}),
    timeline: z.array(TimelineEntry).default([]),
    activity: z.array(Activity).default([]),
    controlPlane: z.array(ControlPlaneSnapshot).default([]),
    probes: z.array(Probe).default([]),
    truth: Truth,
  })
  .strict();

export type ScenarioFileV1Input = z.input<typeof ScenarioFileV1>;
export type ParsedScenarioFileV1 = z.output<typeof ScenarioFileV1>;
export type TimelineEntrySpec = z.output<typeof TimelineEntry>;
export type SeriesSpec = z.output<typeof Series>;
