import type { Leg, WindowBound, WindowEnd } from "./leg.js";
import { project } from "./leg.js";

import type { KeyVaultAuditTable } from "../../model/signals.js";

export type { KeyVaultAuditTable };

// Legacy mode. Identity and authorization columns exist only once some event carried them, and a
// workspace past 500 AzureDiagnostics columns stops adding them: hence column_ifexists.
const AZURE_DIAGNOSTICS = (from: WindowBound, to: WindowEnd) => [
  "AzureDiagnostics",
  `| where TimeGenerated >= ${from} and TimeGenerated < ${to}`,
  '| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"',
  "| extend Status = toint(httpStatusCode_d)",
  '| extend CallerObjectId = tolower(coalesce(tostring(column_ifexists("identity_claim_oid_g", "")), tostring(column_ifexists("identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g", ""))))',
  '| extend CallerAppId = tolower(tostring(column_ifexists("identity_claim_appid_g", "")))',
  '| extend CallerResourceId = tostring(column_ifexists("identity_claim_xms_mirid_s", ""))',
  '| extend RbacOk = tostring(column_ifexists("isRbacAuthorized_b", "")), PolicyOk = tostring(isAccessPolicyMatch_b), AddressOk = tostring(column_ifexists("isAddressAuthorized_b", ""))',
  "| extend Detail = ResultDescription",
];

const RESOURCE_SPECIFIC = (from: WindowBound, to: WindowEnd) => [
  "AZKVAuditLogs",
  `| where TimeGenerated >= ${from} and TimeGenerated < ${to}`,
  "| extend Status = toint(HttpStatusCode)",
  // Data-plane calls carry claim.oid; calls Resource Manager makes on a caller's behalf (VaultGet,
  // …) carry the object ID under the long-form claim, as AzureDiagnostics' long column does
  // (key-vault/general/logging.md's sample record).
  '| extend CallerObjectId = tolower(coalesce(tostring(Identity.claim.oid), tostring(Identity.claim["http://schemas.microsoft.com/identity/claims/objectidentifier"])))',
  "| extend CallerAppId = tolower(tostring(Identity.claim.appid))",
  "| extend CallerResourceId = tostring(Identity.claim.xms_mirid)",
  "| extend RbacOk = tostring(IsRbacAuthorized), PolicyOk = tostring(IsAccessPolicyMatch), AddressOk = tostring(IsAddressAuthorized)",
  "| extend Detail = ResultDescription",
];

/**
 * What refused a 403, decided once so that every leg (requests, SLO sums, history) agrees:
 * - "network": the vault's network rules refused the caller before any permission was checked,
 *   "Client address is not authorized and caller is not a trusted service" (firewall) or "Public
 *   network access is disabled and request is not from a trusted service nor via an approved
 *   private link" (key-vault/general/rest-error-codes.md; docs/reference/key-vault-logs.md);
 * - "state": the caller was authorized but the object cannot serve the operation now: "Operation
 *   get is not allowed on a disabled secret." (inner code SecretDisabled; Azure/azure-sdk-for-js
 *   issue 24756); "… on an expired secret" (SecretExpired, as Azure/AzureKeyVault issue 19 quotes
 *   it); a key used outside its nbf/exp window, which Key Vault refuses for encrypt, sign and wrap
 *   (key-vault/keys/about-keys-details.md; the wording is not published, hence the bare terms).
 *   Not an identity failure: never a denial, never SLO-bad. Checked before the permission flags,
 *   which need not say "authorized" on such a row (an RBAC vault's row has no policy match);
 * - "rbac" / "policy": the vault's permission model refused the caller: isRbacAuthorized on RBAC
 *   vaults, isAccessPolicyMatch on access-policy vaults;
 * - "other": any other 403.
 */
const REFUSAL = [
  '| extend Refusal = case(Status != 403, "",',
  '    AddressOk =~ "false" or Detail has "Client address" or Detail has "Public network access is disabled", "network",',
  '    Detail has "is not allowed on a disabled" or Detail has "expired" or Detail has "not yet valid", "state",',
  '    RbacOk =~ "false", "rbac", PolicyOk =~ "false", "policy", "other")',
].join("\n");

/**
 * The audit events of a table from `from` to `to` (windowEnd, or the data horizon for the SLO
 * sums), with the caller and status extracted.
 */
export function kvSource(table: KeyVaultAuditTable, from: WindowBound, to: WindowEnd = "windowEnd"): string {
  return [
    ...(table === "AZKVAuditLogs" ? RESOURCE_SPECIFIC(from, to) : AZURE_DIAGNOSTICS(from, to)),
    // SDK clients send a first request without a token and get 401 + WWW-Authenticate by
    // design; Microsoft's own failure queries leave that challenge out, and so do we
    // (Azure/azure-sdk-for-python issue 23252; docs/reference/key-vault-logs.md).
    '| where not(OperationName == "Authentication" and Status == 401)',
    REFUSAL,
  ].join("\n");
}

/** Requests per vault, caller and operation, with the 403s split by what denied them. */
export function kvRequestsLeg(table: KeyVaultAuditTable, binMinutes: string): Leg {
  return {
    signal: "kv-requests",
    table,
    source: kvSource(table, "windowStart"),
    aggregate: [
      // The 403s split by Refusal (kvSource); a resource-state refusal is counted with the other
      // answers that are no access problem (404, 5xx), never as a 403 denial.
      "| summarize Total = count(),",
      "    Succeeded = countif(Status between (200 .. 299)),",
      "    Unauthorized = countif(Status == 401),",
      '    ForbiddenRbac = countif(Refusal == "rbac"),',
      '    ForbiddenPolicy = countif(Refusal == "policy"),',
      '    ForbiddenFirewall = countif(Refusal == "network"),',
      '    ForbiddenOther = countif(Refusal == "other"),',
      "    Throttled = countif(Status == 429),",
      '    Other = countif((Status !between (200 .. 299) and Status !in (401, 403, 429)) or Refusal == "state")',
      `    by BinStart = bin(TimeGenerated, ${binMinutes}), VaultResourceId = tolower(_ResourceId), CallerObjectId, CallerAppId, CallerResourceId, OperationName`,
      project(
        "kv-requests",
        {
          vaultResourceId: "VaultResourceId",
          callerObjectId: "CallerObjectId",
          callerAppId: "CallerAppId",
          callerResourceId: "CallerResourceId",
          operation: "OperationName",
          source: `"${table}"`,
        },
        {
          total: "Total",
          succeeded: "Succeeded",
          unauthorized: "Unauthorized",
          forbiddenRbac: "ForbiddenRbac",
          forbiddenPolicy: "ForbiddenPolicy",
          forbiddenFirewall: "ForbiddenFirewall",
          forbiddenOther: "ForbiddenOther",
          throttled: "Throttled",
          other: "Other",
        },
      ),
    ].join("\n"),
  };
}
