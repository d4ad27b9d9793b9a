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
import { capped } from "../core/common/zod-issues.js";
import { KEY_VAULT_AUDIT_TABLES } from "../core/signals/signal-set.js";
import { ncrontabProblems } from "./ncrontab.js";
import { checkConnectionString } from "./connection-string.js";
import { secretShapeOf } from "./secret-like.js";
import { type EndpointRule, endpointProblem, normalizedEndpoint } from "./endpoint-url.js";
import { type NumberRule, plainNumber } from "./plain-number.js";
import { jsonSyntaxProblem } from "./json-text.js";

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

/** Names of settings whose values are secrets: never echoed, and exempt from the secret-shape check. */
const SECRET_SETTINGS = new Set(["TEAMS_WEBHOOK_URL", "STATE_STORAGE_CONNECTION_STRING", "PAGERDUTY_ROUTING_KEY"]);
/** Settings holding JSON, parsed after the others so that their problems come in the same round. */
const JSON_SETTINGS = ["MONITOR_CONFIG", "CONTROL_PLANE_CONFIG", "NOTIFY_CONFIG"] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Azure portal and `az functionapp config appsettings set` store an unset value as "". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

const guid = (what: string) => {
  const expected = `expected ${what} (a GUID such as 00000000-0000-0000-0000-000000000000)`;
  return z.string({ error: expected }).trim().regex(GUID, expected);
};

/** A plain decimal in range (see plain-number.ts), or the default when unset. */
const numberInRange = (rule: NumberRule, fallback: number) =>
  optional(
    z.string().transform((v, ctx) => {
      const n = plainNumber(v, rule);
      if (typeof n === "number") return n;
      ctx.addIssue({ code: "custom", message: n });
      return z.NEVER;
    }),
  ).transform((v) => v ?? fallback);

const url = (rule: EndpointRule) =>
  z
    .string({ error: endpointProblem("", rule) })
    .trim()
    .transform((v, ctx) => {
      const problem = endpointProblem(v, rule);
      if (problem === undefined) return normalizedEndpoint(v, rule);
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    });

/** Issues whose message quotes the part of the value at fault, so the value is not shown again. */
const QUOTED = { quoted: true };

const ncrontab = z.string({ error: "expected a six-field NCRONTAB expression" }).transform((v, ctx) => {
  for (const message of ncrontabProblems(v)) ctx.addIssue({ code: "custom", message, params: QUOTED });
  return v.trim();
});

const connectionString = z.string().transform((v, ctx) => {
  const check = checkConnectionString(v);
  if (!check.ok) ctx.addIssue({ code: "custom", message: check.problem });
  return v.trim();
});

/**
 * One address: something, "@", a domain with a dot inside it, no spaces. Checked without a
 * backtracking pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/ took 2.5 s on a 50,000-character value.
 */
function isEmailAddress(a: string): boolean {
  if (/\s/.test(a)) return false;
  const at = a.indexOf("@");
  if (at <= 0 || a.indexOf("@", at + 1) >= 0) return false;
  const domain = a.slice(at + 1);
  return domain.slice(1, -1).includes(".");
}

const email = (expected: string) =>
  z
    .string()
    .trim()
    .refine((v) => isEmailAddress(v), expected);

