/** Key Vault AuditEvent tables: the legacy shared one, or the resource-specific one. */
export type KeyVaultAuditTable = "AzureDiagnostics" | "AZKVAuditLogs";

/** What the queries return, as the core reads it: request bins per caller and vault. */

/** Requests of one caller to one vault in one time bin, as aggregated in Kusto. */
export interface KvRequestBin {
  binStart: Date;
  /** Lower-case ARM resource ID of the vault. */
  vaultResourceId: string;
  /** Object (principal) ID of the caller; "" when the request carried no token. */
  callerObjectId: string;
  callerAppId: string;
  /** ARM ID of the managed identity (`xms_mirid` claim); "" when not logged. */
  callerResourceId: string;
  /** The table the vault's audit events are in; runbook queries read the same one. */
  auditTable: KeyVaultAuditTable;
  total: number;
  succeeded: number;
  unauthorized: number;
  forbidden: number;
  /** The 403s split by what denied them (they sum to `forbidden`). */
  forbiddenRbac: number;
  forbiddenPolicy: number;
  forbiddenFirewall: number;
  throttled: number;
  other: number;
  operations: string[];
}

/** What one query returned. A partial or failed query never reads as "all healthy". */
export type SignalOutcome =
  | { status: "complete"; rows: KvRequestBin[] }
  | { status: "partial"; rows: KvRequestBin[]; problem: string }
  | { status: "failed"; problem: string };

/** The identity of a series: one caller's access to one vault. */
export interface SeriesKey {
  vaultResourceId: string;
  callerObjectId: string;
  callerAppId: string;
  callerResourceId: string;
  auditTable: KeyVaultAuditTable;
  /** The app a network incident is about (its dependency calls carry no caller identity). */
  app?: string | undefined;
}

/** A stable ID for a caller's access to a vault: vault plus object ID (app ID when no object ID). */
export function seriesId(key: Pick<SeriesKey, "vaultResourceId" | "callerObjectId" | "callerAppId">): string {
  return `${key.vaultResourceId.toLowerCase()}|${(key.callerObjectId || key.callerAppId).toLowerCase()}`;
}
