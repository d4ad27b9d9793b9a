import type { Leg } from "./leg.js";
import { project } from "./leg.js";

/**
 * Control-plane changes that explain access failures (AzureActivity): role assignments written or
 * deleted, Key Vault writes (permission model, network rules, access policies), and identity
 * changes on apps. Operation names appear in either case, hence tolower. Deletes carry the
 * assignment in the response body, writes in the request body.
 */
export function changesLeg(binMinutes: string): Leg {
  return {
    signal: "changes",
    table: "AzureActivity",
    source: [
      "AzureActivity",
      "| where TimeGenerated >= changesStart and TimeGenerated < windowEnd",
      "| extend Op = tolower(OperationNameValue)",
      '| where Op in ("microsoft.authorization/roleassignments/write", "microsoft.authorization/roleassignments/delete", "microsoft.keyvault/vaults/write", "microsoft.keyvault/vaults/accesspolicies/write", "microsoft.managedidentity/userassignedidentities/assign/action")',
      '    or (Op == "microsoft.web/sites/write" and tostring(Properties_d.requestbody) has "identity")',
      '| where ActivityStatusValue in~ ("Success", "Succeeded")',
    ].join("\n"),
    aggregate: [
      "| extend Body = parse_json(coalesce(tostring(Properties_d.requestbody), tostring(Properties_d.responseBody)))",
      '| extend Kind = case(Op endswith "roleassignments/write", "role-assignment-write", Op endswith "roleassignments/delete", "role-assignment-delete", Op endswith "accesspolicies/write", "vault-access-policy-write", Op == "microsoft.keyvault/vaults/write", "vault-write", "app-identity-change")',
      "| extend Scope = tolower(coalesce(tostring(Body.properties.scope), tostring(Body.Properties.Scope), tostring(Authorization_d.scope), _ResourceId))",
      "| extend PrincipalId = tolower(coalesce(tostring(Body.properties.principalId), tostring(Body.Properties.PrincipalId)))",
      "| extend RoleDefinitionId = tolower(coalesce(tostring(Body.properties.roleDefinitionId), tostring(Body.Properties.RoleDefinitionId)))",
      `| summarize Events = count(), First = min(TimeGenerated), Last = max(TimeGenerated) by BinStart = bin(TimeGenerated, ${binMinutes}), Kind, Op, Scope, PrincipalId, RoleDefinitionId, Caller, ActivityStatusValue`,
      project(
        "changes",
        {
          kind: "Kind",
          operation: "Op",
          scope: "Scope",
          principalId: "PrincipalId",
          roleDefinitionId: "RoleDefinitionId",
          caller: "Caller",
          status: "ActivityStatusValue",
        },
        { events: "Events" },
        { firstAt: "First", lastAt: "Last" },
      ),
    ].join("\n"),
  };
}
