import {
  type LogsQueryClient,
  LogsQueryResultStatus,
  type LogsTable,
  type QueryTimeInterval,
} from "@azure/monitor-query-logs";
import { isRestError } from "@azure/core-rest-pipeline";
import type { SignalSource } from "../core/ports/ports.js";
import { earliest, renderSignalsQuery, renderTablesQuery, type SignalWindow } from "../core/queries/signals-query.js";
import type { Leg } from "../core/queries/signals/leg.js";
import { assembleSignalSet, type QueryRun } from "../core/queries/assemble.js";
import { mapSignalRows, type RawTable } from "../core/signals/from-rows.js";
import {
  isKnown,
  SIGNAL_MODEL_VERSION,
  SIGNAL_NAMES,
  type SignalResult,
  type SignalName,
  type SignalSet,
} from "../core/signals/signal-set.js";
import { planSignals, type SignalConfig } from "../core/queries/plan.js";
import { queryFailureOf, type QueryFailure } from "../core/signals/query-failure.js";
import { LONGEST_WINDOW, WINDOW_MINUTES } from "../core/slo/windows.js";
import { historyStartFor } from "../core/baselines/absorb.js";
import { failureOfError, isCredentialError } from "./http-failure.js";
import { HOUR_MS, MINUTE_MS } from "../core/common/duration.js";
import { ingestionMembers, readIngestion } from "../core/queries/ingestion-leg.js";
import {
  DEFAULT_DELAY_MS,
  horizonAt,
  INGESTION_LOOKBACK_MINUTES,
  type IngestionReading,
  judgeIngestion,
} from "../core/signals/ingestion.js";

export interface SignalSourceOptions {
  client: LogsQueryClient;
  workspaceId: string;
  config: SignalConfig;
  /** How far back the request legs read: the evaluation window or the recovery confirmation, plus a bin. */
  lookbackMinutes: number;
  /** Sent as `Prefer: wait=N`: how long the service may run the query. */
  serverTimeoutSeconds: number;
  /** Bounds each exchange, the client's own retries included. */
  clientTimeoutMs: number;
  /** How long the list of tables a workspace has stays trusted. */
  detectEveryMinutes?: number;
}

type Outcome =
  | { status: "complete"; table: RawTable | undefined; problem: undefined }
  | { status: "partial"; table: RawTable | undefined; problem: string; failure: QueryFailure }
  | { status: "failed"; problem: string; failure: QueryFailure };

/**
 * Fetches every signal of a workspace through `LogsQueryClient`: normally one request per tick
 * (the combined query), plus one hourly to learn which tables the workspace has, plus one for
 * classic Application Insights when configured.
 */
