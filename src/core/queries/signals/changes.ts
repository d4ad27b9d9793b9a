import type { Leg } from "./leg.js";
import { project } from "./leg.js";

/** Operations that can explain an access failure, in lower case (they are logged in either case). */
const CHANGE_OPERATIONS =
  '("microsoft.authorization/roleassignments/write", "microsoft.authorization/roleassignments/delete", "microsoft.keyvault/vaults/write", "microsoft.keyvault/vaults/accesspolicies/write", "microsoft.web/sites/write", "microsoft.insights/diagnosticsettings/write", "microsoft.insights/diagnosticsettings/delete")';

/**
 * Control-plane changes that explain access failures (AzureActivity): role assignments written or
 * deleted, Key Vault writes (permission model, network rules, access policies), identity
 * changes on apps, and diagnostic settings written or deleted (a vault that stops sending
 * AuditEvent: core/coverage/vault-silence.ts). Azure logs each write as a Start event carrying the request body (who was
 * granted what, at which scope) and a Success event carrying the outcome, with one CorrelationId
 * (role-based-access-control/change-history-report.md): the leg counts completed changes and reads
 * the body from their Start. A delete carries the assignment in its Success's response body.
 */
export function changesLeg(binMinutes: string): Leg {
  return {
    signal: "changes",
    table: "AzureActivity",
    source: [
      "AzureActivity",
      "| where TimeGenerated >= changesStart and TimeGenerated < windowEnd",
      "| extend Op = tolower(OperationNameValue)",
      `| where Op in ${CHANGE_OPERATIONS}`,
      // Only diagnostic settings of Key Vaults: every resource type has them.
      '| where not(Op startswith "microsoft.insights/") or tolower(_ResourceId) has "/providers/microsoft.keyvault/vaults/"',
      '| where ActivityStatusValue in~ ("Success", "Succeeded")',
    ].join("\n"),
    aggregate: [
      // The Start comes seconds before its Success; START_LEAD (signals-query.ts) widens the read for it.
      "| join kind=leftouter (AzureActivity",
      "    | where TimeGenerated >= changesStart - 10m and TimeGenerated < windowEnd",
      '    | where ActivityStatusValue in~ ("Start", "Started")',
      `    | where tolower(OperationNameValue) in ${CHANGE_OPERATIONS}`,
      // A change is dated by its Start, when it was asked for: its Success follows seconds later.
      "    | summarize StartBody = take_any(tostring(Properties_d.requestbody)), StartedAt = min(TimeGenerated) by CorrelationId",
      "    ) on CorrelationId",
      // An app's write is an identity change only when its request asked for one.
      '| where Op != "microsoft.web/sites/write" or StartBody has "identity"',
      "| extend Body = parse_json(coalesce(StartBody, tostring(Properties_d.responseBody), tostring(Properties_d.requestbody)))",
      '| extend Kind = case(Op endswith "roleassignments/write", "role-assignment-write", Op endswith "roleassignments/delete", "role-assignment-delete", Op endswith "accesspolicies/write", "vault-access-policy-write", Op == "microsoft.keyvault/vaults/write", "vault-write", Op endswith "diagnosticsettings/write", "diagnostic-setting-write", Op endswith "diagnosticsettings/delete", "diagnostic-setting-delete", "app-identity-change")',
      // A diagnostic setting is a child of the resource it exports: its own ID (the events'
      // authorization scope and _ResourceId) is "<vault>/providers/microsoft.insights/diagnosticsettings/<name>".
      // Detections of deleted settings read it the same way (Azure Sentinel-style rule
      // "Azure Diagnostic settings removed from a resource"; Elastic's "Azure Diagnostic Settings Deletion").
      "| extend Scope = tolower(coalesce(tostring(Body.properties.scope), tostring(Body.Properties.Scope), tostring(Authorization_d.scope), _ResourceId))",
      "| extend PrincipalId = tolower(coalesce(tostring(Body.properties.principalId), tostring(Body.Properties.PrincipalId)))",
      "| extend RoleDefinitionId = tolower(coalesce(tostring(Body.properties.roleDefinitionId), tostring(Body.Properties.RoleDefinitionId)))",
      `| summarize Events = count(), First = min(coalesce(StartedAt, TimeGenerated)), Last = max(TimeGenerated) by BinStart = bin(TimeGenerated, ${binMinutes}), Kind, Op, Scope, PrincipalId, RoleDefinitionId, Caller, ActivityStatusValue`,
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
