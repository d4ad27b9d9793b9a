import type { Baseline, CountPoint, ExcludedWindow } from "./baseline.js";
import { DAY_MS, MINUTE_MS } from "../common/duration.js";

/** One bin of history: `index` counts bins since the Unix epoch (so hourly bins align to UTC hours, as KQL's `bin()` does). */
export interface Bin {
  index: number;
  failures: number;
  total: number;
  /** The 5-minute bins within it that had failures, one bit each (CountPoint.deniedBins); 0 or absent: none known. */
  deniedBins?: number | undefined;
}

/** The time units, for the baselines' modules that already take them from here. */
export { DAY_MS, MINUTE_MS };

function checkPoint(p: CountPoint, i: number): void {
  const where = `point ${i}`;
  if (!(p.at instanceof Date) || Number.isNaN(p.at.getTime()))
    throw new RangeError(`${where}: "at" is not a valid date`);
  const when = `${where} (${p.at.toISOString()})`;
  for (const [name, v] of [
    ["failures", p.failures],
    ["total", p.total],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${when}: ${name} must be a finite count ≥ 0, got ${v}`);
  }
  if (p.failures > p.total) throw new RangeError(`${when}: ${p.failures} failures exceed the ${p.total} calls`);
  const mask = p.deniedBins;
  if (mask !== undefined && !(Number.isInteger(mask) && mask >= 0 && mask < 2 ** 31))
    throw new RangeError(`${when}: deniedBins must be a bit mask (a whole number ≥ 0), got ${mask}`);
}

/**
 * Points into bins of `binMinutes`, keyed by bin index. A point inside a bin counts toward it;
 * several points of one bin (rows per operation, or finer bins) add up.
 */
export function toBins(points: readonly CountPoint[], binMinutes: number): Map<number, Bin> {
  const binMs = binMinutes * MINUTE_MS;
  const bins = new Map<number, Bin>();
  points.forEach((p, i) => {
    checkPoint(p, i);
    const index = Math.floor(p.at.getTime() / binMs);
    const bin = bins.get(index);
    if (bin) {
      bin.failures += p.failures;
      bin.total += p.total;
      // Two points of one bin (two operations, say) failed in the 5-minute bins of either.
      if (p.deniedBins) bin.deniedBins = (bin.deniedBins ?? 0) | p.deniedBins;
    } else {
      bins.set(index, {
        index,
        failures: p.failures,
        total: p.total,
        ...(p.deniedBins ? { deniedBins: p.deniedBins } : {}),
      });
    }
  });
  return bins;
}

export function checkWindows(exclude: readonly ExcludedWindow[]): void {
  exclude.forEach((w, i) => {
    const from = w.from.getTime();
    const to = w.to.getTime();
    if (Number.isNaN(from) || Number.isNaN(to)) throw new RangeError(`excluded window ${i}: invalid date`);
    // An inverted window would silently exclude nothing and let an incident be learned.
    if (from >= to)
      throw new RangeError(`excluded window ${i}: from ${w.from.toISOString()} is not before to ${w.to.toISOString()}`);
  });
}

/**
 * The bins a baseline may learn from, oldest first: with calls (a bin without calls says nothing
 * about a failure ratio), complete by `now` (a bin still filling is not history), within the
 * horizon, and touching no excluded window (a bin that overlaps an incident at all is dropped).
 */
export function learnable(
  bins: Iterable<Bin>,
  exclude: readonly ExcludedWindow[],
  now: Date,
  binMinutes: number,
  horizonDays: number,
): Bin[] {
  const binMs = binMinutes * MINUTE_MS;
  const end = now.getTime();
  const start = end - horizonDays * DAY_MS;
  const windows = exclude.map((w) => [w.from.getTime(), w.to.getTime()] as const);
  const kept: Bin[] = [];
  for (const b of bins) {
    const from = b.index * binMs;
    const to = from + binMs;
    if (b.total <= 0 || from < start || to > end) continue;
    if (windows.some(([wFrom, wTo]) => from < wTo && wFrom < to)) continue;
    kept.push({ ...b });
  }
  return kept.sort((a, b) => a.index - b.index);
}

/** Bins (oldest first) into the baseline's compact history. */
export function encodeHistory(bins: readonly Bin[]): Baseline["history"] {
  const steps = bins.map((b, i) => (i === 0 ? 0 : b.index - bins[i - 1]!.index));
  const history: Baseline["history"] = {
    steps,
    failures: bins.map((b) => b.failures),
    totals: bins.map((b) => b.total),
  };
  // Only series that have them keep the masks: most baselines stay as small as before.
  if (bins.some((b) => b.deniedBins)) history.deniedBins = bins.map((b) => b.deniedBins ?? 0);
  return history;
}

export function decodeHistory(b: Baseline): Bin[] {
  const { steps, failures, totals, deniedBins } = b.history;
  if (
    steps.length !== failures.length ||
    steps.length !== totals.length ||
    (deniedBins !== undefined && deniedBins.length !== steps.length)
  )
    throw new RangeError(`baseline ${b.seriesKey}: history arrays differ in length`);
  if (steps.length === 0) return [];
  if (b.firstAt === null) throw new RangeError(`baseline ${b.seriesKey}: history without firstAt`);
  let index = Date.parse(b.firstAt) / (b.binMinutes * MINUTE_MS);
  return steps.map((step, i) => {
    index += step;
    const mask = deniedBins?.[i];
    return { index, failures: failures[i]!, total: totals[i]!, ...(mask ? { deniedBins: mask } : {}) };
  });
}

/** The bins a baseline learned from, as points (oldest first). */
export function learnedPoints(b: Baseline): CountPoint[] {
  const binMs = b.binMinutes * MINUTE_MS;
  return decodeHistory(b).map((bin) => ({
    at: new Date(bin.index * binMs),
    failures: bin.failures,
    total: bin.total,
    ...(bin.deniedBins ? { deniedBins: bin.deniedBins } : {}),
  }));
}
