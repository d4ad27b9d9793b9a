import { LogsQueryClient } from "@azure/monitor-query-logs";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createHttpHeaders, type HttpClient } from "@azure/core-rest-pipeline";
import { createSignalSource } from "../../src/adapters/log-analytics.js";
import type { SignalConfig } from "../../src/core/queries/plan.js";
import type { SignalSet, WorkspaceMemo } from "../../src/core/signals/signal-set.js";
import { LogAnalyticsEmulator } from "../../tools/emulator/emulator.js";
import type { LogStore } from "../../tools/emulator/store.js";

export const EMULATED_WORKSPACE_ID = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c";

/** A token the emulator accepts (it checks none): the credential is not what these tests are about. */
const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: "emulated", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** The SDK's transport, answered in-process by the emulator: the real client, no socket. */
function emulatorTransport(emulator: LogAnalyticsEmulator, queries: string[]): HttpClient {
  return {
    async sendRequest(request) {
      const body = JSON.parse(String(request.body ?? "{}")) as { query?: string; timespan?: string };
      queries.push(body.query ?? "");
      const wait = /\bwait=(\d+)/.exec(request.headers.get("prefer") ?? "")?.[1];
      const answer = emulator.answer(body.query ?? "", body.timespan, wait ? { waitSeconds: Number(wait) } : {});
      return {
        request,
        status: answer.status,
        headers: createHttpHeaders({ "content-type": "application/json; charset=utf-8" }),
        bodyAsText: JSON.stringify(answer.body),
      };
    },
  };
}

export const DEFAULT_CONFIG: SignalConfig = {
  keyVaultAuditTable: "auto",
  appInsights: { mode: "workspace" },
  binMinutes: 5,
  windowMinutes: 15,
  priorHours: 6,
  changesMinutes: 120,
  sloPeriods: [30],
};

/**
 * vaultwatch's signal source (the adapter, the real LogsQueryClient) over an emulated workspace
 * holding `store`'s raw records: what the monitor would read from a workspace with these logs.
 */
export function emulatedSignals(
  store: LogStore,
  o: {
    config?: Partial<SignalConfig>;
    lookbackMinutes?: number;
    scanRowsPerSecond?: number;
    serverTimeoutSeconds?: number;
  } = {},
) {
  const emulator = new LogAnalyticsEmulator(store, { scanRowsPerSecond: o.scanRowsPerSecond });
  const queries: string[] = [];
  const client = new LogsQueryClient(credential, {
    httpClient: emulatorTransport(emulator, queries),
    retryOptions: { maxRetries: 0 },
  });
  const source = createSignalSource({
    client,
    workspaceId: EMULATED_WORKSPACE_ID,
    config: { ...DEFAULT_CONFIG, ...o.config },
    lookbackMinutes: o.lookbackMinutes ?? 20,
    serverTimeoutSeconds: o.serverTimeoutSeconds ?? 60,
    clientTimeoutMs: 60_000,
  });
  return {
    queries,
    emulator,
    /** The signals at `now`; `historyHours` > 0 reads the baselines' hourly history too. */
    fetch(now: Date, wants: { historyHours?: number; memo?: WorkspaceMemo } = {}): Promise<SignalSet> {
      return source.fetch(now, wants);
    },
  };
}
