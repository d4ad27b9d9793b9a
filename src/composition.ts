import { TableClient } from "@azure/data-tables";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/core-auth";
import { loadSettings, type Settings } from "./config/settings.js";
import type { Policy } from "./core/model/index.js";
import { createCredential } from "./adapters/credential.js";
import { createSignalSource } from "./adapters/log-analytics.js";
import { createTableStateStore, tableClientOptions } from "./adapters/table-store.js";
import { createTeamsWebhook } from "./adapters/teams-webhook.js";
import { createTableBaselineStore } from "./adapters/baseline-store.js";
import type { Runtime } from "./app/runtime.js";
import { createTableSilenceStore } from "./adapters/silence-store.js";
import { createAcsEmailChannel } from "./adapters/acs-email.js";
import type { Sleep } from "./adapters/retry.js";
import { createControlPlaneDeps } from "./adapters/arm/control-plane-deps.js";
import { createPagerDutyChannel } from "./adapters/pagerduty.js";
import { DEFAULT_DELIVERY, type DeliveryOptions } from "./app/delivery/deliver.js";
import { BIN_MINUTES } from "./core/signals/bin.js";

/** Seams for the local replay and the tests; production passes none. */
export interface RuntimeOverrides {
  /** Sends every Log Analytics request elsewhere (the local stand-in) while keeping https URLs. */
  httpClient?: HttpClient;
  /** The same for Azure Resource Manager (its stand-in runs apart). */
  armHttpClient?: HttpClient;
  /** The same for ACS email. */
  emailHttpClient?: HttpClient;
  credential?: TokenCredential;
  clock?: () => Date;
  /** In-tick retry timing; tests shorten the waits. */
  delivery?: DeliveryOptions;
  /** How the ACS email channel waits between polls and for its deadline; tests pass one that records. */
  emailSleep?: Sleep;
  /** A shorter fuse on each Table request try (adapters/table-store.ts), so a held request costs little real time. */
  tablesTimeoutMs?: number;
}

/** The composition root: the one place settings become clients. */
export function createRuntime(
  settings: Settings,
  env: Record<string, string | undefined>,
  overrides: RuntimeOverrides = {},
): Runtime {
  const credential = overrides.credential ?? createCredential(env, settings.managedIdentityClientId);
  const endpoint = new URL(settings.logAnalyticsEndpoint);
  const logs = new LogsQueryClient(credential, {
    endpoint: settings.logAnalyticsEndpoint,
    // monitor-query-logs 1.0.0 ignores `audience`; sovereign clouds need the scope spelled out.
    credentials: { scopes: [`${endpoint.origin}/.default`] },
    retryOptions: { maxRetries: 2 },
    ...(overrides.httpClient ? { httpClient: overrides.httpClient } : {}),
  });
  const policy: Policy = {
    lifecycle: settings.notify.lifecycle,
    notify: settings.notify.notify,
    binMinutes: BIN_MINUTES,
    windowMinutes: settings.rule.windowMinutes,
    minFailures: settings.rule.minFailures,
    minFailurePercent: settings.rule.minFailurePercent,
    resolveAfterMinutes: settings.rule.resolveAfterMinutes,
    criticalIdentities: settings.criticalIdentities,
    spec: settings.spec,
  };
  const [incidents, monitor, baselines, snapshots, silences, notices] = tableClients(
    settings,
    credential,
    overrides.tablesTimeoutMs,
  );
  return {
    policy,
    healthStaleAfterMinutes: settings.healthStaleAfterMinutes,
    signals: createSignalSource({
      client: logs,
      workspaceId: settings.workspaceId,
      config: {
        keyVaultAuditTable: settings.keyVaultAuditTable,
        appInsights: settings.appInsights,
        binMinutes: BIN_MINUTES,
        windowMinutes: policy.windowMinutes,
        priorHours: settings.invocationsPriorHours,
        changesMinutes: settings.changesLookbackMinutes,
        sloPeriods: [...new Set(settings.spec.slos.map((s) => s.period))].sort((a, b) => a - b),
      },
      lookbackMinutes: Math.max(policy.windowMinutes, policy.resolveAfterMinutes) + BIN_MINUTES,
      serverTimeoutSeconds: settings.queryTimeoutSeconds,
      // The client retries throttling and 5xx itself (twice); leave room for one retry's wait.
      clientTimeoutMs: (settings.queryTimeoutSeconds + 15) * 1000,
    }),
    store: createTableStateStore(incidents, monitor, notices),
    baselines: createTableBaselineStore(baselines),
    controlPlane: settings.controlPlane
      ? {
          config: settings.controlPlane,
          deps: createControlPlaneDeps({
            credential,
            config: settings.controlPlane,
            monitorIdentity: { name: "the monitor's identity", clientId: settings.managedIdentityClientId },
            env,
            snapshotsTable: snapshots,
            ...(overrides.armHttpClient ? { httpClient: overrides.armHttpClient } : {}),
            ...(settings.armEndpoint ? { armEndpoint: settings.armEndpoint } : {}),
          }),
        }
      : undefined,
    silences: createTableSilenceStore(silences),
    channels: [
      createTeamsWebhook({ url: settings.teamsWebhookUrl }),
      ...(settings.email
        ? [
            createAcsEmailChannel({
              ...settings.email,
              credential,
              ...(overrides.emailHttpClient ? { httpClient: overrides.emailHttpClient } : {}),
              ...(overrides.emailSleep ? { sleep: overrides.emailSleep } : {}),
            }),
          ]
        : []),
      ...(settings.pagerDuty ? [createPagerDutyChannel(settings.pagerDuty)] : []),
    ],
    workspaceResourceId: settings.workspaceResourceId,
    delivery: overrides.delivery ?? DEFAULT_DELIVERY,
    clock: overrides.clock ?? (() => new Date()),
  };
}

/** The state tables: incidents, the monitor's heartbeat, learned baselines, vault snapshots, silences, queued notices. */
function tableClients(
  settings: Settings,
  credential: TokenCredential,
  timeoutMs: number | undefined,
): [TableClient, TableClient, TableClient, TableClient, TableClient, TableClient] {
  const state = settings.state;
  const names = ["Incidents", "Monitor", "Baselines", "ControlPlane", "Silences", "Notices"].map(
    (n) => `${state.tablePrefix}${n}`,
  );
  // Every Table request has a fuse and bounded retries: a hung one must not hold the tick.
  const options = tableClientOptions(timeoutMs);
  let open: (name: string) => TableClient;
  if (state.kind === "endpoint") {
    open = (name) => new TableClient(state.tableEndpoint, name, credential, options);
  } else {
    const conn = state.connectionString.reveal();
    // Azurite speaks plain http on loopback; the SDK refuses http unless told.
    const insecure = /TableEndpoint=http:\/\//i.test(conn) || /UseDevelopmentStorage=true/i.test(conn);
    open = (name) => TableClient.fromConnectionString(conn, name, { ...options, allowInsecureConnection: insecure });
  }
  return names.map(open) as [TableClient, TableClient, TableClient, TableClient, TableClient, TableClient];
}

let fromEnv: Runtime | undefined;

/** The runtime for the Functions host, built on first use from `process.env`. Throws SettingsError. */
export function runtimeFromEnv(): Runtime {
  fromEnv ??= createRuntime(loadSettings(process.env), process.env);
  return fromEnv;
}
