import { PAGERDUTY_ENQUEUE_URL } from "../core/render/pagerduty.js";
import { z } from "zod";
import { Secret, secretUrl } from "../core/common/secret.js";
import type { KeyVaultAuditTable } from "../core/queries/signals/kv-requests.js";
import { parseMonitorSpec, type MonitorSpec } from "../core/spec/monitor-spec.js";
import { parseControlPlaneConfigText } from "../core/controlplane/config.js";
import type { ControlPlaneConfig } from "../core/controlplane/config.js";
import type { ChannelName } from "../core/model/index.js";
import type { LifecyclePolicy, NotifyPolicy } from "../core/model/notify-policy.js";
import { parseNotifyConfig } from "./notify-config.js";
import { formatIssues } from "../core/common/zod-issues.js";
import { KEY_VAULT_AUDIT_TABLES } from "../core/signals/signal-set.js";

/**
 * Application settings, read from the environment (Function App settings in Azure,
 * `local.settings.json` under `func start`). Every setting is documented in the README's table;
 * keep the two in step.
 */
export interface Settings {
  workspaceId: string;
  logAnalyticsEndpoint: string;
  keyVaultAuditTable: KeyVaultAuditTable | "auto";
  appInsights: { mode: "workspace" } | { mode: "classic"; resourceId: string } | { mode: "none" };
  invocationsPriorHours: number;
  changesLookbackMinutes: number;
  state: StateLocation;
  teamsWebhookUrl: Secret;
  /** ACS email, when EMAIL_ENDPOINT is set (managed identity: no key). */
  email: { endpoint: string; sender: string; recipients: string[] } | undefined;
  /** A PagerDuty Events v2 (or compatible) endpoint, when PAGERDUTY_ROUTING_KEY is set. */
  pagerDuty: { url: string; routingKey: Secret } | undefined;
  /** Routing, repeats, acknowledgement timeouts, pending times, flap detection (NOTIFY_CONFIG). */
  notify: { lifecycle: LifecyclePolicy; notify: NotifyPolicy };
  /** The workspace's ARM ID: notices link to their evidence query in the portal when it is set. */
  workspaceResourceId: string | undefined;
  managedIdentityClientId: string | undefined;
  monitorSchedule: string;
  rule: ThresholdRuleSettings;
  healthStaleAfterMinutes: number;
  criticalIdentities: string[];
  queryTimeoutSeconds: number;
  /** Apps, SLOs and guards from MONITOR_CONFIG (empty when unset). */
  spec: MonitorSpec;
  /** Expected access, vaults and probes for the control-plane check (undefined: not checked). */
  controlPlane: ControlPlaneConfig | undefined;
  /** The Azure Resource Manager endpoint, for sovereign clouds. */
  armEndpoint: string | undefined;
  /** Things that look wrong but are accepted, e.g. an objective that looks like a ratio. */
  warnings: string[];
}

export type StateLocation =
  | { kind: "endpoint"; tableEndpoint: string; tablePrefix: string }
  | { kind: "connectionString"; connectionString: Secret; tablePrefix: string };

/** The provisional threshold rule; the evaluation engine replaces it with baselines and budgets. */
export interface ThresholdRuleSettings {
  windowMinutes: number;
  minFailures: number;
  minFailurePercent: number;
  resolveAfterMinutes: number;
}

/** Names of settings whose values are secrets: never echoed in errors. */
const SECRET_SETTINGS = new Set(["TEAMS_WEBHOOK_URL", "STATE_STORAGE_CONNECTION_STRING", "PAGERDUTY_ROUTING_KEY"]);
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Azure portal and `az functionapp config appsettings set` store an unset value as "". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

const guid = (what: string) => {
  const expected = `expected ${what} (a GUID such as 00000000-0000-0000-0000-000000000000)`;
  return z.string({ error: expected }).trim().regex(GUID, expected);
};

const intInRange = (min: number, max: number, fallback: number, unit: string) =>
  optional(
    z.coerce
      .number({ error: `expected a whole number of ${unit}` })
      .int(`expected a whole number of ${unit}`)
      .min(min, `expected at least ${min} ${unit}`)
      .max(max, `expected at most ${max} ${unit}`),
  ).transform((v) => v ?? fallback);

