import type { Leg, WindowBound } from "./leg.js";
import { project } from "./leg.js";

import type { KeyVaultAuditTable } from "../../model/signals.js";

export type { KeyVaultAuditTable };

// Legacy mode. Identity and authorization columns exist only once some event carried them, and a
// workspace past 500 AzureDiagnostics columns stops adding them: hence column_ifexists.
const AZURE_DIAGNOSTICS = (from: WindowBound) => [
  "AzureDiagnostics",
  `| where TimeGenerated >= ${from} and TimeGenerated < windowEnd`,
  '| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"',
  "| extend Status = toint(httpStatusCode_d)",
  '| extend CallerObjectId = tolower(coalesce(tostring(column_ifexists("identity_claim_oid_g", "")), tostring(column_ifexists("identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g", ""))))',
  '| extend CallerAppId = tolower(tostring(column_ifexists("identity_claim_appid_g", "")))',
  '| extend CallerResourceId = tostring(column_ifexists("identity_claim_xms_mirid_s", ""))',
  '| extend RbacOk = tostring(column_ifexists("isRbacAuthorized_b", "")), PolicyOk = tostring(isAccessPolicyMatch_b), AddressOk = tostring(column_ifexists("isAddressAuthorized_b", ""))',
  "| extend Detail = ResultDescription",
];

const RESOURCE_SPECIFIC = (from: WindowBound) => [
  "AZKVAuditLogs",
  `| where TimeGenerated >= ${from} and TimeGenerated < windowEnd`,
  "| extend Status = toint(HttpStatusCode)",
  "| extend CallerObjectId = tolower(tostring(Identity.claim.oid))",
  "| extend CallerAppId = tolower(tostring(Identity.claim.appid))",
  "| extend CallerResourceId = tostring(Identity.claim.xms_mirid)",
  "| extend RbacOk = tostring(IsRbacAuthorized), PolicyOk = tostring(IsAccessPolicyMatch), AddressOk = tostring(IsAddressAuthorized)",
  "| extend Detail = ResultDescription",
];

/** The audit events of a table from `from` to windowEnd, with the caller and status extracted. */
export function kvSource(table: KeyVaultAuditTable, from: WindowBound): string {
  return [
    ...(table === "AZKVAuditLogs" ? RESOURCE_SPECIFIC(from) : AZURE_DIAGNOSTICS(from)),
    // SDK clients send a first request without a token and get 401 + WWW-Authenticate by
    // design; Microsoft's own failure queries leave that challenge out, and so do we
    // (Azure/azure-sdk-for-python issue 23252; docs/reference/key-vault-logs.md).
    '| where not(OperationName == "Authentication" and Status == 401)',
  ].join("\n");
}

/** Requests per vault, caller and operation, with the 403s split by what denied them. */
export function kvRequestsLeg(table: KeyVaultAuditTable, binMinutes: string): Leg {
  return {
    signal: "kv-requests",
    table,
    source: kvSource(table, "windowStart"),
    aggregate: [
      // A firewall denial is a 403 whose caller address was refused ("Client address is not
      // authorized and caller is not a trusted service"); otherwise the vault's permission model
      // decided: isRbacAuthorized on RBAC vaults, isAccessPolicyMatch on access-policy vaults.
      '| extend Denial = case(Status != 403, "", AddressOk =~ "false" or Detail has "Client address", "firewall", RbacOk =~ "false", "rbac", PolicyOk =~ "false", "policy", "other")',
      "| summarize Total = count(),",
      "    Succeeded = countif(Status between (200 .. 299)),",
      "    Unauthorized = countif(Status == 401),",
      '    ForbiddenRbac = countif(Denial == "rbac"),',
      '    ForbiddenPolicy = countif(Denial == "policy"),',
      '    ForbiddenFirewall = countif(Denial == "firewall"),',
      '    ForbiddenOther = countif(Denial == "other"),',
      "    Throttled = countif(Status == 429),",
      "    Other = countif(Status !between (200 .. 299) and Status !in (401, 403, 429))",
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
