import { evaluate } from "../kusto/engine.js";
import { KqlError, type Database, type TableSource, type TimeRange } from "../kusto/types.js";
import { parseTimespan, toWire } from "../kusto/values.js";
import type { LogStore } from "./store.js";

/** An answer of the query API: HTTP status and JSON body. */
export type QueryAnswer = { status: number; body: unknown };

/** Anything that answers Log Analytics queries for the stand-in. */
export interface Workspace {
  /** `waitSeconds`: the request's `Prefer: wait=N`, how long the service may run the query. */
  answer(query: string, timespan: string | undefined, options?: { waitSeconds?: number }): QueryAnswer;
}

/**
 * The service gives a query 3 minutes unless `Prefer: wait=N` asks for up to 10, then aborts it
 * with GatewayTimeout (Azure/azure-sdk-for-js sdk/monitor/monitor-query TROUBLESHOOTING.md).
 */
export const DEFAULT_WAIT_SECONDS = 180;
export const MAX_WAIT_SECONDS = 600;

/**
 * The query API's documented limits (learn.microsoft.com/azure/azure-monitor/service-limits#log-queries-api):
 * 500,000 rows and about 64 MB compressed (~100 MB of JSON) per answer. Beyond them the service
 * answers with what fits and a PartialError.
 */
export interface QueryLimits {
  maxRows: number;
  maxResponseBytes: number;
}

export const SERVICE_LIMITS: QueryLimits = { maxRows: 500_000, maxResponseBytes: 100 * 1024 * 1024 };

export interface EmulatorOptions {
  /**
   * The workspace's clock: what `now()` reads and how far ingestion has come. Without one, the end
   * of each request's timespan stands for now (the monitor always asks up to its own now).
   */
  now?: () => Date;
  limits?: QueryLimits;
  /**
   * How many stored rows the emulated service reads per second of its server time: a query that
   * reads more than its wait allows times out as the service's would. Unlimited when absent. The
   * cost is counted in rows, not measured, so the same query times out the same way on any machine.
   */
  scanRowsPerSecond?: number;
}

/** Statistics of the last answer, for the bench. */
export interface AnswerStats {
  rowsScanned: number;
  recordsScanned: number;
}

/**
 * A Log Analytics workspace: the query endpoint answered by running the query's KQL over the
 * store's raw records, with the service's limits, error shapes and ingestion lag. One interpreter
 * of the KQL, Kusto's own grammar and binder (tools/kusto), instead of one per query.
 */
export class LogAnalyticsEmulator implements Workspace {
  readonly #store: LogStore;
  readonly #now: (() => Date) | undefined;
  readonly #limits: QueryLimits;
  readonly #scanRate: number;
  lastStats: AnswerStats = { rowsScanned: 0, recordsScanned: 0 };

  constructor(store: LogStore, options: EmulatorOptions = {}) {
    this.#store = store;
    this.#now = options.now;
    this.#limits = options.limits ?? SERVICE_LIMITS;
    this.#scanRate = options.scanRowsPerSecond ?? Infinity;
  }

