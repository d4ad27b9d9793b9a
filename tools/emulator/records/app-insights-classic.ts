import { guidOf } from "./hash.js";
import type { RawRecord } from "./raw-record.js";

/**
 * A workspace-based Application Insights record as a classic resource holds it: other table and
 * column names, from the legacy-to-workspace mapping in MicrosoftDocs/azure-docs
 * articles/azure-monitor/app/convert-classic-resource.md ("Table schemas"). Classic `success` is
 * a string, "True" or "False"; `appName` is the component's name where the workspace holds its
 * resource ID; `itemType` is the item kind where the workspace holds the table name.
 */
const TABLES = {
  AppDependencies: { table: "dependencies", itemType: "dependency" },
  AppTraces: { table: "traces", itemType: "trace" },
  AppRequests: { table: "requests", itemType: "request" },
  AppExceptions: { table: "exceptions", itemType: "exception" },
} as const;

export type WorkspaceAppTable = keyof typeof TABLES;

/** Workspace column → classic column, for the columns whose name changes beyond case. */
const RENAMED: Readonly<Record<string, string>> = {
  TimeGenerated: "timestamp",
  AppRoleName: "cloud_RoleName",
  AppRoleInstance: "cloud_RoleInstance",
  AppVersion: "application_Version",
  ClientType: "client_Type",
  ClientModel: "client_Model",
  ClientOS: "client_OS",
  ClientIP: "client_IP",
  ClientCity: "client_City",
  ClientStateOrProvince: "client_StateOrProvince",
  ClientCountryOrRegion: "client_CountryOrRegion",
  ClientBrowser: "client_Browser",
  Properties: "customDimensions",
  Measurements: "customMeasurements",
  DurationMs: "duration",
  OperationId: "operation_Id",
  OperationName: "operation_Name",
  ParentId: "operation_ParentId",
  SyntheticSource: "operation_SyntheticSource",
  SessionId: "session_Id",
  UserId: "user_Id",
  UserAuthenticatedId: "user_AuthenticatedId",
  UserAccountId: "user_AccountId",
  ResourceGUID: "appId",
  IKey: "iKey",
  SDKVersion: "sdkVersion",
  ItemCount: "itemCount",
  DependencyType: "type",
  ExceptionType: "type",
};

/** Workspace-only columns with no classic counterpart. */
const DROPPED = new Set([
  "TenantId",
  "SourceSystem",
  "Type",
  "_ResourceId",
  "_SubscriptionId",
  "_BilledSize",
  "_IsBillable",
  "ReferencedItemId",
  "ReferencedType",
]);

/** The classic table and record for a workspace App* record. */
export function toClassic(table: WorkspaceAppTable, record: RawRecord): { table: string; record: RawRecord } {
  const { table: classic, itemType } = TABLES[table];
  const out: Record<string, unknown> = { itemType };
  for (const [column, value] of Object.entries(record)) {
    if (DROPPED.has(column)) continue;
    if (column === "Success") out.success = value === true ? "True" : value === false ? "False" : value;
    else out[RENAMED[column] ?? column.charAt(0).toLowerCase() + column.slice(1)] = value;
  }
  const resourceId = record._ResourceId;
  if (typeof resourceId === "string") out.appName = resourceId.split("/").pop();
  out.itemId = guidOf(
    "item",
    classic,
    String(record.TimeGenerated),
    String(record.OperationId ?? ""),
    String(record.Id ?? record.Message ?? ""),
  );
  return { table: classic, record: out };
}