const EnvSchema = z.object({
  LOG_ANALYTICS_WORKSPACE_ID: guid("the Log Analytics workspace ID"),
  LOG_ANALYTICS_ENDPOINT: optional(
    url({ what: "the Log Analytics query endpoint, e.g. https://api.loganalytics.io/v1", path: "/v1" }),
  ),
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
  INVOCATIONS_PRIOR_HOURS: numberInRange({ min: 1, max: 168, noun: "a whole number of hours", unit: "hours" }, 6),
  CHANGES_LOOKBACK_MINUTES: numberInRange(
    { min: 15, max: 1440, noun: "a whole number of minutes", unit: "minutes" },
    120,
  ),
  STATE_TABLE_ENDPOINT: optional(
    url({ what: "the Table service endpoint, e.g. https://<account>.table.core.windows.net" }),
  ),
  STATE_STORAGE_CONNECTION_STRING: optional(connectionString),
  STATE_TABLE_PREFIX: optional(
    z
      .string()
      .trim()
      .regex(
        /^[A-Za-z][A-Za-z0-9]{2,40}$/,
        "expected 3-41 letters or digits, starting with a letter (Azure table name rules)",
      ),
  ),
  TEAMS_WEBHOOK_URL: url({ what: "the Teams Workflows webhook URL", loopbackHttp: true, query: true }),
  EMAIL_ENDPOINT: optional(
    url({ what: "the Communication Services endpoint, e.g. https://<name>.<region>.communication.azure.com" }),
  ),
  EMAIL_SENDER: optional(email("expected the sender address of a verified ACS email domain, e.g. DoNotReply@<domain>")),
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
        (list) => list.length > 0 && list.every(isEmailAddress),
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
  PAGERDUTY_URL: optional(url({ what: "the Events v2 enqueue URL", loopbackHttp: true })),
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
  ALERT_WINDOW_MINUTES: numberInRange({ min: 5, max: 1440, noun: "a whole number of minutes", unit: "minutes" }, 15),
  ALERT_MIN_FAILURES: numberInRange(
    { min: 1, max: 1_000_000, noun: "a whole number of failed requests", unit: "failed requests" },
    5,
  ),
  ALERT_MIN_FAILURE_PERCENT: numberInRange(
    { min: 0, max: 100, noun: "a percentage", unit: "percent", fraction: true },
    5,
  ),
  RESOLVE_AFTER_MINUTES: numberInRange({ min: 5, max: 1440, noun: "a whole number of minutes", unit: "minutes" }, 15),
  HEALTH_STALE_AFTER_MINUTES: numberInRange(
    { min: 2, max: 1440, noun: "a whole number of minutes", unit: "minutes" },
    15,
  ),
  CRITICAL_IDENTITIES: optional(z.string()).transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.length > 0),
  ),
  QUERY_TIMEOUT_SECONDS: numberInRange({ min: 10, max: 600, noun: "a whole number of seconds", unit: "seconds" }, 60),
  MONITOR_CONFIG: optional(z.string()),
  CONTROL_PLANE_CONFIG: optional(z.string()),
  ARM_ENDPOINT: optional(url({ what: "the Azure Resource Manager endpoint, e.g. https://management.azure.com" })),
});

type Env = z.infer<typeof EnvSchema>;
type SettingName = keyof Env;
/** Every setting the app reads, in the order problems are listed. */
export const SETTING_NAMES = Object.keys(EnvSchema.shape) as SettingName[];

/** Checks that span settings, on the values that parsed (a setting that did not is reported already). */
function crossFieldProblems(env: Record<string, string | undefined>, e: Partial<Env>): string[] {
  const problems: string[] = [];
  const set = (name: SettingName) => (env[name] ?? "").trim() !== "";
  const hasEndpoint = set("STATE_TABLE_ENDPOINT");
  const hasConn = set("STATE_STORAGE_CONNECTION_STRING");
  if (hasEndpoint && hasConn)
    problems.push(
      "STATE_STORAGE_CONNECTION_STRING: set either STATE_TABLE_ENDPOINT (managed identity, recommended) or STATE_STORAGE_CONNECTION_STRING, not both",
    );
  if (!hasEndpoint && !hasConn)
    problems.push(
      "STATE_TABLE_ENDPOINT: expected STATE_TABLE_ENDPOINT (https://<account>.table.core.windows.net) or, for Azurite, STATE_STORAGE_CONNECTION_STRING (missing)",
    );
  if (e.APP_INSIGHTS_MODE === "classic" && !set("APP_INSIGHTS_RESOURCE_ID"))
    problems.push(
      "APP_INSIGHTS_RESOURCE_ID: expected the App Insights resource ID when APP_INSIGHTS_MODE is classic (missing)",
    );
  const emailNames = ["EMAIL_ENDPOINT", "EMAIL_SENDER", "EMAIL_RECIPIENTS"] as const;
  if (emailNames.some(set))
    for (const name of emailNames.filter((n) => !set(n)))
      problems.push(`${name}: email needs EMAIL_ENDPOINT, EMAIL_SENDER and EMAIL_RECIPIENTS together (missing)`);
  const window = e.ALERT_WINDOW_MINUTES;
  const resolve = e.RESOLVE_AFTER_MINUTES;
  if (window !== undefined && resolve !== undefined && resolve > window * 4)
    problems.push(
      `RESOLVE_AFTER_MINUTES: expected at most 4 × ALERT_WINDOW_MINUTES (${window * 4}); a longer confirmation needs a longer query window (got ${resolve})`,
    );
  return problems;
}

