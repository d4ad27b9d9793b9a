import { execFile } from "node:child_process";
import { join } from "node:path";
import { windowFor } from "../../src/adapters/log-analytics.js";
import { BACKFILL_HOURS } from "../../src/core/baselines/index.js";
import { planSignals, type SignalConfig } from "../../src/core/queries/plan.js";
import { DETECTED_TABLES, earliest, renderSignalsQuery } from "../../src/core/queries/signals-query.js";
import { BIN_MINUTES } from "../../src/core/signals/bin.js";
import { LogAnalyticsEmulator } from "../emulator/emulator.js";
import { analyze } from "../kusto/language.js";
import { buildBusyWorkspace, type BusySize } from "./busy-workspace.js";

/**
 * How fast the Log Analytics emulator answers vaultwatch's own combined signals query over a busy
 * workspace (busy-workspace.ts): the query the adapter sends each tick, and the one it sends on its
 * first tick, which also backfills 14 days of hourly history for the baselines and reads the SLO
 * period sums. Replays and tests run every tick through the emulator, so its speed bounds how long
 * a scenario may be. Reported, never asserted: timings depend on the machine.
 */

/**
 * 50 identities over 20 vaults for a week, some 15 million requests. One audit record per caller
 * every 10 minutes (standing for 50–500 requests) rather than every minute: the store keeps all
 * 279 AzureDiagnostics columns of every row (some 2.4 KB of heap a row), and a week of per-minute
 * rows would take over 2 GB and well over a minute to build and query on the 2-core machine the
 * bench runs on. The records are the same; only their multiplicity carries the volume.
 */
export const BUSY_SIZE: BusySize = { callers: 50, vaults: 20, days: 7, everyMinutes: 10 };

/**
 * Warm answers timed per query after the first; the median is reported. The backfill is asked on
 * a first tick only (and the hourly 3-hour history read has its shape): one warm answer will do,
 * and keeps the measurement within some 20 s on the bench's 2-core machine.
 */
export const WARM_ANSWERS = { tick: 2, backfill: 1 } as const;

/** The tick the queries are asked at: the end of the busy week. */
export const MEASURED_AT = new Date("2026-03-16T12:00:00Z");
const MINUTE = 60_000;

/**
 * The monitor's defaults (config/settings.ts): a 15-minute window, 15 minutes to resolve, 6 hours
 * of prior invocations, 2 hours of changes; plus one 30-day SLO, so the SLO legs run too. Every
 * table the monitor detects is present (busy-workspace.ts declares them), so every leg is planned.
 */
const CONFIG: SignalConfig = {
  keyVaultAuditTable: "auto",
  appInsights: { mode: "workspace" },
  binMinutes: BIN_MINUTES,
  windowMinutes: 15,
  priorHours: 6,
  changesMinutes: 120,
  sloPeriods: [30],
};
/** The adapter's look-back (composition.ts): the longer of window and resolve time, plus a bin. */
const LOOKBACK_MINUTES = Math.max(15, 15) + BIN_MINUTES;

/** One query's answers. */
export interface QueryThroughput {
  legs: number;
  queryChars: number;
  /** The first answer: parse, bind and evaluate (the bound tree is then cached by the query's shape). */
  firstSeconds: number;
  /** Median of the warm answers, each at a later tick (same shape, other datetimes). */
  warmSeconds: number;
  /** Rows the legs read from the store (a row read by two legs counts twice), and the records they stand for. */
  rowsScanned: number;
  recordsScanned: number;
  resultRows: number;
}

export interface EmulatorThroughput {
  size: BusySize;
  storedRows: number;
  /** Records with multiplicity: what the rows stand for. */
  storedRecords: number;
  buildSeconds: number;
  /** Heap growth from building the store, after garbage collection when the process allows it. */
  heapBytes: number;
  /** Parsing and binding the tick query alone (Kusto.Language), once the workspace's schema is known. */
  parseSeconds: number;
  tick: QueryThroughput;
  backfill: QueryThroughput;
  /** Through the combined query: the warm backfill answer's rows and records scanned ÷ its seconds. */
  rowsPerSecond: number;
  recordsPerSecond: number;
}

/**
 * The combined query the adapter (adapters/log-analytics.ts) sends at `now`, with the timespan it
 * sends it with: `historyHours` > 0 also reads hourly history for the baselines (the first tick
 * reads BACKFILL_HOURS), `withPeriod` the SLO period sums (read hourly).
 */
