import { testedRatio, wouldPage } from "./gates.js";
import {
  checkWindows,
  DAY_MS,
  decodeHistory,
  encodeHistory,
  learnable,
  MINUTE_MS,
  toBins,
  type Bin,
} from "./history.js";
import type { Baseline, BaselineOptions, CountPoint, ExcludedWindow, Seasonality, SlotRow } from "./baseline.js";
import { resolveOptions } from "./options.js";
import { extraBinomialLogSpread, median, robustLogSpread } from "./robust.js";
import { PATTERNS, slotOf } from "./seasons.js";

/** Six significant digits: enough for a ratio, and keeps the JSON short. */
const round = (x: number) => Number(x.toPrecision(6));

/** The finest pattern `historyDays` supports (Azure/Datadog: weekly after 3 weeks; daily after 3 days). */
export function supportedPattern(
  historyDays: number,
  o: Pick<BaselineOptions, "weeksForWeekly" | "daysForDaily">,
): Seasonality {
  if (historyDays >= o.weeksForWeekly * 7) return "hour-of-week";
  if (historyDays >= o.daysForDaily) return "hour-of-day";
  return "flat";
}

const ratioOfSums = (bins: readonly Bin[]) => {
  let calls = 0;
  let failures = 0;
  for (const b of bins) {
    calls += b.total;
    failures += b.failures;
  }
  return failures / calls;
};

/**
 * One pattern's normal: per slot, the ratio of sums of its bins; for the whole pattern, the
 * hour-to-hour spread. An incident nobody excluded must not become normal, so learning drops every
 * bin that would itself have paged (Azure dynamic thresholds remove outages from learning,
 * learn.microsoft.com/azure/azure-monitor/alerts/alerts-dynamic-thresholds):
 * 1. a robust first guess per slot — the median bin ratio, raised to the resolution floor — and
 *    the MAD-based spread about those guesses (robust.ts), which a minority of incident bins cannot
 *    move; bins that would page against it are set aside;
 * 2. the spread of what is left is measured again with moments too, which see bursts the MAD is
 *    blind to at low counts, and the outliers are chosen again against it — so the ordinary
 *    bursts of a bursty series are kept and only the incidents stay out;
 * 3. each slot's ratio of sums and the pattern's spread come from the bins kept.
 * The bins at or below a slot's median always stay: they cannot clear the relative lift over a
 * guess at least as high as the median.
 */
function learnPattern(
  pattern: Seasonality,
  bins: readonly Bin[],
  binMs: number,
  o: BaselineOptions,
): { rows: SlotRow[]; spread: number } {
  const bySlot = new Map<number, Bin[]>();
  for (const b of bins) {
    const slot = slotOf(pattern, b.index * binMs);
    const list = bySlot.get(slot);
    if (list) list.push(b);
    else bySlot.set(slot, [b]);
  }
  const slots = [...bySlot.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, list]) => ({
      slot,
      bins: list,
      guess: testedRatio(median(list.map((b) => b.failures / b.total)), median(list.map((b) => b.total))),
    }));

  const keep = (spread: number) =>
    slots.map(({ slot, bins: list, guess }) => {
      const unflagged = list.filter((b) => !wouldPage(guess, spread, b.failures, b.total, o));
      // Only reachable with options that make the median itself anomalous (lift 1 and z ≤ 0).
      const kept = unflagged.length > 0 ? unflagged : list;
      return { slot, kept, total: list.length, expected: ratioOfSums(kept) };
    });
  const spreadOf = (learned: ReturnType<typeof keep>) =>
    extraBinomialLogSpread(learned.flatMap((s) => s.kept.map((b) => ({ ...b, expected: s.expected }))));

  const first = keep(robustLogSpread(slots.flatMap((s) => s.bins.map((b) => ({ ...b, expected: s.guess })))));
  const learned = keep(spreadOf(first));
  const rows = learned.map(
    ({ slot, kept, total, expected }): SlotRow => [
      slot,
      round(expected),
      total,
      total - kept.length,
      median(kept.map((b) => b.total)),
    ],
  );
  return { rows, spread: round(spreadOf(learned)) };
}

