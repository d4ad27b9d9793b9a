import type { LogStore } from "../emulator/store.js";
import type { RawRecord } from "../emulator/records/raw-record.js";
import type { TruthIncidentSpec } from "../scenario/format.js";
import { appCallsWith, type IdentityAliases, lastSegment, NO_ALIASES, sameIdentity, sameName } from "./score.js";

/**
 * When each truth incident's data became queryable: the earliest ingestion time among the records
 * that show it. Key Vault resource logs usually land 3 to 10 minutes after the request
 * (azure-monitor-docs logs/data-ingestion-time.md), and the monitor's SLO sums end where its data
 * is complete (docs/adr/0017-data-horizon.md), so time to detect from onset carries the ingestion
 * delay, which no monitor can beat; time to detect from data arrival does not.
 *
 * The records that show an incident, all with their TimeGenerated in [onset − 5 min, recovered] (the
 * truth's first and last failing request, less the bin a corpus record is dated to the start of):
 * - Key Vault audit events (AzureDiagnostics' AuditEvent rows, AZKVAuditLogs) of the truth's vault
 *   from the truth's identity (by object ID, client ID or managed identity resource ID, through
 *   the scenario's aliases) answered 401, 403, 429 or 5xx, less the SDK's token-less challenge
 *   (OperationName "Authentication" with 401), which every healthy client sends;
 * - for what only the app sees (no token, so no request reaches the vault): failed dependency
 *   calls to the truth's vault (any vault when it names none) of an app that calls with the
 *   truth's identity, less a 401 the same operation followed with another call to the same target
 *   (the challenge and its retry, docs/adr/0016-dependency-challenge-401.md); and credential errors
 *   that app traced or threw (a trace at Error or above, or an exception, naming a credential, a
 *   managed identity, an AADSTS or AKV error code).
 * A truth that names no vault or no identity takes every vault or caller. Undefined when no record
 * shows the incident, and for a truth about the monitor's own sight (a vault that stopped logging).
 */

const MINUTE = 60_000;
const BIN_MS = 5 * MINUTE;
const KV_TABLES = ["AzureDiagnostics", "AZKVAuditLogs"] as const;
const DEPENDENCY_TABLES = ["AppDependencies", "dependencies"] as const;
const CREDENTIAL_TABLES = ["AppTraces", "AppExceptions", "traces", "exceptions"] as const;
/** The credential-error classes the credential-traces signal reads (docs/signals.md), loosely. */
const CREDENTIAL_TEXT = /credential|managed identity|AADSTS\d+|AKV\d+/i;
/** SeverityLevel 3 is Error (Application Insights: 0 Verbose … 4 Critical). */
const ERROR_LEVEL = 3;

export function dataArrivals(
  logs: LogStore,
  truths: readonly TruthIncidentSpec[],
  aliases: IdentityAliases = NO_ALIASES,
): (Date | undefined)[] {
  return truths.map((t) => dataArrival(logs, t, aliases));
}

