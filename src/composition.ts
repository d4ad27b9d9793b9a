import { TableClient } from "@azure/data-tables";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/core-auth";
import { loadSettings, type Settings } from "./config/settings.js";
import type { Policy } from "./core/model.js";
import { createCredential } from "./adapters/credential.js";
import { createSignalSource } from "./adapters/log-analytics.js";
import { createTableStateStore } from "./adapters/table-store.js";
import { createTeamsWebhook } from "./adapters/teams-webhook.js";
import type { Runtime } from "./app/runtime.js";

/** Kusto bin size for the request signal: fine enough to see onset, coarse enough to stay small. */
export const BIN_MINUTES = 5;

/** Seams for the local replay and the tests; production passes none. */
export interface RuntimeOverrides {
  /** Sends every Azure SDK request elsewhere (the local stand-in) while keeping https URLs. */
  httpClient?: HttpClient;
  credential?: TokenCredential;
  clock?: () => Date;
}

/** The composition root: the one place settings become clients. */
export function createRuntime(settings: Settings, env: Record<string, string | undefined>, overrides: RuntimeOverrides = {}): Runtime {
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
    binMinutes: BIN_MINUTES,
    windowMinutes: settings.rule.windowMinutes,
    minFailures: settings.rule.minFailures,
    minFailurePercent: settings.rule.minFailurePercent,
    resolveAfterMinutes: settings.rule.resolveAfterMinutes,
    criticalIdentities: settings.criticalIdentities,
    spec: settings.spec,
  };
  const [incidents, monitor] = tableClients(settings, credential);
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
    store: createTableStateStore(incidents, monitor),
    teams: createTeamsWebhook({ url: settings.teamsWebhookUrl }),
    clock: overrides.clock ?? (() => new Date()),
  };
}

function tableClients(settings: Settings, credential: TokenCredential): [TableClient, TableClient] {
  const names = [`${settings.state.tablePrefix}Incidents`, `${settings.state.tablePrefix}Monitor`] as const;
  const state = settings.state;
  if (state.kind === "endpoint") {
    return [new TableClient(state.tableEndpoint, names[0], credential), new TableClient(state.tableEndpoint, names[1], credential)];
  }
  const conn = state.connectionString.reveal();
  // Azurite speaks plain http on loopback; the SDK refuses http unless told.
  const insecure = /TableEndpoint=http:\/\//i.test(conn) || /UseDevelopmentStorage=true/i.test(conn);
  return [
    TableClient.fromConnectionString(conn, names[0], { allowInsecureConnection: insecure }),
    TableClient.fromConnectionString(conn, names[1], { allowInsecureConnection: insecure }),
  ];
}

let fromEnv: Runtime | undefined;

/** The runtime for the Functions host, built on first use from `process.env`. Throws SettingsError. */
export function runtimeFromEnv(): Runtime {
  fromEnv ??= createRuntime(loadSettings(process.env), process.env);
  return fromEnv;
}