function learnFrom(seriesKey: string, bins: readonly Bin[], now: Date, o: BaselineOptions): Baseline {
  const binMs = o.binMinutes * MINUTE_MS;
  const first = bins[0];
  const last = bins[bins.length - 1];
  const historyDays = first && last ? Math.round((((last.index + 1 - first.index) * binMs) / DAY_MS) * 1000) / 1000 : 0;
  const seasonality = supportedPattern(historyDays, o);
  const from = PATTERNS.indexOf(seasonality);
  const slots: Record<Seasonality, SlotRow[]> = { "hour-of-week": [], "hour-of-day": [], flat: [] };
  const spread: Record<Seasonality, number> = { "hour-of-week": 0, "hour-of-day": 0, flat: 0 };
  if (bins.length > 0) {
    for (const pattern of PATTERNS.slice(from))
      ({ rows: slots[pattern], spread: spread[pattern] } = learnPattern(pattern, bins, binMs, o));
  }
  return {
    version: 1,
    seriesKey,
    learnedAt: now.toISOString(),
    binMinutes: o.binMinutes,
    horizonDays: o.horizonDays,
    seasonality,
    samples: bins.length,
    historyDays,
    firstAt: first ? new Date(first.index * binMs).toISOString() : null,
    lastAt: last ? new Date(last.index * binMs).toISOString() : null,
    slots,
    spread,
    history: encodeHistory(bins),
  };
}

/**
 * Learns a series' normal from history — typically one backfill query of 14 days on first run,
 * so verdicts start at once instead of after days of waiting. Points in `exclude` windows, older
 * than the horizon or ending after `now` are not learned; several points in one bin add up.
 */
export function learnBaseline(
  seriesKey: string,
  points: readonly CountPoint[],
  exclude: readonly ExcludedWindow[],
  now: Date,
  o: Partial<BaselineOptions> = {},
): Baseline {
  const opts = resolveOptions(o);
  checkWindows(exclude);
  return learnFrom(
    seriesKey,
    learnable(toBins(points, opts.binMinutes).values(), exclude, now, opts.binMinutes, opts.horizonDays),
    now,
    opts,
  );
}

/**
 * Adds new bins to a baseline and relearns it. A new point for a bin already held replaces it when
 * it counts at least as many calls (a later read of a bin has seen more of the ingested logs; one
 * with fewer covered only part of the hour, and a whole hour is never traded for a part of it);
 * bins older than the horizon are dropped,
 * so memory stays bounded; `exclude` applies to the bins already held too, so an incident window
 * declared after the fact is removed from what was learned. Equal to learning from all the points
 * at once when no bin is given twice.
 */
export function updateBaseline(
  b: Baseline,
  newPoints: readonly CountPoint[],
  exclude: readonly ExcludedWindow[],
  now: Date,
  o: Partial<BaselineOptions> = {},
): Baseline {
  if (b.version !== 1) throw new RangeError(`baseline ${b.seriesKey}: unknown version ${String(b.version)}`);
  if (o.binMinutes !== undefined && o.binMinutes !== b.binMinutes) {
    throw new RangeError(
      `baseline ${b.seriesKey} has ${b.binMinutes}-minute bins; relearn it to change to ${o.binMinutes}`,
    );
  }
  const opts = resolveOptions({ ...o, binMinutes: b.binMinutes });
  checkWindows(exclude);
  const bins = new Map(decodeHistory(b).map((bin) => [bin.index, bin] as const));
  for (const [index, bin] of toBins(newPoints, opts.binMinutes)) {
    // Logs are only ever added to a workspace, so a full re-read never sees fewer calls.
    const held = bins.get(index);
    if (!held || bin.total >= held.total) bins.set(index, bin);
  }
  return learnFrom(b.seriesKey, learnable(bins.values(), exclude, now, opts.binMinutes, opts.horizonDays), now, opts);
}
