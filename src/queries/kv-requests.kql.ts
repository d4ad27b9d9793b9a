import { kqlMinutes } from "./kql.js";

/** Where Key Vault AuditEvent lands: the legacy shared table or the resource-specific one. */
export type KeyVaultAuditTable = "AzureDiagnostics" | "AZKVAuditLogs";

/** The first line of the query; it also names the query in the workspace's LAQueryLogs. */
export const KV_REQUESTS_MARKER = "// vaultwatch: kv-requests v1";

/** Columns the query returns, in order, with the Kusto types the mapper expects. */
export const KV_REQUESTS_COLUMNS = [
  ["BinStart", "datetime"],
  ["VaultResourceId", "string"],
  ["CallerObjectId", "string"],
  ["CallerAppId", "string"],
  ["CallerResourceId", "string"],
  ["Total", "long"],
  ["Succeeded", "long"],
  ["Unauthorized", "long"],
  ["Forbidden", "long"],
  ["Throttled", "long"],
  ["Other", "long"],
  ["Operations", "dynamic"],
] as const;

export interface KvRequestsParams {
  table: KeyVaultAuditTable;
  binMinutes: number;
}

/**
 * Key Vault requests per vault, caller and time bin, with the status split the rules need.
 * Aggregation happens in Kusto: one row per (bin, vault, caller), never raw events. The time
 * range is not in the text: it travels as the query API's `timespan`.
 */
export function renderKvRequests({ table, binMinutes }: KvRequestsParams): string {
  const source = table === "AZKVAuditLogs" ? RESOURCE_SPECIFIC : AZURE_DIAGNOSTICS;
  return [KV_REQUESTS_MARKER, ...source, ...summarize(binMinutes)].join("\n");
}

// Legacy mode. Identity claim columns exist only once some event carried them, and a workspace
// past 500 AzureDiagnostics columns moves new ones to AdditionalFields: hence column_ifexists.
const AZURE_DIAGNOSTICS = [
  "AzureDiagnostics",
  '| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"',
  "| extend Status = toint(httpStatusCode_d)",
  '| extend CallerObjectId = tolower(coalesce(tostring(column_ifexists("identity_claim_oid_g", "")), tostring(column_ifexists("identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g", ""))))',
  '| extend CallerAppId = tolower(tostring(column_ifexists("identity_claim_appid_g", "")))',
  '| extend CallerResourceId = tostring(column_ifexists("identity_claim_xms_mirid_s", ""))',
];

const RESOURCE_SPECIFIC = [
  "AZKVAuditLogs",
  "| extend Status = toint(HttpStatusCode)",
  "| extend CallerObjectId = tolower(tostring(Identity.claim.oid))",
  "| extend CallerAppId = tolower(tostring(Identity.claim.appid))",
  "| extend CallerResourceId = tostring(Identity.claim.xms_mirid)",
];

const summarize = (binMinutes: number) => [
  // SDK clients send a first request without a token and get 401 + WWW-Authenticate by design;
  // Microsoft's own failure queries leave that challenge out, and so do we.
  '| where not(OperationName == "Authentication" and Status == 401)',
  "| summarize Total = count(),",
  "    Succeeded = countif(Status between (200 .. 299)),",
  "    Unauthorized = countif(Status == 401),",
  "    Forbidden = countif(Status == 403),",
  "    Throttled = countif(Status == 429),",
  "    Other = countif(Status !between (200 .. 299) and Status !in (401, 403, 429)),",
  "    Operations = make_set(OperationName, 8)",
  `    by BinStart = bin(TimeGenerated, ${kqlMinutes(binMinutes)}), VaultResourceId = tolower(_ResourceId), CallerObjectId, CallerAppId, CallerResourceId`,
];
