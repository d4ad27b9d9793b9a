import type { Incident, RequestRuleId, RuleId } from "../model/index.js";
import { seriesId } from "../model/signals.js";
import type { SignalRow } from "../signals/signal-set.js";
import type { Baseline, CountPoint, ExcludedWindow } from "./baseline.js";
import { learnBaseline, updateBaseline } from "./learn.js";
import { HOUR_MS, MINUTE_MS } from "../common/duration.js";

/** One backfill of 14 days instead of waiting days, as Azure Monitor's dynamic thresholds do. */
export const BACKFILL_HOURS = 14 * 24;
/** After the backfill, the last few hours once an hour: a re-read bin replaces what was learned. */
export const REFRESH_HOURS = 3;
/**
 * Logs of the last minutes may still be arriving (Log Analytics ingestion typically takes a few
 * minutes, learn.microsoft.com/azure/azure-monitor/logs/data-ingestion-time): learn only hours
 * that ended this long ago.
 */
export const SETTLE_MS = 15 * MINUTE_MS;

/** The learned baselines as stored: by `<rule>|<series>`, and when history was last read. */
export interface LearnedBaselines {
  baselines: ReadonlyMap<string, Baseline>;
  historyReadAt: Date | undefined;
}

/** What one tick learned: the baselines after it, the ones it changed (to save), and refusals. */
export interface Absorbed extends LearnedBaselines {
  updated: [string, Baseline][];
  /** Series the learner refused: each keeps its previous baseline. */
  errors: string[];
}

/** The key of a series' baseline under a rule. */
export const baselineKey = (rule: RuleId, series: string) => `${rule}|${series}`;

/**
 * Where a read of `hours` of history starts at `now`: on a whole hour (KQL's bin(TimeGenerated, 1h)
 * starts bins on UTC hours), so that every bin of the read but the current one is a complete hour,
 * and the current one is left to SETTLE_MS. A start at `now` minus the hours would return its
 * first hour in part. No history read (0 hours) starts at `now`, the window end.
 */
export function historyStartFor(now: Date, hours: number): Date {
  if (!Number.isFinite(hours) || hours < 0)
    throw new RangeError(`history hours must be a finite number ≥ 0, got ${hours}`);
  if (hours === 0) return now;
  return new Date(Math.floor((now.getTime() - hours * HOUR_MS) / HOUR_MS) * HOUR_MS);
}

/** Hours of history a tick should read: a backfill until one succeeded, then a refresh hourly. */
export function historyHoursFor(historyReadAt: Date | undefined, now: Date): number {
  if (!historyReadAt) return BACKFILL_HOURS;
  return now.getTime() - historyReadAt.getTime() >= HOUR_MS ? REFRESH_HOURS : 0;
}

/**
 * Learns from the hourly history rows read this tick, purely: returns the new baselines and the
 * ones to save. Hours still settling are left for a later read; incident periods are never learned
 * from (an open incident's period runs an hour past `now`), so an outage cannot become normal.
 */
export function absorbHistory(
  learned: LearnedBaselines,
  rows: readonly SignalRow<"kv-history">[],
  incidents: readonly Incident[],
  now: Date,
): Absorbed {
  const points = new Map<string, CountPoint[]>();
  for (const r of rows) {
    if (r.binStart.getTime() + HOUR_MS > now.getTime() - SETTLE_MS) continue;
    const series = seriesId(r.dims);
    const add = (rule: RequestRuleId, failures: number, deniedBins?: number) => {
      const key = baselineKey(rule, series);
      const list = points.get(key) ?? [];
      list.push({ at: r.binStart, failures, total: r.counts.total, ...(deniedBins ? { deniedBins } : {}) });
      points.set(key, list);
    };
    // Which 5-minute bins failed is kept only for calls without a token, whose bursts are learned
    // (bursts.ts); other series' baselines stay ratios.
    const tokenless = !r.dims.callerObjectId && !r.dims.callerAppId;
    add("kv-auth-denied", r.counts.denied, tokenless ? r.counts.deniedBins : undefined);
    add("kv-throttled", r.counts.throttled);
  }
  const exclusions = incidentWindows(incidents, now);
  const baselines = new Map(learned.baselines);
  const updated: [string, Baseline][] = [];
  const errors: string[] = [];
  for (const [key, list] of points) {
    const previous = baselines.get(key);
    const exclude = exclusions.get(key) ?? [];
    try {
      const next = previous ? updateBaseline(previous, list, exclude, now) : learnBaseline(key, list, exclude, now);
      baselines.set(key, next);
      updated.push([key, next]);
    } catch (error) {
      errors.push(`baseline ${key} not updated: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { baselines, historyReadAt: now, updated, errors };
}

/** Incident periods per baseline key: never learned from (an open one runs an hour past now). */
function incidentWindows(incidents: readonly Incident[], now: Date): Map<string, ExcludedWindow[]> {
  const out = new Map<string, ExcludedWindow[]>();
  for (const i of incidents) {
    // Baselines are learned per caller on a vault: other incidents have no series to exclude from.
    if (i.subject.kind !== "caller-on-vault") continue;
    const key = baselineKey(i.rule, seriesId(i.subject));
    const to = i.resolvedAt ?? new Date(now.getTime() + HOUR_MS);
    const list = out.get(key) ?? [];
    list.push({ from: new Date(i.openedAt.getTime() - HOUR_MS), to });
    out.set(key, list);
  }
  return out;
}
