import type { QueryFailure } from "../signals/query-failure.js";
import type { KEY_VAULT_AUDIT_TABLES, RequestCounts } from "../signals/signal-set.js";

export type { QueryFailure, QueryFailureReason } from "../signals/query-failure.js";

/** Key Vault AuditEvent tables: the legacy shared one, or the resource-specific one. */
export type KeyVaultAuditTable = (typeof KEY_VAULT_AUDIT_TABLES)[number];

/** What the queries return, as the core reads it: request bins per caller and vault. */

/** Requests of one caller to one vault in one time bin, as aggregated in Kusto. */
export interface KvRequestBin extends SeriesKey {
  binStart: Date;
  /** The row's counts as the query returned them (all operations of the bin added up). */
  counts: RequestCounts;
  operations: string[];
}

/**
 * What one query returned. A partial or failed query never reads as "all healthy". `failure` says
 * why in a form to branch on (a 403 is a missing role, a 429 passes by itself); `problem` says it
 * to people.
 */
export type SignalOutcome =
  | { status: "complete"; rows: KvRequestBin[] }
  | { status: "partial"; rows: KvRequestBin[]; problem: string; failure?: QueryFailure | undefined }
  | { status: "failed"; problem: string; failure?: QueryFailure | undefined };

/** The identity of a series: one caller's access to one vault. */
export interface SeriesKey {
  /** Lower-case ARM resource ID of the vault. */
  vaultResourceId: string;
  /** Object (principal) ID of the caller; "" when the request carried no token. */
  callerObjectId: string;
  callerAppId: string;
  /** ARM ID of the managed identity (`xms_mirid` claim); "" when not logged. */
  callerResourceId: string;
  /** The table the vault's audit events are in; runbook queries read the same one. */
  auditTable: KeyVaultAuditTable;
}

/** A stable ID for a caller's access to a vault: vault plus object ID (app ID when no object ID). */
export function seriesId(key: Pick<SeriesKey, "vaultResourceId" | "callerObjectId" | "callerAppId">): string {
  return `${key.vaultResourceId.toLowerCase()}|${(key.callerObjectId || key.callerAppId).toLowerCase()}`;
}