export function createSignalSource(o: SignalSourceOptions): SignalSource {
  const ttlMs = (o.detectEveryMinutes ?? 60) * MINUTE_MS;
  const stale = (at: Date, now: Date) => now.getTime() - at.getTime() >= ttlMs || now.getTime() < at.getTime();

  const run = async (
    query: string,
    timespan: QueryTimeInterval,
    target: { workspace: string } | { resource: string },
  ): Promise<Outcome> => {
    try {
      const options = {
        serverTimeoutInSeconds: o.serverTimeoutSeconds,
        // monitor-query-logs 1.0.0 drops `abortSignal` when it converts options (only
        // `requestOptions` survives), so the per-attempt timeout goes there, and the race
        // below bounds the exchange as a whole.
        requestOptions: { timeout: o.clientTimeoutMs },
      };
      // queryResource expands "/{+resourceId}/query": an ARM ID's leading slash would make "//".
      const call =
        "workspace" in target
          ? o.client.queryWorkspace(target.workspace, query, timespan, options)
          : o.client.queryResource(target.resource.replace(/^\/+/, ""), query, timespan, options);
      const result = await withDeadline(call, o.clientTimeoutMs);
      if (result.status === LogsQueryResultStatus.Success)
        return { status: "complete", table: raw(result.tables[0]), problem: undefined };
      const why = `${result.partialError.code}: ${result.partialError.message}`;
      const problem = `the workspace returned a partial result (${why})`;
      return {
        status: "partial",
        table: raw(result.partialTables[0]),
        problem,
        failure: { reason: "partial", message: problem },
      };
    } catch (error) {
      const failure = queryFailure(error);
      return { status: "failed", problem: failure.message, failure };
    }
  };

  /**
   * The legs (and any `extra` members) in one request. The timespan runs to `now`, not to the
   * window's end: the ingestion leg reads up to the tick, the SLO legs up to the data horizon.
   */
  const runLegs = async (
    legs: readonly Leg[],
    window: SignalWindow,
    target: { workspace: string } | { resource: string },
    now: Date,
    extra: { members: readonly string[]; start: Date } = { members: [], start: now },
  ): Promise<{ run: QueryRun; ingestion: IngestionReading | undefined }> => {
    const startTime = new Date(Math.min(earliest(window).getTime(), extra.start.getTime()));
    const outcome = await run(renderSignalsQuery(legs, window, extra.members), { startTime, endTime: now }, target);
    if (outcome.status === "failed")
      return {
        run: { legs, status: "failed", problem: outcome.problem, failure: outcome.failure, mapped: undefined },
        ingestion: undefined,
      };
    if (!outcome.table) {
      const problem = "the query returned no table";
      return {
        run: { legs, status: "failed", problem, failure: { reason: "malformed", message: problem }, mapped: undefined },
        ingestion: undefined,
      };
    }
    return {
      run: {
        legs,
        status: outcome.status,
        problem: outcome.problem,
        failure: outcome.status === "partial" ? outcome.failure : undefined,
        mapped: mapSignalRows(outcome.table),
      },
      // A partial answer may lack a table's row: its ingestion is not judged from what is missing.
      ingestion: outcome.status === "complete" && extra.members.length > 0 ? readIngestion(outcome.table) : undefined,
    };
  };

  return {
    /**
     * Reuses what `wants.memo` remembers while it is fresh (the tables listed within the hour, the
     * SLO period sums read within the hour) and returns in `memo` what the next fetch may reuse:
     * the source itself keeps nothing between calls.
     */
    async fetch(now, wants = {}) {
      const historyHours = wants.historyHours ?? 0;
      const memo = wants.memo ?? {};
      // The SLO sums end at the data horizon: now less the Key Vault delay learned last tick.
      const delayMs = memo.ingestion?.delayMs ?? DEFAULT_DELAY_MS;
      const window = windowFor(now, o.config, o.lookbackMinutes, historyHours, delayMs);
      let requests = 0;
      let tables = memo.tables && !stale(memo.tables.at, now) ? memo.tables : undefined;
      if (!tables) {
        requests++;
        const outcome = await run(renderTablesQuery(), { duration: "P1D", endTime: now }, { workspace: o.workspaceId });
        if (outcome.status === "failed")
          return failedSet(
            window,
            `finding the workspace's tables failed: ${outcome.problem}`,
            outcome.failure,
            requests,
          );
        tables = { at: now, names: [...tablesWithData(outcome.table)] };
      }
      const period = memo.period && !stale(memo.period.at, now) ? memo.period : undefined;
      const withPeriod = o.config.sloPeriods.length > 0 && !period;
      const plan = planSignals(o.config, new Set(tables.names), withPeriod, historyHours > 0);
      const runs: QueryRun[] = [];
      let reading: IngestionReading | undefined;
      if (plan.workspaceLegs.length > 0) {
        requests++;
        const start = new Date(now.getTime() - INGESTION_LOOKBACK_MINUTES * MINUTE_MS);
        const members = ingestionMembers(new Set(tables.names), start, now);
        const answer = await runLegs(plan.workspaceLegs, window, { workspace: o.workspaceId }, now, { members, start });
        runs.push(answer.run);
        reading = answer.ingestion;
      }
      if (plan.appInsightsLegs.length > 0 && o.config.appInsights.mode === "classic") {
        requests++;
        runs.push(
          (await runLegs(plan.appInsightsLegs, window, { resource: o.config.appInsights.resourceId }, now)).run,
        );
      }
      const set = assembleSignalSet(window, plan, runs, requests);
      const fresh = set.signals["slo-period"];
      let nextPeriod = period;
      if (withPeriod && isKnown(fresh.status)) nextPeriod = { at: now, result: fresh };
      // Between hourly reads the period sums are the last ones read.
      else if (period) set.signals["slo-period"] = period.result;
      // A table that disappeared since it was listed fails the query: list them again next tick.
      const failed = runs.some((r) => r.status === "failed");
      const judged = reading ? judgeIngestion(reading, now) : undefined;
      set.ingestion = {
        delayMs,
        horizon: window.sloEnd,
        tables: judged?.tables ?? [],
        stop: judged?.stop,
      };
      // The delay learned now ends the next tick's windows; without a new one the last one stands.
      const learned = judged?.learnedDelayMs;
      const ingestion = learned !== undefined ? { at: now, delayMs: learned } : memo.ingestion;
      set.memo = { tables: failed ? undefined : tables, period: nextPeriod, ingestion };
      return set;
    },
  };
}

