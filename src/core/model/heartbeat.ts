import type { QueryFailureReason } from "../signals/query-failure.js";
import type { WorkspaceMemo } from "../signals/signal-set.js";
import type { Severity } from "./evaluation.js";
import type { SignalOutcome } from "./signals.js";

/** The monitor's record of its last tick, as `/api/health` reports it. */

/** The data horizon and each table's ingestion, as the health check reports them. */
export interface IngestionHealth {
  /** Where the tick's windows ended (ISO time): data before it had arrived. */
  horizon: string;
  /** now − horizon, in minutes: the Key Vault delay learned on the tick before. */
  delayMinutes: number;
  tables: {
    table: string;
    events: number;
    /** The table's own horizon: now less its 95th-percentile ingestion delay (bounded). */
    horizon: string;
    delayP95Minutes: number | null;
    newestEvent: string | null;
    newestIngested: string | null;
  }[];
  /** Why the monitor sees no Key Vault data, when it does not. */
  stopped: string | null;
}

/** One signal's standing at the last tick, as the health check reports it. */
export interface SignalHealth {
  status: "ok" | "no-data" | "unavailable" | "degraded" | "failed";
  problem: string | undefined;
  /** Why the query did not fully answer (a missing role, throttling, an outage), when it did not. */
  reason?: QueryFailureReason | undefined;
  /** What the signal cannot see although it answered (an app sending requests but no dependencies). */
  gaps?: string[] | undefined;
}

/** An SLO's standing, as the health check reports it. */
export interface SloHealth {
  name: string;
  kind: "identity-vault" | "app-dependency";
  status: "firing" | "burning-within-budget" | "no-data" | "no-signal";
  /** The tier that fired, e.g. "page-fast (1h and 5m above 14.4x)". */
  firing: string | undefined;
  /** Of the period's error budget, 0..1 (negative when overspent). */
  budgetRemaining: number | undefined;
  hoursToExhaustion: number | undefined;
}

/** What the last control-plane check found, as the health check reports it. */
export interface ControlPlaneHealth {
  checkedAt: Date | undefined;
  /** Why the check could not run at all. */
  problem: string | undefined;
  /** About vaults and identities: role drift, vault drift, blind spots, failed probes. */
  findings: {
    kind: string;
    summary: string;
    severity: Severity;
    hypothesis: string | undefined;
    vaultResourceId: string | undefined;
  }[];
  /** About the monitor itself: missing Reader, ARM throttling, its own token. */
  monitorProblems: string[];
  vaults: { vaultResourceId: string; config: string; coverage: string; permissionModel: string | undefined }[];
  armRequests: number;
  probesFailed: number;
}

/** A vault that stopped sending AuditEvent, as the health check reports it. */
export interface SilentVaultHealth {
  vaultResourceId: string;
  lastAt: Date;
  /** "kv-x sent AuditEvent until 13:05 UTC and nothing since (...)". */
  summary: string;
  /** The diagnostic-setting change named as the cause, e.g. "deleted audit-to-law". */
  cause: string | undefined;
}

/** The monitor's own record of its last tick, read by `/api/health`. */
export interface Heartbeat {
  tickAt: Date;
  /** The Key Vault request signal, which the incident rules read. */
  signalStatus: SignalOutcome["status"];
  problem: string | undefined;
  /** Every signal of the catalog, by name. */
  signals: Record<string, SignalHealth>;
  /** Every configured SLO's standing at the tick. */
  slos: SloHealth[];
  /** Query API round trips the tick took. */
  requests: number;
  /** The control-plane check, when configured. */
  controlPlane: ControlPlaneHealth | undefined;
  seriesObserved: number;
  openIncidents: number;
  undelivered: number;
  /** Incidents the tick could not write or deliver (each logged with its ID); the others went on. */
  incidentFailures?: number | undefined;
  /** The first of them: "incident <id> (commit|deliver): <error>". */
  incidentFailure?: string | undefined;
  /**
   * Vaults that stopped sending AuditEvent, judged from the logs (core/coverage/vault-silence.ts);
   * undefined when the coverage signal could not be judged this tick.
   */
  silentVaults?: SilentVaultHealth[] | undefined;
  /**
   * The data horizon: where this tick's windows ended, the delay that put them there, each
   * table's delay and newest record, and whether the workspace stopped receiving Key Vault data.
   */
  ingestion?: IngestionHealth | undefined;
  /** What the workspace query may reuse next tick (tables listed, SLO period sums). */
  memo?: WorkspaceMemo | undefined;
}