/** A value shown in a message: enough to spot a typo, never the whole of a pasted document. */
const SHOWN_MAX = 60;
/** Longest line a problem may take in an error, a log line or the /api/health body. */
const LINE_MAX = 400;
/** Most problems listed; the rest are counted. Every setting wrong at once still fits. */
const PROBLEMS_MAX = 50;

function shownValue(raw: string): string {
  if (raw.length <= SHOWN_MAX) return `got ${JSON.stringify(raw)}`;
  return `got ${JSON.stringify(`${raw.slice(0, SHOWN_MAX)}…`)}, ${raw.length} characters`;
}

function bounded(problems: readonly string[]): string[] {
  const lines = problems.map((p) => (p.length > LINE_MAX ? `${p.slice(0, LINE_MAX - 1)}…` : p));
  return capped(lines, PROBLEMS_MAX);
}

/** A settings problem, with one line per offending setting and no secret values. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";
  constructor(
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(`Invalid vaultwatch settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`, options);
  }
}

/**
 * Parses and validates settings; throws `SettingsError` listing every bad or missing setting at
 * once: each setting on its own, then the checks across settings, then the JSON settings.
 */
export function loadSettings(env: Record<string, string | undefined>): Settings {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const raw = env[name];
    const blank = raw === undefined || raw.trim() === "";
    const shape = blank || SECRET_SETTINGS.has(name) ? undefined : secretShapeOf(raw);
    if (shape !== undefined) {
      problems.push(
        `${name}: the value looks like a secret (${shape}); this setting is not secret and is shown in logs and /api/health, so it is refused (value hidden)`,
      );
      continue;
    }
    const parsed = EnvSchema.shape[name].safeParse(raw);
    if (parsed.success) {
      values[name] = parsed.data;
      continue;
    }
    const suffix = blank ? "missing" : SECRET_SETTINGS.has(name) ? "value hidden" : shownValue(raw);
    const lines = new Set(
      parsed.error.issues.map((issue) => {
        const quoted = issue.code === "custom" && issue.params?.quoted === true;
        return `${name}: ${issue.message}${quoted ? "" : ` (${suffix})`}`;
      }),
    );
    problems.push(...lines);
  }
  problems.push(...crossFieldProblems(env, values as Partial<Env>));
  const jsonText = (name: (typeof JSON_SETTINGS)[number]): string | undefined => {
    const text = values[name] as string | undefined;
    if (text === undefined) return undefined;
    const syntax = jsonSyntaxProblem(text);
    if (syntax === undefined) return text;
    problems.push(`${name} ${syntax}`);
    return undefined;
  };
  const spec = parseMonitorSpec(jsonText("MONITOR_CONFIG"));
  const cpText = jsonText("CONTROL_PLANE_CONFIG");
  const cp = cpText === undefined ? undefined : parseControlPlaneConfigText(cpText);
  // The channels the settings turn on, as set: NOTIFY_CONFIG routes are checked against them.
  const present = (name: SettingName) => (env[name] ?? "").trim() !== "";
  const channels: ChannelName[] = [
    "teams",
    ...(present("EMAIL_ENDPOINT") ? (["email"] as const) : []),
    ...(present("PAGERDUTY_ROUTING_KEY") ? (["pagerduty"] as const) : []),
  ];
  const notify = parseNotifyConfig(jsonText("NOTIFY_CONFIG"), channels);
  if (!spec.ok) problems.push(...spec.errors.map((m) => `MONITOR_CONFIG ${m}`));
  if (cp && !cp.ok) problems.push(...cp.errors.map((m) => `CONTROL_PLANE_CONFIG ${m}`));
  if (!notify.ok) problems.push(...notify.errors.map((m) => `NOTIFY_CONFIG ${m}`));
  if (problems.length > 0 || !spec.ok || !notify.ok) throw new SettingsError(bounded(problems));
  const e = values as Env;
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
