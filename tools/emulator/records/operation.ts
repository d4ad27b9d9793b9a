import { WORKSPACE_ID } from "./environment.js";
import { guidOf } from "./hash.js";
import type { RawRecord } from "./raw-record.js";
import { parseArmId } from "./resource-id.js";

/**
 * The Operation table's data-capping notification: when the daily cap is reached, ingestion stops
 * until the next reset and the workspace writes a warning. Shape from MicrosoftDocs/azure-docs:
 * - articles/azure-monitor/log-query/operation-table.md: `Operation | where OperationCategory ==
 *   "Data Collection Status" and OperationStatus == "Warning" | project Detail`;
 * - articles/azure-monitor/logs/monitor-workspace.md and the Automation troubleshooting pages: the
 *   Detail text "Data collection stopped due to daily limit of free data reached. Ingestion status = OverQuota"
 *   (the daily-cap alert matches `Detail contains "OverQuota"`);
 * - Azure/azure-monitor-baseline-alerts' daily-cap alert: `Operation | where OperationCategory ==
 *   "Data Collection Status" | where Detail has_any("RespectQuota", "OverQuota")`.
 * OperationKey's value is not documented; "Data collection Status" is the Operation name the
 * `_LogOperation` view shows for this event (monitor-workspace.md's daily-limit alert).
 */
export function dailyCapReached(at: Date, workspaceResourceId: string): RawRecord {
  const workspace = parseArmId(workspaceResourceId);
  return {
    TenantId: WORKSPACE_ID,
    TimeGenerated: at.toISOString(),
    CorrelationId: guidOf("daily-cap", workspaceResourceId.toLowerCase(), at.getTime()),
    Detail: "Data collection stopped due to daily limit of free data reached. Ingestion status = OverQuota",
    OperationCategory: "Data Collection Status",
    OperationKey: "Data collection Status",
    OperationStatus: "Warning",
    Solution: "LogManagement",
    _ResourceId: workspaceResourceId.toLowerCase(),
    _SubscriptionId: workspace.subscriptionId.toLowerCase(),
    SourceSystem: "Azure",
    Type: "Operation",
  };
}