export function dataArrival(
  logs: LogStore,
  t: TruthIncidentSpec,
  aliases: IdentityAliases = NO_ALIASES,
): Date | undefined {
  // The monitor's own sight (docs/adr/0015-monitor-blind-pages.md): no failing record shows it.
  if (t.subject === "monitor") return undefined;
  // The corpus stamps a 5-minute bin's records at the bin's start (test/scenarios/README.md): the
  // first failing request's record may be dated up to a bin before the onset it stands for.
  const range = { from: t.onset.getTime() - BIN_MS, to: t.recovered.getTime() + 1 };
  let first = Number.POSITIVE_INFINITY;
  const seen = (ingestedAt: number) => {
    if (ingestedAt < first) first = ingestedAt;
  };
  const byIdentity = (names: readonly unknown[]) =>
    t.identity === undefined ||
    names.some((n) => typeof n === "string" && n !== "" && sameIdentity(n, t.identity!, aliases));
  const byApp = (app: unknown) =>
    t.identity === undefined || (typeof app === "string" && app !== "" && appCallsWith(app, t.identity, aliases));

  for (const table of KV_TABLES)
    for (const { record, ingestedAt } of logs.records(table, range)) {
      const kv = keyVaultEvent(table, record);
      if (!kv || !failed(kv.status) || (kv.operation === "Authentication" && kv.status === 401)) continue;
      if (t.vault !== undefined && !sameName(kv.vault, t.vault)) continue;
      if (byIdentity(kv.callers)) seen(ingestedAt);
    }

  for (const table of DEPENDENCY_TABLES) {
    // A minute past recovery, to see the retry that follows a challenge at the last moment (tens of milliseconds).
    const calls = [...logs.records(table, { from: range.from, to: range.to + MINUTE })].map(
      ({ record, ingestedAt }) => ({ call: dependency(record), ingestedAt }),
    );
    for (const { call, ingestedAt } of calls) {
      if (call.at >= range.to || call.success || !byApp(call.app) || !toVault(call.target, t.vault)) continue;
      const retried =
        call.resultCode === "401" &&
        call.operation !== "" &&
        calls.some((o) => o.call.operation === call.operation && o.call.target === call.target && o.call.at > call.at);
      if (!retried) seen(ingestedAt);
    }
  }

  for (const table of CREDENTIAL_TABLES)
    for (const { record, ingestedAt } of logs.records(table, range)) {
      const exception = table === "AppExceptions" || table === "exceptions";
      const level = Number(column(record, "SeverityLevel") ?? 0);
      if (!exception && level < ERROR_LEVEL) continue;
      const text = ["Message", "OuterMessage", "InnermostMessage"]
        .map((c) => String(column(record, c) ?? ""))
        .join("\n");
      if (CREDENTIAL_TEXT.test(text) && byApp(column(record, "AppRoleName"))) seen(ingestedAt);
    }

  return Number.isFinite(first) ? new Date(first) : undefined;
}

function failed(status: number): boolean {
  return status === 401 || status === 403 || status === 429 || (status >= 500 && status <= 599);
}

/** The fields of a Key Vault audit event both tables carry, or undefined for another service's row. */
function keyVaultEvent(
  table: (typeof KV_TABLES)[number],
  r: RawRecord,
): { vault: string; operation: string; status: number; callers: unknown[] } | undefined {
  if (table === "AzureDiagnostics") {
    if (String(r.ResourceProvider ?? "").toUpperCase() !== "MICROSOFT.KEYVAULT" || r.Category !== "AuditEvent")
      return undefined;
    return {
      vault: String(r._ResourceId ?? ""),
      operation: String(r.OperationName ?? ""),
      status: Number(r.httpStatusCode_d),
      callers: [
        r.identity_claim_oid_g,
        r.identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g,
        r.identity_claim_appid_g,
        r.identity_claim_xms_mirid_s,
      ],
    };
  }
  const claim = ((r.Identity as { claim?: Record<string, unknown> } | undefined)?.claim ?? {}) as Record<
    string,
    unknown
  >;
  return {
    vault: String(r._ResourceId ?? ""),
    operation: String(r.OperationName ?? ""),
    status: Number(r.HttpStatusCode),
    callers: [
      claim.oid,
      claim["http://schemas.microsoft.com/identity/claims/objectidentifier"],
      claim.appid,
      claim.xms_mirid,
    ],
  };
}

/** A dependency call in either the workspace or the classic table's column names. */
function dependency(r: RawRecord) {
  const success = column(r, "Success");
  return {
    at: Date.parse(String(column(r, "TimeGenerated") ?? "")),
    app: column(r, "AppRoleName"),
    target: String(column(r, "Target") ?? "").toLowerCase(),
    resultCode: String(column(r, "ResultCode") ?? ""),
    // Classic `success` is the text "True" or "False".
    success: success === true || String(success).toLowerCase() === "true",
    operation: String(column(r, "OperationId") ?? ""),
  };
}

/** Whether a dependency target (`kv-orders-prod.vault.azure.net`) is the vault, or any vault when none is named. */
function toVault(target: string, vault: string | undefined): boolean {
  if (!target.includes(".vault.azure.net")) return false;
  return vault === undefined || target.split(".")[0] === lastSegment(vault);
}

/** Classic Application Insights names (tools/emulator/records/app-insights-classic.ts). */
const CLASSIC: Readonly<Record<string, string>> = {
  TimeGenerated: "timestamp",
  AppRoleName: "cloud_RoleName",
  OperationId: "operation_Id",
};

function column(r: RawRecord, name: string): unknown {
  if (name in r) return r[name];
  const classic = CLASSIC[name] ?? name.charAt(0).toLowerCase() + name.slice(1);
  return r[classic];
}