export function combinedQuery(
  now: Date,
  historyHours: number,
  withPeriod: boolean,
): { query: string; timespan: string; legs: number } {
  const plan = planSignals(CONFIG, new Set(DETECTED_TABLES), withPeriod, historyHours > 0);
  const window = windowFor(now, CONFIG, LOOKBACK_MINUTES, historyHours);
  return {
    query: renderSignalsQuery(plan.workspaceLegs, window),
    timespan: `${earliest(window).toISOString()}/${window.windowEnd.toISOString()}`,
    legs: plan.workspaceLegs.length,
  };
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/** The collector, when the process was started with --expose-gc: heap figures without garbage. */
const collect = () => (globalThis as { gc?: () => void }).gc?.();

function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Builds the busy workspace and times the tick and backfill queries through the emulator. */
export function measureEmulatorThroughput(
  size: BusySize = BUSY_SIZE,
  warmAnswers: { tick: number; backfill: number } = WARM_ANSWERS,
  progress: (s: string) => void = () => undefined,
): EmulatorThroughput {
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const built = performance.now();
  const busy = buildBusyWorkspace(size, MEASURED_AT);
  const buildSeconds = seconds(built);
  collect();
  const heapBytes = process.memoryUsage().heapUsed - heapBefore;
  progress(`  ${busy.rows} rows (${busy.records} records) built in ${buildSeconds.toFixed(1)} s`);

  const emulator = new LogAnalyticsEmulator(busy.store);
  const measure = (historyHours: number, withPeriod: boolean, warmCount: number): QueryThroughput => {
    // The query at a tick `later` minutes after MEASURED_AT: the same shape, so the bound tree is reused.
    const ask = (later: number) => {
      const q = combinedQuery(new Date(MEASURED_AT.getTime() + later * MINUTE), historyHours, withPeriod);
      const t = performance.now();
      const answer = emulator.answer(q.query, q.timespan);
      const wall = seconds(t);
      const body = answer.body as { tables?: { rows: unknown[] }[]; error?: unknown };
      // A failed or truncated answer would time something other than the query.
      if (answer.status !== 200 || body.error !== undefined)
        throw new Error(`the emulator answered ${answer.status}: ${JSON.stringify(body).slice(0, 500)}`);
      return { ...q, wall, resultRows: body.tables?.[0]?.rows.length ?? 0, stats: emulator.lastStats };
    };
    const first = ask(0);
    const warm = Array.from({ length: warmCount }, (_, i) => ask(BIN_MINUTES * (i + 1)));
    const last = warm.at(-1) ?? first;
    return {
      legs: first.legs,
      queryChars: first.query.length,
      firstSeconds: first.wall,
      warmSeconds: warm.length > 0 ? median(warm.map((w) => w.wall)) : first.wall,
      rowsScanned: last.stats.rowsScanned,
      recordsScanned: last.stats.recordsScanned,
      resultRows: last.resultRows,
    };
  };
  // The normal tick first, so its first answer pays for the workspace's schema as the monitor's first query would.
  const tick = measure(0, false, warmAnswers.tick);
  progress(`  tick query: first ${tick.firstSeconds.toFixed(2)} s, warm ${tick.warmSeconds.toFixed(2)} s`);
  const backfill = measure(BACKFILL_HOURS, true, warmAnswers.backfill);
  progress(`  backfill query: first ${backfill.firstSeconds.toFixed(2)} s, warm ${backfill.warmSeconds.toFixed(2)} s`);

  const schemas = new Map(busy.store.tables().map((t) => [t, busy.store.schemaOf(t)!]));
  const tickQuery = combinedQuery(MEASURED_AT, 0, false).query;
  const parsed = performance.now();
  analyze(tickQuery, schemas);
  const parseSeconds = seconds(parsed);

  return {
    size,
    storedRows: busy.rows,
    storedRecords: busy.records,
    buildSeconds,
    heapBytes,
    parseSeconds,
    tick,
    backfill,
    rowsPerSecond: backfill.rowsScanned / backfill.warmSeconds,
    recordsPerSecond: backfill.recordsScanned / backfill.warmSeconds,
  };
}

/**
 * Runs the measurement in a child process (emulator-throughput-child.ts) with the collector
 * exposed: its heap holds nothing of the replays that ran before, and its heap growth is the
 * store's own.
 */
export async function measureEmulatorInChild(
  progress: (s: string) => void = () => undefined,
): Promise<EmulatorThroughput> {
  const child = join(__dirname, "emulator-throughput-child.js");
  progress("emulator throughput: building a busy workspace …");
  const stdout = await new Promise<string>((resolve, reject) => {
    const proc = execFile(process.execPath, ["--expose-gc", child], { maxBuffer: 1 << 20 }, (error, so, se) => {
      if (error) reject(new Error(`emulator-throughput-child failed: ${se.trim() || error.message}`, { cause: error }));
      else resolve(so);
    });
    // The child's progress lines go on to the bench's stderr as they come.
    proc.stderr?.on("data", (chunk: Buffer) => {
      for (const line of String(chunk).split("\n")) if (line.trim()) progress(line);
    });
  });
  return JSON.parse(stdout) as EmulatorThroughput;
}
