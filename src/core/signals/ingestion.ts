import { MINUTE_MS } from "../common/duration.js";

/**
 * How data reaches the workspace: per table, what the ingestion leg saw over its look-back, and
 * what the monitor makes of it — the data horizon the next tick's windows end at, and whether the
 * workspace stopped receiving Key Vault data.
 */

/** The Signal the ingestion leg's rows carry; the signal mapper leaves them to the leg's reader. */
export const INGESTION_SIGNAL = "ingestion";

/** One table as the ingestion leg summarized it over its look-back (signals/ingestion.ts in queries). */
export interface TableIngestion {
  table: string;
  /** Records whose TimeGenerated falls in the look-back and that have been ingested by now. */
  events: number;
  /** The newest TimeGenerated among them; undefined when there are none. */
  newestEvent: Date | undefined;
  /** The newest ingestion_time() among them: when the table last received anything. */
  newestIngested: Date | undefined;
  /** The 95th percentile of ingestion_time() − TimeGenerated, in ms; undefined without records. */
  delayP95Ms: number | undefined;
}

/** What the ingestion leg read this tick. */
export interface IngestionReading {
  tables: TableIngestion[];
  /** The newest data-capping warning the Operation table holds in the look-back, when any. */
  dailyCapAt: Date | undefined;
}

/**
 * How far back the ingestion leg reads. A day, as the tables query does (signals-query.ts): a
 * workspace that stopped hours ago still shows the last records it received, so the stop is
 * dated and named rather than read as a quiet night.
 */
export const INGESTION_LOOKBACK_MINUTES = 24 * 60;

/**
 * The learned delay is kept within [0, 15] minutes. The documented figure for resource logs is
 * "3 to 10 minutes" (azure-monitor-docs logs/data-ingestion-time.md); 15 leaves room for a slow
 * day without letting a straggler push every window a long way back: a horizon later than that
 * would delay every detection more than the data does.
 */
export const MAX_HORIZON_DELAY_MS = 15 * MINUTE_MS;

/**
 * The delay assumed before one is learned: none, so the first tick reads up to `now` as the
 * monitor always did. The delay can only be measured on the workspace itself, and a guess would
 * hide whatever arrived early; the first tick measures it and the second uses it.
 */
export const DEFAULT_DELAY_MS = 0;

/**
 * Fewer records than this say too little about a table's delay to move the horizon: 20 records
 * put the p95 on the largest or second-largest delay seen, which is about as few as a tail
 * estimate can rest on.
 */
export const MIN_EVENTS_FOR_DELAY = 20;

/**
 * A table counts as stopped when nothing reached it for longer than both this floor and
 * QUIET_GAPS expected gaps between its records. The floor: every record of the table generated
 * before now − 10 minutes should have arrived by now (the documented 3–10 minutes), and ingestion
 * time advances with every batch a busy table receives, so 15 minutes of no ingestion at all is
 * already beyond what normal lag produces.
 */
export const MIN_SILENCE_MS = 15 * MINUTE_MS;

/**
 * How many expected gaps between records a silence must last. Records arriving as a Poisson
 * stream leave a gap of k mean gaps with probability e^−k: at 10, 5·10⁻⁵ per look, about once a
 * year at one look every five minutes. A table with few records gets a long allowance rather
 * than a false page.
 */
export const QUIET_GAPS = 10;

/** The Key Vault tables the monitor depends on: it is blind when these stop. */
const KEY_VAULT_TABLES = new Set(["AzureDiagnostics", "AZKVAuditLogs"]);

/** The workspace stopped receiving Key Vault data: the monitor's own outage. */
export interface IngestionStop {
  /** The newest ingestion time among the Key Vault tables: nothing arrived after it. */
  since: Date;
  /** Why, when the workspace said: its daily cap was reached. */
  cause: "daily-cap" | "unknown";
  dailyCapAt: Date | undefined;
  tables: string[];
  /** One line an operator can act on. */
  problem: string;
}

/** The horizon per table, as the heartbeat and `/api/health` report it. */
export interface TableHorizon {
  table: string;
  events: number;
  newestEvent: Date | undefined;
  newestIngested: Date | undefined;
  delayP95Ms: number | undefined;
  /** now − the table's own delay (bounded): its data is complete up to here. */
  horizon: Date;
}

