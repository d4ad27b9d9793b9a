import { z } from "zod";
import { ANSWER_COLUMNS, type AnswerColumn } from "../../src/core/signals/answer-columns.js";
import {
  ControlPlaneSnapshot,
  DEFAULT_WORKSPACE_RESOURCE_ID,
  instant,
  name,
  Probe,
  scenarioName,
  Settings,
  Truth,
} from "./world-parts.js";

/**
 * The scenario file format, version 2: the workspace as raw log records in Azure's table shapes,
 * over which the monitor's real KQL runs (tools/kusto, tools/emulator). A record entry is either a
 * record built from a short `kind` (a Key Vault audit event, an activity-log change, a dependency
 * call...) by the emulator's record builders, or a `raw` record with its columns spelled out.
 * Entries may name a template (shared fields), carry a multiplicity (`count`), repeat (`every`
 * minutes `until` a time, or once per element of `counts`), and say when they were ingested.
 * docs/scenarios.md describes it for authors; docs/scenario.schema.json is generated from it.
 */
export const SCENARIO_FORMAT_V2 = "vaultwatch/scenario/v2";

/** Record kinds: each is built by one of the emulator's record builders (tools/emulator/records/). */
export const RECORD_KINDS = [
  "kv-audit",
  "kv-challenge",
  "activity",
  "other-diagnostics",
  "app-dependency",
  "kv-challenge-dependency",
  "app-trace",
  "app-request",
  "listener-failure",
  "group-membership",
  "raw",
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const KV_AUDIT_TABLES = ["AzureDiagnostics", "AZKVAuditLogs"] as const;
export const DENIALS = ["rbac", "policy", "firewall"] as const;
export const OTHER_SERVICES = ["sql", "appgw", "servicebus"] as const;

const text = z.string();
const id = z.string().min(1, "expected a non-empty string");
const minutes = z
  .number({ error: "expected a number of minutes" })
  .nonnegative("expected a number of minutes (0 or more)");
const multiplicity = z
  .number({ error: "expected a whole number of at least 1" })
  .int("expected a whole number of at least 1")
  .min(1, "expected a whole number of at least 1");

/**
 * Every field a record entry or template may carry, with its type. Which fields a kind needs or
 * accepts is in KIND_FIELDS; the loader checks them once a template's fields are merged in, so a
 * template can hold any part of a record.
 */
export const RECORD_FIELDS = {
  kind: z
    .enum(RECORD_KINDS, { error: `expected a kind: ${RECORD_KINDS.join(", ")}` })
    .describe("what the record is; each kind is made by one of the emulator's record builders (docs/scenarios.md)"),
  table: id.describe(
    "kv-audit, kv-challenge: AzureDiagnostics or AZKVAuditLogs; raw: any table of the emulated workspace",
  ),
  columns: z
    .record(z.string(), z.unknown())
    .describe(
      "raw: the record's columns in their JSON form (TimeGenerated comes from `at`); over a template's columns",
    ),
  vaultResourceId: id.describe("kv-audit, kv-challenge: the vault's ARM resource ID"),
  callerObjectId: text.describe("kv-audit: the token's oid; empty (the default) for a call without a token"),
  callerAppId: text.describe("kv-audit: the token's appid (the identity's client ID)"),
  callerResourceId: text.describe("kv-audit: the token's xms_mirid (the managed identity's resource ID)"),
  callerIpAddress: text.describe("kv-audit: the caller's address"),
  operation: id.describe(
    "kv-audit: SecretGet, SecretList...; activity: e.g. Microsoft.Authorization/roleAssignments/delete",
  ),
  status: z
    .number({ error: "expected an HTTP status code" })
    .int("expected an HTTP status code")
    .min(100, "expected an HTTP status code")
    .max(599, "expected an HTTP status code")
    .describe("kv-audit: the HTTP status Key Vault answered"),
  denial: z.enum(DENIALS).describe("kv-audit, status 403: what denied it (RBAC, the access policies, the firewall)"),
  resultDescription: text.describe("kv-audit: ResultDescription, when the builder's default does not fit"),
  correlationId: text.describe("kv-audit, activity, group-membership: the correlation ID (one is made up when absent)"),
  durationMs: z.number().nonnegative().describe("kv-audit, app-dependency, app-request: duration in milliseconds"),
  requestUri: text.describe("kv-audit: the request URI"),
  clientInfo: text.describe("kv-audit: the client's user agent (a Node.js Key Vault SDK when absent)"),
  permissionModel: z
    .enum(["rbac", "accessPolicy"])
    .describe("kv-audit: how the vault authorizes, which decides the flags of an allowed request (default rbac)"),
  scope: id.describe("activity: the scope written to (a role assignment's scope, a vault, a site)"),
  principalId: text.describe(
    "activity: the principal of a role assignment; group-membership: the member's object ID (a managed identity's service principal)",
  ),
  roleDefinitionId: text.describe("activity: the role definition of a role assignment"),
  caller: id.describe(
    "activity: who made the change (a UPN or an object ID); group-membership: a user's UPN or an app's display name",
  ),
  outcome: z
    .enum(["Succeeded", "Failed"])
    .describe("activity: how the write ended; group-membership: whether Entra ID made the change (default Succeeded)"),
  resourceId: text.describe("activity: the resource the event is logged on, when it is not the scope"),
  service: z
    .enum(OTHER_SERVICES)
    .describe("other-diagnostics: the resource type whose diagnostics share AzureDiagnostics with Key Vault"),
  appRoleName: id.describe("app-dependency, kv-challenge-dependency, app-trace, app-request: the app's role name"),
  target: id.describe("app-dependency: the host called, e.g. kv-orders-prod.vault.azure.net"),
  dependencyType: id.describe("app-dependency: e.g. Azure Key Vault, Azure Service Bus, HTTP, SQL"),
  resultCode: z
    .union([z.string(), z.number().int()], { error: "expected a result code such as 200, 401 or 0" })
    .transform((c) => String(c))
    .describe("app-dependency, app-request: the result code (0: no answer)"),
  success: z.boolean().describe("app-dependency, app-request: whether the call succeeded"),
  data: text.describe("app-dependency: the command or URL"),
  name: text.describe("app-dependency: the dependency's name; app-request: the function's name"),
  itemCount: multiplicity.describe("app-*: how many telemetry items this record stands for after sampling"),
  operationId: text.describe("app-dependency: the operation ID"),
  vaultHost: id.describe("kv-challenge-dependency: the vault's host, e.g. kv-orders-prod.vault.azure.net"),
  message: text.describe("app-trace: the trace message"),
  severityLevel: z
    .number()
    .int()
    .min(0)
    .max(4)
    .describe("app-trace: 0 verbose, 1 information, 2 warning, 3 error, 4 critical"),
  appName: id.describe("listener-failure: the function app"),
  functionName: id.describe("listener-failure: the function whose trigger listener failed"),
  innerException: text.describe("listener-failure: the exception that stopped the listener"),
  change: z
    .enum(["add", "remove"])
    .describe('group-membership: "Add member to group" or "Remove member from group" in Entra ID\'s audit log'),
  groupObjectId: id.describe("group-membership: the Entra ID group's object ID"),
  groupName: id.describe("group-membership: the group's display name"),
  memberType: z
    .enum(["ServicePrincipal", "User", "Group"])
    .describe("group-membership: the member's type (default ServicePrincipal: a managed identity or an app)"),
  memberName: text.describe("group-membership: the member's display name"),
} as const;
export type RecordField = keyof typeof RECORD_FIELDS;

/** The fields each kind needs, and the ones it also accepts. */
export const KIND_FIELDS: Record<RecordKind, { required: readonly RecordField[]; optional: readonly RecordField[] }> = {
  "kv-audit": {
    required: ["table", "vaultResourceId", "operation", "status"],
    optional: [
      "callerObjectId",
      "callerAppId",
      "callerResourceId",
      "callerIpAddress",
      "denial",
      "resultDescription",
      "correlationId",
      "durationMs",
      "requestUri",
      "clientInfo",
      "permissionModel",
    ],
  },
  "kv-challenge": { required: ["table", "vaultResourceId"], optional: [] },
  activity: {
    required: ["operation", "scope", "caller"],
    optional: ["principalId", "roleDefinitionId", "correlationId", "outcome", "resourceId"],
  },
  "other-diagnostics": { required: ["service"], optional: [] },
  "app-dependency": {
    required: ["appRoleName", "target", "dependencyType", "resultCode", "success"],
    optional: ["data", "name", "durationMs", "itemCount", "operationId"],
  },
  "kv-challenge-dependency": { required: ["appRoleName", "vaultHost"], optional: [] },
  "app-trace": { required: ["appRoleName", "message", "severityLevel"], optional: ["itemCount"] },
  "app-request": { required: ["appRoleName", "name", "success", "resultCode"], optional: ["durationMs", "itemCount"] },
  "listener-failure": { required: ["appName", "functionName", "innerException"], optional: [] },
  "group-membership": {
    required: ["change", "principalId", "groupObjectId", "groupName", "caller"],
    optional: ["memberType", "memberName", "correlationId", "outcome"],
  },
  raw: { required: ["table", "columns"], optional: [] },
};

const partialFields = Object.fromEntries(
  Object.entries(RECORD_FIELDS).map(([k, v]) => [k, (v as z.ZodType).optional()]),
) as { [K in RecordField]: z.ZodOptional<(typeof RECORD_FIELDS)[K]> };

const ingestionDelayMinutes = minutes
  .max(7 * 24 * 60, "expected at most a week")
  .describe("ingested this many minutes after its TimeGenerated (instead of the workspace's delays)");

/** Named partial records: the fields entries that name the template share (e.g. one caller on one vault). */
export const RecordTemplate = z
  .object({ ...partialFields, ingestionDelayMinutes: ingestionDelayMinutes.optional() })
  .strict()
  .describe("fields shared by the entries that name this template; an entry's own fields win");

export const RecordEntry = z
  .object({
    template: name.optional().describe("the name of an entry in `templates`, whose fields this entry starts from"),
    ...partialFields,
    at: instant.describe("the record's TimeGenerated (the first one's, when the entry repeats)"),
    count: multiplicity.optional().describe("how many identical records this entry stands for (1 when absent)"),
    every: z
      .number({ error: "expected a whole number of minutes" })
      .int("expected a whole number of minutes")
      .min(1, "expected a whole number of minutes")
      .optional()
      .describe("repeat every this many minutes, `until` a time or once per element of `counts`"),
    until: instant.optional().describe("with every: repeat up to (not including) this time"),
    counts: z
      .array(
        z
          .number({ error: "expected a non-negative whole number" })
          .int("expected a non-negative whole number")
          .nonnegative("expected a non-negative whole number"),
      )
      .min(1)
      .optional()
      .describe("with every: one multiplicity per repetition (0: none that time), instead of count and until"),
    ingestedAt: instant.optional().describe("when the record became queryable (not with every)"),
    ingestionDelayMinutes: ingestionDelayMinutes.optional(),
  })
  .strict();

/**
 * The workspace ingests nothing into some tables for a while: a daily cap reached, until its
 * reset or until the cap is raised. Data sent meanwhile is not collected (not delayed), so records
 * that would arrive in the stretch are dropped (tools/emulator/store.ts, IngestionStop).
 */
export const IngestionStopSpec = z
  .object({
    from: instant.describe("ingestion stops here"),
    until: instant
      .optional()
      .describe("ingestion resumes here (the daily reset, or the cap raised); never within the scenario when absent"),
    tables: z
      .array(id)
      .min(1)
      .optional()
      .describe(
        "the tables that stop; when absent every table a daily cap stops: all but AzureActivity, Operation, Usage and Heartbeat, whose ingestion is free",
      ),
  })
  .strict();

/** What can happen to the columns of the signals query's answer (docs/scenarios.md, `answerDrifts`). */
export const ANSWER_DRIFT_KINDS = ["column-renamed", "column-retyped", "column-dropped"] as const;
/** Kusto's scalar types, as a REST answer names a column's type (learn.microsoft.com/kusto/query/scalar-data-types). */
export const KUSTO_TYPES = [
  "bool",
  "datetime",
  "decimal",
  "dynamic",
  "guid",
  "int",
  "long",
  "real",
  "string",
  "timespan",
] as const;
const ANSWER_COLUMN_NAMES = ANSWER_COLUMNS.map(([c]) => c) as [AnswerColumn, ...AnswerColumn[]];

/**
 * For a while the workspace's answers to the monitor's signals query come back with another
 * schema than the query projects: a column renamed, declared with another type, or missing. The
 * rows are left as they are (a retyped column keeps its cells). Other queries are answered as
 * they are. tools/standin/answer-drift.ts applies it.
 */
export const AnswerDriftSpec = z
  .object({
    from: instant.describe("answers drift from here"),
    until: instant.optional().describe("answers are faithful again from here; never within the scenario when absent"),
    kind: z
      .enum(ANSWER_DRIFT_KINDS, { error: `expected a drift: ${ANSWER_DRIFT_KINDS.join(", ")}` })
      .describe("what happens to the column"),
    column: z
      .enum(ANSWER_COLUMN_NAMES, {
        error: `expected a column of the signals query's answer: ${ANSWER_COLUMN_NAMES.join(", ")}`,
      })
      .describe("the column that drifts (src/core/signals/answer-columns.ts)"),
    to: id.optional().describe("column-renamed: the column's new name, e.g. counts for Counts"),
    type: z
      .enum(KUSTO_TYPES, { error: `expected a Kusto type: ${KUSTO_TYPES.join(", ")}` })
      .optional()
      .describe("column-retyped: the type the answer declares for the column, e.g. string for Counts"),
  })
  .strict();

export const ScenarioFileV2 = z
  .object({
    $schema: z.string().optional(),
    format: z.literal(SCENARIO_FORMAT_V2, { error: `expected "${SCENARIO_FORMAT_V2}"` }),
    name: scenarioName,
    description: z.string().default(""),
    start: instant.describe("the replay's clock starts here; records before it are history the monitor may read"),
    end: instant.describe("the last tick is at or before this time"),
    tickMinutes: z.number().int().min(1).max(60).default(5).describe("minutes between ticks: the timer's schedule"),
    workspace: z
      .object({
        resourceId: z.string().default(DEFAULT_WORKSPACE_RESOURCE_ID),
        ingestion: z
          .union([z.literal("azure"), minutes.max(24 * 60)], {
            error: 'expected "azure" or a number of minutes',
          })
          .default("azure")
          .describe(
            'when records without their own ingestion time become queryable: "azure" (the documented delay distributions per table) or a fixed number of minutes after TimeGenerated',
          ),
        tables: z
          .array(id)
          .default([])
          .describe("tables that exist even without records in the scenario; a table with records always exists"),
        stops: z
          .array(IngestionStopSpec)
          .default([])
          .describe(
            "stretches with no ingestion (a daily cap reached): records that would be ingested from `from` up to `until` are dropped, never queryable",
          ),
        answerDrifts: z
          .array(AnswerDriftSpec)
          .default([])
          .describe(
            "stretches in which the answers to the monitor's signals query come back with a drifted schema: a column renamed, retyped or missing",
          ),
      })
      .strict()
      .prefault({}),
    settings: Settings.default({}),
    templates: z.record(name, RecordTemplate).default({}),
    records: z.array(RecordEntry).default([]),
    controlPlane: z.array(ControlPlaneSnapshot).default([]),
    probes: z.array(Probe).default([]),
    truth: Truth,
  })
  .strict();

export type ScenarioV2Input = z.input<typeof ScenarioFileV2>;
export type ParsedScenarioFileV2 = z.output<typeof ScenarioFileV2>;
export type RecordEntryInput = z.input<typeof RecordEntry>;
export type RecordEntrySpec = z.output<typeof RecordEntry>;
export type RecordTemplateInput = z.input<typeof RecordTemplate>;
export type IngestionStopInput = z.input<typeof IngestionStopSpec>;
export type AnswerDriftInput = z.input<typeof AnswerDriftSpec>;
export type AnswerDrift = z.output<typeof AnswerDriftSpec>;
export type RecordTemplateSpec = z.output<typeof RecordTemplate>;
/** A record's own fields, once its template is merged in. */
export type RecordFields = Partial<{ [K in RecordField]: z.output<(typeof RECORD_FIELDS)[K]> }>;