/**
 * The window every leg reads at `now`. The SLO sums end at the data horizon, `delayMs` before now
 * (bounded, core/signals/ingestion.ts), where every record has arrived: a ratio over bins still
 * filling up is not the ratio, and a 5-minute window ending at now is mostly empty. The other legs
 * read to now: whatever has arrived of the last minutes only adds to a count, so a failure is
 * seen as soon as its first record is queryable (docs/adr/0017-data-horizon.md).
 */
export function windowFor(
  now: Date,
  config: SignalConfig,
  lookbackMinutes: number,
  historyHours = 0,
  delayMs = DEFAULT_DELAY_MS,
): SignalWindow {
  const sloEnd = horizonAt(now, delayMs);
  const before = (end: Date, minutes: number) => new Date(end.getTime() - minutes * MINUTE_MS);
  const windowStart = before(now, lookbackMinutes);
  return {
    windowStart,
    windowEnd: now,
    priorStart: new Date(windowStart.getTime() - config.priorHours * HOUR_MS),
    changesStart: before(now, config.changesMinutes),
    sloEnd,
    // The longest alerting window (slo/windows.ts) and the longest SLO period.
    sloStart: before(sloEnd, WINDOW_MINUTES[LONGEST_WINDOW]),
    periodStart: before(sloEnd, Math.max(0, ...config.sloPeriods) * 24 * 60),
    // On a whole hour, so the history read returns whole hours (baselines/absorb.ts).
    historyStart: historyStartFor(now, historyHours),
  };
}

function raw(table: LogsTable | undefined): RawTable | undefined {
  if (!table) return undefined;
  return {
    columns: table.columnDescriptors.map((c) => c.name ?? ""),
    rows: table.rows as unknown[][],
    // The mapper refuses an answer whose columns changed type (Counts as a string, say).
    types: table.columnDescriptors.map((c) => c.type ?? ""),
  };
}

function tablesWithData(table: RawTable | undefined): Set<string> {
  const out = new Set<string>();
  if (!table) return out;
  const name = table.columns.indexOf("SourceTable");
  const events = table.columns.indexOf("Events");
  for (const row of table.rows) if (typeof row[name] === "string" && Number(row[events]) > 0) out.add(row[name]);
  return out;
}

function failedSet(window: SignalWindow, problem: string, failure: QueryFailure, requests: number): SignalSet {
  const failed = (): SignalResult<SignalName> => ({
    status: "failed",
    rows: [],
    problem,
    failure: { ...failure, message: problem },
    malformedRows: 0,
    coverage: {},
  });
  const signals = Object.fromEntries(SIGNAL_NAMES.map((n) => [n, failed()])) as unknown as SignalSet["signals"];
  return {
    modelVersion: SIGNAL_MODEL_VERSION,
    windowStart: window.windowStart,
    windowEnd: window.windowEnd,
    requests,
    signals,
  };
}

/** Rejects with a TimeoutError when `promise` has not settled within `ms`. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: "TimeoutError" })),
      ms,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The innermost error message Log Analytics gave: the outer one is usually generic. */
function innermost(details: unknown): string | undefined {
  let e = (details as { error?: { message?: string; innererror?: unknown } } | undefined)?.error;
  let message: string | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    message = e.message ?? message;
    e = e.innererror as typeof e;
  }
  return message;
}

/**
 * Why a query threw, by the shared HTTP classification: a 403 (a missing Log Analytics Reader
 * role), a 429 and a 5xx each get their own reason, so the core can tell them apart.
 */
export function queryFailure(error: unknown): QueryFailure {
  const message = describeQueryError(error);
  if (isCredentialError(error)) return { reason: "unauthorized", message };
  const failure = failureOfError(error);
  return failure ? queryFailureOf(failure, message) : { reason: "malformed", message };
}

/** One line an operator can act on; no token or secret ever appears in SDK error text. */
export function describeQueryError(error: unknown): string {
  if (isRestError(error)) {
    const status = error.statusCode ?? "no status";
    const hint =
      error.statusCode === 403
        ? " (the monitor's identity needs Log Analytics Reader on the workspace)"
        : error.statusCode === 429
          ? " (the query API allows 200 requests per 30 s per identity)"
          : "";
    const detail = innermost(error.details);
    const message = detail && detail !== error.message ? `${error.message}: ${detail}` : error.message;
    return `Log Analytics answered ${status}${error.code ? ` ${error.code}` : ""}: ${message}${hint}`;
  }
  if (error instanceof Error) {
    if (error.name === "AbortError" || error.name === "TimeoutError")
      return `the Log Analytics query timed out (${error.message})`;
    if (isCredentialError(error))
      return `the monitor could not get a token for Log Analytics: ${error.message.split("\n")[0]}`;
    return `${error.name}: ${error.message.split("\n")[0]}`;
  }
  return String(error);
}