const httpsUrl = (what: string, allowLoopbackHttp: boolean) => {
  const expected = `expected ${what} as an https:// URL${allowLoopbackHttp ? " (http:// only for 127.0.0.1 or localhost)" : ""}`;
  return z
    .string({ error: expected })
    .trim()
    .refine((v) => {
      try {
        const u = new URL(v);
        if (u.protocol === "https:") return true;
        return allowLoopbackHttp && u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname);
      } catch {
        return false;
      }
    }, expected);
};

/** NCRONTAB with six fields (seconds first), as the Functions timer trigger requires. */
const NCRONTAB_EXPECTED = "expected a six-field NCRONTAB expression such as '0 */5 * * * *' (seconds first)";
const ncrontab = z
  .string({ error: NCRONTAB_EXPECTED })
  .trim()
  .refine((v) => v.split(/\s+/).length === 6, NCRONTAB_EXPECTED);

const EnvSchema = z
  .object({
    LOG_ANALYTICS_WORKSPACE_ID: guid("the Log Analytics workspace ID"),
    LOG_ANALYTICS_ENDPOINT: optional(httpsUrl("the Log Analytics query endpoint including /v1", false)),
    KEYVAULT_AUDIT_TABLE: optional(
      z.enum(["auto", ...KEY_VAULT_AUDIT_TABLES], {
        error:
          "expected auto, AzureDiagnostics (diagnostic setting in Azure diagnostics mode) or AZKVAuditLogs (resource-specific mode)",
      }),
    ),
    APP_INSIGHTS_MODE: optional(
      z.enum(["workspace", "classic", "none"], {
        error:
          "expected workspace (App Insights tables in the Log Analytics workspace), classic (query the App Insights resource) or none",
      }),
    ),
    APP_INSIGHTS_RESOURCE_ID: optional(
      z
        .string()
        .trim()
        .regex(
          /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/components\/[^/]+$/i,
          "expected the ARM resource ID of an Application Insights component",
        ),
    ),
    INVOCATIONS_PRIOR_HOURS: intInRange(1, 168, 6, "hours"),
    CHANGES_LOOKBACK_MINUTES: intInRange(15, 1440, 120, "minutes"),
    STATE_TABLE_ENDPOINT: optional(
      httpsUrl("the Table service endpoint, e.g. https://<account>.table.core.windows.net", false),
    ),
    STATE_STORAGE_CONNECTION_STRING: optional(z.string().trim().min(1)),
    STATE_TABLE_PREFIX: optional(
      z
        .string()
        .trim()
        .regex(
          /^[A-Za-z][A-Za-z0-9]{2,40}$/,
          "expected 3-41 letters or digits, starting with a letter (Azure table name rules)",
        ),
    ),
    TEAMS_WEBHOOK_URL: httpsUrl("the Teams Workflows webhook URL", true),
    EMAIL_ENDPOINT: optional(
      httpsUrl("the Communication Services endpoint, e.g. https://<name>.<region>.communication.azure.com", false),
    ),
    EMAIL_SENDER: optional(
      z
        .string()
        .trim()
        .regex(EMAIL, "expected the sender address of a verified ACS email domain, e.g. DoNotReply@<domain>"),
    ),
    EMAIL_RECIPIENTS: optional(
      z
        .string()
        .transform((v) =>
          v
            .split(/[,;]/)
            .map((a) => a.trim())
            .filter((a) => a.length > 0),
        )
        .refine(
          (list) => list.length > 0 && list.every((a) => EMAIL.test(a)),
          "expected one or more email addresses separated by commas",
        ),
    ),
    PAGERDUTY_ROUTING_KEY: optional(
      z
        .string()
        .trim()
        .regex(
          /^[A-Za-z0-9]{32}$/,
          "expected the 32-character integration (routing) key of a PagerDuty Events v2 integration",
        ),
    ),
    PAGERDUTY_URL: optional(httpsUrl("the Events v2 enqueue URL", true)),
    NOTIFY_CONFIG: optional(z.string()),
    LOG_ANALYTICS_WORKSPACE_RESOURCE_ID: optional(
      z
        .string()
        .trim()
        .regex(
          /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i,
          "expected the ARM resource ID of the Log Analytics workspace",
        ),
    ),
    AZURE_CLIENT_ID: optional(guid("the client ID of the user-assigned managed identity")),
    MONITOR_SCHEDULE: ncrontab,
    ALERT_WINDOW_MINUTES: intInRange(5, 1440, 15, "minutes"),
    ALERT_MIN_FAILURES: intInRange(1, 1_000_000, 5, "failed requests"),
    ALERT_MIN_FAILURE_PERCENT: optional(
      z.coerce
        .number({ error: "expected a percentage between 0 and 100" })
        .min(0, "expected a percentage between 0 and 100")
        .max(100, "expected a percentage between 0 and 100"),
    ).transform((v) => v ?? 5),
    RESOLVE_AFTER_MINUTES: intInRange(5, 1440, 15, "minutes"),
    HEALTH_STALE_AFTER_MINUTES: intInRange(2, 1440, 15, "minutes"),
    CRITICAL_IDENTITIES: optional(z.string()).transform((v) =>
      (v ?? "")
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s.length > 0),
    ),
    QUERY_TIMEOUT_SECONDS: intInRange(10, 600, 60, "seconds"),
    MONITOR_CONFIG: optional(z.string()),
    CONTROL_PLANE_CONFIG: optional(z.string()),
    ARM_ENDPOINT: optional(httpsUrl("the Azure Resource Manager endpoint, e.g. https://management.azure.com", false)),
  })
  .superRefine((env, ctx) => {
    const hasEndpoint = env.STATE_TABLE_ENDPOINT !== undefined;
    const hasConn = env.STATE_STORAGE_CONNECTION_STRING !== undefined;
    if (hasEndpoint === hasConn) {
      ctx.addIssue({
        code: "custom",
        path: [hasEndpoint ? "STATE_STORAGE_CONNECTION_STRING" : "STATE_TABLE_ENDPOINT"],
        message: hasEndpoint
          ? "set either STATE_TABLE_ENDPOINT (managed identity, recommended) or STATE_STORAGE_CONNECTION_STRING, not both"
          : "expected STATE_TABLE_ENDPOINT (https://<account>.table.core.windows.net) or, for Azurite, STATE_STORAGE_CONNECTION_STRING",
      });
    }
    if (env.APP_INSIGHTS_MODE === "classic" && env.APP_INSIGHTS_RESOURCE_ID === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["APP_INSIGHTS_RESOURCE_ID"],
        message: "expected the App Insights resource ID when APP_INSIGHTS_MODE is classic",
      });
    }
    const email = [env.EMAIL_ENDPOINT, env.EMAIL_SENDER, env.EMAIL_RECIPIENTS];
    if (email.some((v) => v !== undefined) && email.some((v) => v === undefined)) {
      const missing = (["EMAIL_ENDPOINT", "EMAIL_SENDER", "EMAIL_RECIPIENTS"] as const).filter(
        (_, i) => email[i] === undefined,
      );
      for (const name of missing)
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "email needs EMAIL_ENDPOINT, EMAIL_SENDER and EMAIL_RECIPIENTS together",
        });
    }
    if (env.RESOLVE_AFTER_MINUTES > env.ALERT_WINDOW_MINUTES * 4) {
      ctx.addIssue({
        code: "custom",
        path: ["RESOLVE_AFTER_MINUTES"],
        message: `expected at most 4 × ALERT_WINDOW_MINUTES (${env.ALERT_WINDOW_MINUTES * 4}); a longer confirmation needs a longer query window`,
      });
    }
  });

