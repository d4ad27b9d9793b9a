import { kqlDatetime } from "./kql.js";
import { coverage, type Leg } from "./signals/leg.js";

/** First line of the combined query; it also names the query in the workspace's LAQueryLogs. */
export const SIGNALS_MARKER = "// vaultwatch: signals v1";
export const TABLES_MARKER = "// vaultwatch: tables v1";

/** The time bounds every leg reads, fixed by the tick's `now` (never the server's clock). */
export interface SignalWindow {
  windowStart: Date;
  windowEnd: Date;
  /** Start of the prior period the invocations leg contrasts with. */
  priorStart: Date;
  /** Start of the look-back for control-plane changes. */
  changesStart: Date;
  /**
   * Where the SLO sums end: the data horizon, before which every record has arrived
   * (signals/ingestion.ts). The other legs read to windowEnd: what has arrived of the last minutes
   * only adds evidence to a count, where it would skew a ratio.
   */
  sloEnd: Date;
  /** Start of the longest alerting window (3 days before sloEnd). */
  sloStart: Date;
  /** Start of the longest SLO period. */
  periodStart: Date;
  /** Start of the hourly history read for baselines (the window end when none is read). */
  historyStart: Date;
}

/**
 * How far before changesStart the changes leg reads Start events: a change's Start is logged
 * seconds before its Success, which may fall just inside the look-back (signals/changes.ts).
 */
export const START_LEAD_MS = 10 * 60_000;

/** The earliest start any leg reads: the query API's timespan must cover it. */
export function earliest(w: SignalWindow): Date {
  return new Date(
    Math.min(
      w.windowStart.getTime(),
      w.priorStart.getTime(),
      w.changesStart.getTime() - START_LEAD_MS,
      w.sloStart.getTime(),
      w.periodStart.getTime(),
      w.historyStart.getTime(),
    ),
  );
}

/**
 * All legs in one query: one round trip per workspace per tick (the query API allows 200 requests
 * per 30 s per identity, and its $batch endpoint is deprecated). Each leg contributes its data rows
 * and one coverage row; `// leg:` comments name them for the reader (and the local stand-in).
 */
export function renderSignalsQuery(legs: readonly Leg[], w: SignalWindow, extra: readonly string[] = []): string {
  if (legs.length === 0) throw new Error("a signals query needs at least one leg");
  const members = [
    ...legs.flatMap((leg) => [
      `// leg: ${leg.signal} ${leg.table} data\n(${leg.source}\n${leg.aggregate})`,
      `// leg: ${leg.signal} ${leg.table} coverage\n(${coverage(leg)})`,
    ]),
    // Members that are not signals (the ingestion leg, ingestion-leg.ts), in the same round trip.
    ...extra,
  ];
  return [
    SIGNALS_MARKER,
    `let windowStart = ${kqlDatetime(w.windowStart)};`,
    `let windowEnd = ${kqlDatetime(w.windowEnd)};`,
    `let priorStart = ${kqlDatetime(w.priorStart)};`,
    `let changesStart = ${kqlDatetime(w.changesStart)};`,
    `let sloEnd = ${kqlDatetime(w.sloEnd)};`,
    `let sloStart = ${kqlDatetime(w.sloStart)};`,
    `let periodStart = ${kqlDatetime(w.periodStart)};`,
    `let historyStart = ${kqlDatetime(w.historyStart)};`,
    "union",
    members.join(",\n"),
  ].join("\n");
}

/** Tables whose presence decides which legs a workspace gets. */
export const DETECTED_TABLES = [
  "AzureDiagnostics",
  "AZKVAuditLogs",
  "AppDependencies",
  "AppTraces",
  "AppRequests",
  "AppExceptions",
  "FunctionAppLogs",
  "AzureActivity",
  // Microsoft Entra ID's audit log: group membership changes (signals/group-membership.ts).
  "AuditLogs",
  // The workspace's own events: its daily-cap warning names why data stopped (ingestion-leg.ts).
  "Operation",
] as const;

/**
 * Which of the tables have data in the query's timespan. `isfuzzy` lets a union name tables the
 * workspace may not have; it is used on plain table references only, where it is documented.
 */
export function renderTablesQuery(): string {
  return [
    TABLES_MARKER,
    `union isfuzzy=true withsource = SourceTable ${DETECTED_TABLES.join(", ")}`,
    "| summarize Events = count() by SourceTable",
  ].join("\n");
}