/** What the monitor makes of one reading. */
export interface IngestionJudgement {
  /** The Key Vault delay to end the next tick's windows by (ms), or undefined to keep the last one. */
  learnedDelayMs: number | undefined;
  stop: IngestionStop | undefined;
  tables: TableHorizon[];
}

const bounded = (ms: number) => Math.min(MAX_HORIZON_DELAY_MS, Math.max(0, ms));
/** Whole minutes, rounded up: a horizon a few seconds too early costs nothing, too late costs a record. */
const ceilMinute = (ms: number) => Math.ceil(ms / MINUTE_MS) * MINUTE_MS;

/** The data horizon at `now` for a delay: where the windows end. */
export function horizonAt(now: Date, delayMs: number | undefined): Date {
  return new Date(now.getTime() - bounded(delayMs ?? DEFAULT_DELAY_MS));
}

/** Judges a reading at `now`. Pure. */
export function judgeIngestion(reading: IngestionReading, now: Date): IngestionJudgement {
  const tables = reading.tables.map((t) => ({
    table: t.table,
    events: t.events,
    newestEvent: t.newestEvent,
    newestIngested: t.newestIngested,
    delayP95Ms: t.delayP95Ms,
    horizon: horizonAt(now, t.events >= MIN_EVENTS_FOR_DELAY ? ceilMinute(t.delayP95Ms ?? 0) : undefined),
  }));
  const kv = reading.tables.filter((t) => KEY_VAULT_TABLES.has(t.table));
  const stop = stopOf(kv, reading.dailyCapAt, now);
  // A stopped table's delays are those of its last records; the delay is not relearned from them.
  const learnable = kv.filter((t) => t.events >= MIN_EVENTS_FOR_DELAY && t.delayP95Ms !== undefined);
  const learnedDelayMs =
    stop || learnable.length === 0
      ? undefined
      : bounded(ceilMinute(Math.max(...learnable.map((t) => t.delayP95Ms ?? 0))));
  return { learnedDelayMs, stop, tables };
}

function stopOf(kv: readonly TableIngestion[], dailyCapAt: Date | undefined, now: Date): IngestionStop | undefined {
  const seen = kv.filter((t) => t.events > 0 && t.newestIngested);
  if (seen.length === 0) return undefined;
  const silent = seen.filter((t) => {
    const gapMs = now.getTime() - (t.newestIngested as Date).getTime();
    const meanGapMs = (INGESTION_LOOKBACK_MINUTES * MINUTE_MS) / t.events;
    return gapMs > Math.max(MIN_SILENCE_MS, QUIET_GAPS * meanGapMs);
  });
  // Stopped only when every Key Vault table that had data went silent: one quiet table beside a
  // busy one is a vault or a mode going away (per-vault coverage), not the workspace.
  if (silent.length < seen.length) return undefined;
  const since = new Date(Math.max(...silent.map((t) => (t.newestIngested as Date).getTime())));
  const capped = dailyCapAt !== undefined && dailyCapAt.getTime() >= since.getTime() - MAX_HORIZON_DELAY_MS;
  const at = hhmm(since);
  const names = silent.map((t) => t.table);
  const problem = capped
    ? `no Key Vault data ingested since ${at} UTC: the workspace's daily cap was reached at ${hhmm(dailyCapAt as Date)} UTC (Operation: Data collection stopped, OverQuota); ingestion resumes at the cap's daily reset or when the cap is raised`
    : `no Key Vault data ingested since ${at} UTC (${names.join(", ")}): an ingestion delay or incident, or the diagnostic settings were removed`;
  return {
    since,
    cause: capped ? "daily-cap" : "unknown",
    dailyCapAt: capped ? dailyCapAt : undefined,
    tables: names,
    problem,
  };
}

function hhmm(d: Date): string {
  return d.toISOString().slice(11, 16);
}

/** What a tick knows about ingestion: the horizon its windows ended at, and this tick's reading. */
export interface IngestionSeen {
  /** The Key Vault delay this tick's windows ended by (learned last tick, or the default). */
  delayMs: number;
  /** Where this tick's windows ended: now − delayMs. */
  horizon: Date;
  /** Per table, from this tick's ingestion leg; empty when it did not answer. */
  tables: TableHorizon[];
  /** The workspace stopped receiving Key Vault data, when it did. */
  stop: IngestionStop | undefined;
}
