import { execFile } from "node:child_process";
import { join } from "node:path";
import type { TickSummary } from "../replay/replay.js";

/**
 * What a tick costs: Log Analytics requests per tick, read from the replays, and the CPU time and
 * peak memory of the pure core (`decideTick`) as the number of caller×vault series grows, measured
 * in a child process per size (tick-cost-child.ts). Reported, never asserted: timings depend on
 * the machine.
 */

/** Series counts measured; growth is reported relative to the first. */
export const CORE_SIZES = [100, 1_000, 10_000] as const;
/** Evaluations timed per size, after one untimed warm-up evaluation. */
export const CORE_EVALUATIONS = 3;

export interface RequestCost {
  scenario: string;
  ticks: number;
  /** The first tick backfills 14 days of hourly history for the baselines (core/baselines/absorb.ts BACKFILL_HOURS). */
  firstTick: number;
  /** Mean and highest over every later tick. */
  meanAfterFirst: number | undefined;
  maxAfterFirst: number | undefined;
}

/** Log Analytics query round trips per tick of one replay. */
export function requestCost(scenario: string, ticks: readonly TickSummary[]): RequestCost {
  const later = ticks.slice(1).map((t) => t.requests);
  return {
    scenario,
    ticks: ticks.length,
    firstTick: ticks[0]?.requests ?? 0,
    meanAfterFirst: later.length === 0 ? undefined : later.reduce((a, b) => a + b, 0) / later.length,
    maxAfterFirst: later.length === 0 ? undefined : Math.max(...later),
  };
}

/** One size, as tick-cost-child.ts prints it. */
export interface CoreCost {
  series: number;
  evaluations: number;
  openIncidents: number;
  changedPerEvaluation: number;
  cpuMsPerEvaluation: number;
  wallMsPerEvaluation: number;
  peakRssBytes: number;
  rssAtStartBytes: number;
  inputHeapBytes: number;
  peakHeapBytes: number;
}

export interface CoreGrowth extends CoreCost {
  /** CPU per evaluation ÷ series, in microseconds. */
  cpuUsPerSeries: number;
  /** Each relative to the first (smallest) size. */
  seriesRatio: number;
  cpuRatio: number;
  peakRssRatio: number;
  peakHeapRatio: number;
}

export function growth(costs: readonly CoreCost[]): CoreGrowth[] {
  const base = costs[0];
  if (!base) return [];
  return costs.map((c) => ({
    ...c,
    cpuUsPerSeries: (c.cpuMsPerEvaluation * 1000) / c.series,
    seriesRatio: c.series / base.series,
    cpuRatio: c.cpuMsPerEvaluation / base.cpuMsPerEvaluation,
    peakRssRatio: c.peakRssBytes / base.peakRssBytes,
    peakHeapRatio: c.peakHeapBytes / base.peakHeapBytes,
  }));
}

/** Runs the child once per size, one after another, so no two measurements share the machine. */
export async function measureCoreCost(
  sizes: readonly number[] = CORE_SIZES,
  evaluations = CORE_EVALUATIONS,
  progress: (s: string) => void = () => undefined,
): Promise<CoreCost[]> {
  const child = join(__dirname, "tick-cost-child.js");
  const out: CoreCost[] = [];
  for (const n of sizes) {
    progress(`tick cost: ${n} series …`);
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--expose-gc", child, String(n), String(evaluations)],
        { maxBuffer: 1 << 20 },
        (error, so, se) => {
          if (error) reject(new Error(`tick-cost-child ${n} failed: ${se.trim() || error.message}`, { cause: error }));
          else resolve(so);
        },
      );
    });
    out.push(JSON.parse(stdout) as CoreCost);
  }
  return out;
}
