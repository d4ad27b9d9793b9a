import { z } from "zod";

/**
 * The parts of a scenario that every format version shares: the clock, Resource Manager's
 * snapshots, the token endpoint's probes, the monitor's settings and the ground truth. Only the
 * workspace changes between versions (v1: signal rows per bin; v2: raw log records).
 */

export const instant = z.iso
  .datetime({ offset: true, error: "expected an ISO 8601 date-time such as 2026-03-02T01:00:00Z" })
  .transform((s) => new Date(s));
export const name = z.string().trim().min(1, "expected a name").max(128, "expected at most 128 characters");
export const count = z
  .number({ error: "expected a non-negative whole number" })
  .int("expected a non-negative whole number")
  .nonnegative("expected a non-negative whole number");

export const DEFAULT_WORKSPACE_RESOURCE_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-vaultwatch";

export const scenarioName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "expected a lower-case slug such as rbac-removal");

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
export const ControlPlaneSnapshot = z
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
export const Probe = z
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
export const Settings = z
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
/**
 * What a truth incident is about: a caller's access to a vault (`access`, when absent), or the
 * monitor's own sight (`monitor`): from onset to recovered the monitor could not see what it
 * watches, and the right detection is the monitor saying so (its `monitor` rule), not an access
 * incident.
 */
export const TRUTH_SUBJECTS = ["access", "monitor"] as const;

/** What really happened, for scoring only. */
export const TruthIncident = z
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
    subject: z
      .enum(TRUTH_SUBJECTS)
      .optional()
      .describe(
        "access (the default): a caller's access to a vault; monitor: the monitor itself is blind (the workspace stopped receiving data, a vault's logs stopped, or its answers cannot be read), which only the monitor's own incident matches",
      ),
    note: z.string().optional(),
  })
  .strict();

export const Truth = z
  .object({ incidents: z.array(TruthIncident).default([]) })
  .strict()
  .optional()
  .describe("ground truth for scoring; the monitor never reads it");

/** One control-plane change as AzureActivity records it; the change kind follows from the operation, as in the changes query. */
export const Activity = z
  .object({
    at: instant,
    operation: z.string().min(1).describe("e.g. Microsoft.Authorization/roleAssignments/delete"),
    scope: z.string().min(1),
    principalId: z.string().default(""),
    roleDefinitionId: z.string().default(""),
    caller: z.string().min(1),
  })
  .strict();

export type TruthIncidentSpec = z.output<typeof TruthIncident>;
export type ControlPlaneSnapshotSpec = z.output<typeof ControlPlaneSnapshot>;
export type ProbeSpec = z.output<typeof Probe>;
export type ActivitySpec = z.output<typeof Activity>;
export type SettingsSpec = z.output<typeof Settings>;