/** A settings problem, with one line per offending setting and no secret values. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";
  /** `cause`: the zod error the problems were read from, when there was one. */
  constructor(
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(`Invalid vaultwatch settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`, options);
  }
}

/** Parses and validates settings; throws `SettingsError` naming each bad or missing setting. */
export function loadSettings(env: Record<string, string | undefined>): Settings {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues, {
      whole: "(settings)",
      // The value as set, unless it is a secret: enough to spot a typo without leaking a key.
      message: (issue) => {
        const name = String(issue.path[0]);
        const raw = env[name];
        const missing = raw === undefined || raw.trim() === "";
        const shown = missing ? "missing" : SECRET_SETTINGS.has(name) ? "value hidden" : `got ${JSON.stringify(raw)}`;
        return `${issue.message} (${shown})`;
      },
    });
    throw new SettingsError(problems, { cause: parsed.error });
  }
  const e = parsed.data;
  const spec = parseMonitorSpec(e.MONITOR_CONFIG);
  const cp = e.CONTROL_PLANE_CONFIG === undefined ? undefined : parseControlPlaneConfigText(e.CONTROL_PLANE_CONFIG);
  const channels: ChannelName[] = [
    "teams",
    ...(e.EMAIL_ENDPOINT ? (["email"] as const) : []),
    ...(e.PAGERDUTY_ROUTING_KEY ? (["pagerduty"] as const) : []),
  ];
  const notify = parseNotifyConfig(e.NOTIFY_CONFIG, channels);
  const specErrors = spec.ok ? [] : spec.errors.map((m) => `MONITOR_CONFIG ${m}`);
  const cpErrors = cp && !cp.ok ? cp.errors.map((m) => `CONTROL_PLANE_CONFIG ${m}`) : [];
  const notifyErrors = notify.ok ? [] : notify.errors.map((m) => `NOTIFY_CONFIG ${m}`);
  if (!spec.ok || !notify.ok || specErrors.length + cpErrors.length + notifyErrors.length > 0)
    throw new SettingsError([...specErrors, ...cpErrors, ...notifyErrors]);
  const tablePrefix = e.STATE_TABLE_PREFIX ?? "vaultwatch";
  return {
    workspaceId: e.LOG_ANALYTICS_WORKSPACE_ID.toLowerCase(),
    logAnalyticsEndpoint: e.LOG_ANALYTICS_ENDPOINT ?? "https://api.loganalytics.io/v1",
    keyVaultAuditTable: e.KEYVAULT_AUDIT_TABLE ?? "auto",
    appInsights:
      e.APP_INSIGHTS_MODE === "classic" && e.APP_INSIGHTS_RESOURCE_ID
        ? { mode: "classic", resourceId: e.APP_INSIGHTS_RESOURCE_ID }
        : { mode: e.APP_INSIGHTS_MODE === "none" ? "none" : "workspace" },
    invocationsPriorHours: e.INVOCATIONS_PRIOR_HOURS,
    changesLookbackMinutes: e.CHANGES_LOOKBACK_MINUTES,
    state:
      e.STATE_TABLE_ENDPOINT !== undefined
        ? { kind: "endpoint", tableEndpoint: e.STATE_TABLE_ENDPOINT, tablePrefix }
        : {
            kind: "connectionString",
            connectionString: new Secret(e.STATE_STORAGE_CONNECTION_STRING ?? ""),
            tablePrefix,
          },
    teamsWebhookUrl: secretUrl(e.TEAMS_WEBHOOK_URL),
    email:
      e.EMAIL_ENDPOINT && e.EMAIL_SENDER && e.EMAIL_RECIPIENTS
        ? { endpoint: e.EMAIL_ENDPOINT, sender: e.EMAIL_SENDER, recipients: e.EMAIL_RECIPIENTS }
        : undefined,
    pagerDuty: e.PAGERDUTY_ROUTING_KEY
      ? { url: e.PAGERDUTY_URL ?? PAGERDUTY_ENQUEUE_URL, routingKey: new Secret(e.PAGERDUTY_ROUTING_KEY) }
      : undefined,
    notify: { lifecycle: notify.lifecycle, notify: { ...notify.notify, channels } },
    workspaceResourceId: e.LOG_ANALYTICS_WORKSPACE_RESOURCE_ID,
    managedIdentityClientId: e.AZURE_CLIENT_ID?.toLowerCase(),
    monitorSchedule: e.MONITOR_SCHEDULE,
    rule: {
      windowMinutes: e.ALERT_WINDOW_MINUTES,
      minFailures: e.ALERT_MIN_FAILURES,
      minFailurePercent: e.ALERT_MIN_FAILURE_PERCENT,
      resolveAfterMinutes: e.RESOLVE_AFTER_MINUTES,
    },
    healthStaleAfterMinutes: e.HEALTH_STALE_AFTER_MINUTES,
    criticalIdentities: e.CRITICAL_IDENTITIES,
    queryTimeoutSeconds: e.QUERY_TIMEOUT_SECONDS,
    spec: spec.spec,
    controlPlane: cp?.ok ? cp.config : undefined,
    armEndpoint: e.ARM_ENDPOINT,
    warnings: [
      ...spec.warnings.map((m) => `MONITOR_CONFIG ${m}`),
      ...(cp?.warnings ?? []).map((m) => `CONTROL_PLANE_CONFIG ${m}`),
    ],
  };
}