  answer(query: string, timespan: string | undefined, options: { waitSeconds?: number } = {}): QueryAnswer {
    if (!query.trim())
      return badRequest("BadArgumentError", "The request had some invalid properties: the query is empty");
    const clock = this.#now?.();
    const span = timespan === undefined ? undefined : parseInterval(timespan, clock ?? new Date(0));
    if (timespan !== undefined && !span)
      return badRequest("BadArgumentError", `The timespan '${timespan}' is not a valid ISO 8601 interval`);
    const now = clock ?? (span?.to !== undefined ? new Date(span.to) : undefined);
    if (!now)
      return badRequest(
        "BadArgumentError",
        "the emulated workspace needs a timespan or a clock to know what is ingested",
      );
    const stats: AnswerStats = { rowsScanned: 0, recordsScanned: 0 };
    const db = restrict(this.#store.view(now), span, stats);
    let result: ReturnType<typeof evaluate>;
    try {
      result = evaluate(query, db, { now });
    } catch (error) {
      if (error instanceof KqlError && error.code !== "EvaluationError") return badRequest(error.code, error.message);
      throw error;
    }
    this.lastStats = stats;
    const wait = Math.min(options.waitSeconds ?? DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS);
    if (stats.rowsScanned / this.#scanRate > wait) return gatewayTimeout(wait);
    return respond(result, this.#limits);
  }
}

/**
 * The request's timespan applies to every table as a filter on its time column (the query API's
 * `timespan` parameter), as [start, end).
 */
function restrict(db: Database, span: TimeRange | undefined, stats: AnswerStats): Database {
  const out = new Map<string, TableSource>();
  for (const [name, t] of db)
    out.set(name, {
      columns: t.columns,
      timeColumn: t.timeColumn,
      projects: t.projects,
      *scan(range?: TimeRange, columns?: readonly number[]) {
        const from = Math.max(range?.from ?? -Infinity, span?.from ?? -Infinity);
        const to = Math.min(range?.to ?? Infinity, span?.to ?? Infinity);
        for (const row of t.scan({ from, to }, columns)) {
          stats.rowsScanned++;
          stats.recordsScanned += row.count;
          yield row;
        }
      },
    });
  return out;
}

/** An ISO 8601 interval as the SDK sends it: start/end, start/duration, duration/end, or a duration before now. */
export function parseInterval(text: string, now: Date): TimeRange | undefined {
  const parts = text.split("/");
  const time = (s: string) => (/^\d{4}-/.test(s) ? Date.parse(s) : Number.NaN);
  const dur = (s: string) => (s.startsWith("P") ? parseTimespan(s) : undefined);
  if (parts.length === 1) {
    const d = dur(parts[0]!);
    return d === undefined ? undefined : { from: now.getTime() - d, to: now.getTime() };
  }
  if (parts.length !== 2) return undefined;
  const [a, b] = parts as [string, string];
  const [ta, tb, da, db] = [time(a), time(b), dur(a), dur(b)];
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta <= tb ? { from: ta, to: tb } : undefined;
  if (!Number.isNaN(ta) && db !== undefined) return { from: ta, to: ta + db };
  if (da !== undefined && !Number.isNaN(tb)) return { from: tb - da, to: tb };
  return undefined;
}

function respond(result: ReturnType<typeof evaluate>, limits: QueryLimits): QueryAnswer {
  const columns = result.columns.map((c) => ({ name: c.name, type: c.type }));
  let rows = result.rows.map((r) => r.map((v, i) => toWire(result.columns[i]!.type, v)));
  let error: unknown;
  if (rows.length > limits.maxRows) {
    rows = rows.slice(0, limits.maxRows);
    error = partial(`Query result set has exceeded the internal record count limit ${limits.maxRows} records`);
  }
  let body = { tables: [{ name: "PrimaryResult", columns, rows }] } as Record<string, unknown>;
  let size = JSON.stringify(body).length;
  if (size > limits.maxResponseBytes) {
    // Keep the rows that fit, as the service truncates at its size limit.
    const perRow = size / Math.max(1, rows.length);
    rows = rows.slice(0, Math.max(0, Math.floor(limits.maxResponseBytes / perRow) - 1));
    body = { tables: [{ name: "PrimaryResult", columns, rows }] };
    size = JSON.stringify(body).length;
    error = partial(`Query result set has exceeded the internal data size limit ${limits.maxResponseBytes} bytes`);
  }
  return { status: 200, body: error ? { ...body, error } : body };
}

function partial(message: string) {
  return {
    code: "PartialError",
    message: "There were some errors when processing your query.",
    details: [{ code: "EngineError", message, innererror: { code: "E_QUERY_RESULT_SET_TOO_LARGE", message } }],
  };
}

/** The service's answer to a query that ran past its server timeout. */
function gatewayTimeout(waitSeconds: number): QueryAnswer {
  return {
    status: 504,
    body: {
      error: {
        code: "GatewayTimeout",
        message: "Gateway timeout",
        innererror: {
          code: "GatewayTimeout",
          message: `The query ran longer than its ${waitSeconds}-second server timeout`,
        },
      },
    },
  };
}

/** The service's error shape for a bad request (syntax or semantic error in the query). */
export function badRequest(innerCode: string, message: string): QueryAnswer {
  return {
    status: 400,
    body: {
      error: {
        code: "BadArgumentError",
        message: "The request had some invalid properties",
        innererror: { code: innerCode, message },
      },
    },
  };
}
