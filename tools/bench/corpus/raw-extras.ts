import type { RecordEntryInput } from "../../scenario/format-v2.js";
import { routineActivityEntry } from "../../scenario/routine-activity.js";
import { BIN, HOUR, iso, MINUTE, SUBSCRIPTION, unit, type Vault } from "./shared.js";

/**
 * What a real workspace holds besides the requests a story is about, added to every corpus
 * scenario so the monitor's queries have to tell them apart (../shared/reference/azure-log-shapes.md):
 * the Key Vault SDK's token-less challenges (401, operation Authentication) at every cold start and
 * token refresh, on the vault and, for apps that send Application Insights, as a 401 dependency
 * call; other services' rows in AzureDiagnostics; and Key Vault bins that arrive late.
 */

/** One app's Key Vault client on one vault: it challenges the vault when it starts and when its token is renewed. */
export interface VaultClient {
  /** The app's role name (App Insights' AppRoleName). */
  app: string;
  vault: Vault;
  /** Whether the app sends workspace-based Application Insights (then the challenge is also a dependency call). */
  appInsights: boolean;
  /** Instances running the app: each has its own client. */
  instances: number;
  /** When the client first calls the vault (the history's start when absent). */
  from?: number;
}

/** Instances of an app that start cold at `at` (a deploy, a restart, new pods). */
export interface ColdStart {
  at: number;
  app: string;
  /** How many instances start (all of the app's when absent). */
  instances?: number;
}

/**
 * The challenges: one per instance at each cold start, and one per instance a day when its
 * managed-identity token (valid about 24 hours) is renewed, at a time of day that differs per
 * client. The challenge reaches the vault before any token is asked for, so an app that cannot
 * get a token still sends it.
 */
export function challenges(
  clients: readonly VaultClient[],
  coldStarts: readonly ColdStart[],
  from: number,
  to: number,
) {
  const out: RecordEntryInput[] = [];
  const both = (c: VaultClient, at: number, extra: Partial<RecordEntryInput>) => {
    out.push({ kind: "kv-challenge", table: "AzureDiagnostics", vaultResourceId: c.vault.id, at: iso(at), ...extra });
    if (c.appInsights)
      out.push({ kind: "kv-challenge-dependency", appRoleName: c.app, vaultHost: c.vault.host, at: iso(at), ...extra });
  };
  for (const c of clients) {
    const start = c.from ?? from;
    const renew = start + Math.floor(unit(`${c.app}/${c.vault.name}/token`, 0) * 24 * 60) * MINUTE;
    if (renew < to)
      both(c, renew, { every: 24 * 60, until: iso(to), ...(c.instances > 1 ? { count: c.instances } : {}) });
  }
  for (const s of coldStarts)
    for (const c of clients.filter((x) => x.app === s.app && (x.from ?? from) <= s.at)) {
      const n = s.instances ?? c.instances;
      // The first call follows the host's start by some seconds.
      const at = s.at + (5 + Math.floor(unit(`${s.app}/cold`, s.at) * 40)) * 1000;
      both(c, at, n > 1 ? { count: n } : {});
    }
  return out;
}

/**
 * Other services' diagnostics in the shared AzureDiagnostics table, every 5 minutes from `from`
 * to `to`: SQL auditing, Application Gateway access logs and Service Bus operational logs.
 */
export function otherResources(from: number, to: number): RecordEntryInput[] {
  const start = Math.ceil(from / BIN) * BIN;
  return (
    [
      ["sql", 4],
      ["appgw", 30],
      ["servicebus", 3],
    ] as const
  ).map(([service, count]) => ({
    kind: "other-diagnostics",
    service,
    at: iso(start + (service === "sql" ? 1 : service === "appgw" ? 2 : 3) * MINUTE),
    every: 5,
    until: iso(to),
    count,
  }));
}

/**
 * Key Vault bins that arrive late: about one in fifty, complete 7 to 10 minutes after the bin
 * ends instead of 3 (resource logs are "usually available within 3 to 10 minutes"). Deterministic
 * per scenario, table and bin.
 */
export function lateKeyVaultBins(scenario: string): (table: string, binStart: number) => number {
  return (table, binStart) => {
    if (table !== "AzureDiagnostics" && table !== "AZKVAuditLogs") return 0;
    const n = Math.floor(binStart / BIN);
    return unit(`${scenario}/${table}/late`, n) < 0.02 ? 4 + Math.floor(unit(`${scenario}/${table}/lateBy`, n) * 4) : 0;
  };
}

/** The platform's storage account, whose keys the Functions platform and the pipeline read. */
const PLATFORM_STORAGE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.Storage/storageAccounts/stplatformprod`;

/** Routine key reads on the platform storage account (ROUTINE_KEY_READ), so AzureActivity has data on any day. */
export function routineActivity(from: number, to: number): RecordEntryInput[] {
  return [
    routineActivityEntry(PLATFORM_STORAGE, iso(Math.floor(from / HOUR) * HOUR + 2 * HOUR + 13 * MINUTE), iso(to)),
  ];
}

/**
 * The Functions host's routine traces of each app that sends Application Insights: the singleton
 * lock renewed every few minutes ("Host lock lease acquired by instance ID '…'.", Information). An
 * app's AppTraces is never empty, so a credential error is the exception in it, not the only row.
 */
export function hostTraces(clients: readonly VaultClient[], from: number, to: number): RecordEntryInput[] {
  // The corpus' function apps are named func-*; app-portal is a web app and ledger-sync runs on AKS.
  const apps = [...new Set(clients.filter((c) => c.appInsights && c.app.startsWith("func-")).map((c) => c.app))];
  return apps.map((app) => ({
    kind: "app-trace",
    appRoleName: app,
    message: `Host lock lease acquired by instance ID '${Math.floor(unit(`${app}/host`, 0) * 2 ** 32)
      .toString(16)
      .padStart(32, "0")}'.`,
    severityLevel: 1,
    at: iso(Math.ceil(from / BIN) * BIN + 4 * MINUTE),
    every: 5,
    until: iso(to),
  }));
}
