import { activityRecords } from "../emulator/records/activity.js";
import { appDependency, appRequest, appTrace, keyVaultChallengeExchange } from "../emulator/records/app-insights.js";
import { groupMembershipRecord } from "../emulator/records/entra-audit.js";
import { listenerFailure } from "../emulator/records/function-app-logs.js";
import { azkvAuditLog, azureDiagnosticsAudit, kvChallenge } from "../emulator/records/key-vault.js";
import { otherDiagnostics } from "../emulator/records/other-resources.js";
import type { RawRecord } from "../emulator/records/raw-record.js";
import type { RecordFields, RecordKind } from "./format-v2.js";

/** One record and the table it goes to. */
export interface BuiltRecord {
  table: string;
  record: RawRecord;
}

/**
 * The records one entry of a kind stands for at `at`, made by the emulator's record builders
 * (tools/emulator/records/), so a scenario's records have Azure's columns and values without the
 * scenario spelling them out. `seq` numbers an entry's repetitions, for builders that vary IDs.
 * The fields were checked against KIND_FIELDS before: required ones are present.
 */
export function buildRecords(kind: RecordKind, f: RecordFields, at: Date, seq: number): BuiltRecord[] {
  switch (kind) {
    case "kv-audit": {
      const e = {
        at,
        vaultResourceId: f.vaultResourceId!,
        callerObjectId: f.callerObjectId ?? "",
        callerAppId: f.callerAppId ?? "",
        callerResourceId: f.callerResourceId ?? "",
        operation: f.operation!,
        status: f.status!,
        ...(f.callerIpAddress !== undefined ? { callerIpAddress: f.callerIpAddress } : {}),
        ...(f.denial !== undefined ? { denial: f.denial } : {}),
        ...(f.resultDescription !== undefined ? { resultDescription: f.resultDescription } : {}),
        ...(f.correlationId !== undefined ? { correlationId: f.correlationId } : {}),
        ...(f.durationMs !== undefined ? { durationMs: f.durationMs } : {}),
        ...(f.requestUri !== undefined ? { requestUri: f.requestUri } : {}),
        ...(f.clientInfo !== undefined ? { clientInfo: f.clientInfo } : {}),
        ...(f.permissionModel !== undefined ? { permissionModel: f.permissionModel } : {}),
      };
      return [
        f.table === "AZKVAuditLogs"
          ? { table: "AZKVAuditLogs", record: azkvAuditLog(e) }
          : { table: "AzureDiagnostics", record: azureDiagnosticsAudit(e) },
      ];
    }
    case "kv-challenge":
      return [
        {
          table: f.table!,
          record: kvChallenge(at, f.vaultResourceId!, f.table as "AzureDiagnostics" | "AZKVAuditLogs"),
        },
      ];
    case "activity":
      return activityRecords({
        at,
        operation: f.operation!,
        scope: f.scope!,
        caller: f.caller!,
        ...(f.principalId !== undefined ? { principalId: f.principalId } : {}),
        ...(f.roleDefinitionId !== undefined ? { roleDefinitionId: f.roleDefinitionId } : {}),
        ...(f.correlationId !== undefined ? { correlationId: f.correlationId } : {}),
        ...(f.outcome !== undefined ? { outcome: f.outcome } : {}),
        ...(f.resourceId !== undefined ? { resourceId: f.resourceId } : {}),
      }).map((record) => ({ table: "AzureActivity", record }));
    case "other-diagnostics":
      return [{ table: "AzureDiagnostics", record: otherDiagnostics(at, f.service!, seq) }];
    case "app-dependency":
      return [
        {
          table: "AppDependencies",
          record: appDependency({
            at,
            appRoleName: f.appRoleName!,
            target: f.target!,
            dependencyType: f.dependencyType!,
            resultCode: f.resultCode!,
            success: f.success!,
            ...(f.data !== undefined ? { data: f.data } : {}),
            ...(f.name !== undefined ? { name: f.name } : {}),
            ...(f.durationMs !== undefined ? { durationMs: f.durationMs } : {}),
            ...(f.itemCount !== undefined ? { itemCount: f.itemCount } : {}),
            ...(f.operationId !== undefined ? { operationId: f.operationId } : {}),
          }),
        },
      ];
    case "kv-challenge-dependency":
      // The challenge and the request the SDK sends again with its token, in one operation.
      return keyVaultChallengeExchange(at, f.appRoleName!, f.vaultHost!).map((record) => ({
        table: "AppDependencies",
        record,
      }));
    case "app-trace":
      return [
        {
          table: "AppTraces",
          record: appTrace({
            at,
            appRoleName: f.appRoleName!,
            message: f.message!,
            severityLevel: f.severityLevel!,
            ...(f.itemCount !== undefined ? { itemCount: f.itemCount } : {}),
          }),
        },
      ];
    case "app-request":
      return [
        {
          table: "AppRequests",
          record: appRequest({
            at,
            appRoleName: f.appRoleName!,
            name: f.name!,
            success: f.success!,
            resultCode: f.resultCode!,
            ...(f.durationMs !== undefined ? { durationMs: f.durationMs } : {}),
            ...(f.itemCount !== undefined ? { itemCount: f.itemCount } : {}),
          }),
        },
      ];
    case "listener-failure":
      return [
        { table: "FunctionAppLogs", record: listenerFailure(at, f.appName!, f.functionName!, f.innerException!) },
      ];
    case "group-membership":
      return [
        {
          table: "AuditLogs",
          record: groupMembershipRecord({
            at,
            change: f.change!,
            memberObjectId: f.principalId!,
            groupObjectId: f.groupObjectId!,
            groupName: f.groupName!,
            initiatedBy: f.caller!,
            ...(f.memberType !== undefined ? { memberType: f.memberType } : {}),
            ...(f.memberName !== undefined ? { memberName: f.memberName } : {}),
            ...(f.correlationId !== undefined ? { correlationId: f.correlationId } : {}),
            ...(f.outcome === "Failed" ? { result: "failure" as const } : {}),
          }),
        },
      ];
    case "raw":
      return [{ table: f.table!, record: { ...f.columns, TimeGenerated: at.toISOString() } }];
  }
}

/** The host's own message of a listener failure (before its inner exception), as the builder writes it. */
export function listenerHostMessage(appName: string, functionName: string): string {
  return String(listenerFailure(new Date(0), appName, functionName, "").Message ?? "");
}
