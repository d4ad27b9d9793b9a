import { allHold, conditions, explain, measure, testedRatio } from "./gates.js";
import { DAY_MS, MINUTE_MS } from "./history.js";
import type { Baseline, BaselineOptions, BaselineVerdict, Seasonality, SlotRow } from "./baseline.js";
import { resolveOptions } from "./options.js";
import { coarser, slotLabel, slotOf } from "./seasons.js";
import { count, percent } from "./format.js";

export interface Observation {
  failures: number;
  total: number;
  /** Start of the observed window; picks the season slot. */
  at: Date;
}

function checkObservation(x: Observation): void {
  if (!(x.at instanceof Date) || Number.isNaN(x.at.getTime()))
    throw new RangeError(`observation: "at" is not a valid date`);
  for (const [name, v] of [
    ["failures", x.failures],
    ["total", x.total],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`observation: ${name} must be a finite count ≥ 0, got ${v}`);
  }
  if (x.failures > x.total) throw new RangeError(`observation: ${x.failures} failures exceed the ${x.total} calls`);
}

const days = (d: number) => `${Number(d.toFixed(1))} day${d === 1 ? "" : "s"}`;

/** Why the baseline's own pattern is what it is, for the reasons list. */
function patternReason(b: Baseline, o: BaselineOptions): string {
  const history = `${days(b.historyDays)} of history`;
  if (b.seasonality === "hour-of-week")
    return `hour-of-week pattern: ${history} (weekly needs ${o.weeksForWeekly} weeks)`;
  if (b.seasonality === "hour-of-day") {
    return `hour-of-day pattern: weekly needs ${o.weeksForWeekly} weeks of history, have ${days(b.historyDays)}`;
  }
  return `flat pattern: daily needs ${days(o.daysForDaily)} of history, have ${days(b.historyDays)}`;
}

interface Usable {
  pattern: Seasonality;
  row: SlotRow;
  tested: number;
}

/** The observation's slot in each pattern from the baseline's finest down to flat, skipping (and noting) slots with too few bins. */
function usableSlots(b: Baseline, atMs: number, o: BaselineOptions): { usable: Usable[]; notes: string[] } {
  const usable: Usable[] = [];
  const notes: string[] = [];
  for (let pattern: Seasonality | undefined = b.seasonality; pattern; pattern = coarser(pattern)) {
    const slot = slotOf(pattern, atMs);
    const row = b.slots[pattern].find((r) => r[0] === slot);
    const samples = row ? row[2] : 0;
    if (row && samples >= o.minSlotSamples) usable.push({ pattern, row, tested: testedRatio(row[1], row[4]) });
    else
      notes.push(
        `${slotLabel(pattern, slot)} has ${samples} learned bin${samples === 1 ? "" : "s"} (needs ${o.minSlotSamples}): not used`,
      );
  }
  return { usable, notes };
}

/**
 * Judges one observed window against a series' baseline. Without a baseline, with too little
 * history (Azure dynamic thresholds: 3 days and 30 samples), or with a baseline that has seen
 * nothing for longer than its horizon, the verdict is "cold"; a window without calls is
 * "no-traffic". Neither is ever "normal". Pass the options the baseline was learned with.
 */
export function judge(
  b: Baseline | undefined,
  observed: Observation,
  o: Partial<BaselineOptions> = {},
): BaselineVerdict {
  const opts = resolveOptions(o);
  checkObservation(observed);
  const neededDays = opts.minHistoryDays;
  const needed = opts.minSamples;
  if (!b)
    return {
      kind: "cold",
      seriesKey: undefined,
      reason: "no baseline has been learned for this series",
      samples: 0,
      needed,
      historyDays: 0,
      neededDays,
    };
  const cold = (reason: string): BaselineVerdict => ({
    kind: "cold",
    seriesKey: b.seriesKey,
    reason,
    samples: b.samples,
    needed,
    historyDays: b.historyDays,
    neededDays,
  });
  if (b.samples < opts.minSamples || b.historyDays < opts.minHistoryDays) {
    return cold(
      `${b.samples} learned bins over ${days(b.historyDays)}; verdicts need ${opts.minSamples} bins over ${days(opts.minHistoryDays)}`,
    );
  }
  const atMs = observed.at.getTime();
  const lastEnd = b.lastAt === null ? Number.NEGATIVE_INFINITY : Date.parse(b.lastAt) + b.binMinutes * MINUTE_MS;
  if (atMs - lastEnd > b.horizonDays * DAY_MS) {
    return cold(
      `the newest learned bin ended ${days((atMs - lastEnd) / DAY_MS)} before this window, beyond the ${days(b.horizonDays)} horizon`,
    );
  }
  if (observed.total === 0)
    return { kind: "no-traffic", seriesKey: b.seriesKey, reason: "no calls in the observed window: nothing to judge" };

  // Seasonality only ever adds tolerance: the observation is tested against the highest normal of
  // its slot and the coarser patterns' slots, and the widest of those patterns' spreads. A
  // recurring high — the Sunday 02:00 batch job — is explained away, but a thin slot (an
  // hour-of-week slot holds 3–6 bins) that came out low by chance can never page on ordinary
  // noise, nor can the spread about thin slots, which their own means partly absorb.
  const { usable, notes } = usableSlots(b, atMs, opts);
  const finest = usable[0];
  if (!finest) return cold("no season slot has enough learned bins");
  const supplier = usable.reduce((best, u) => (u.tested > best.tested ? u : best), finest);
  const spread = Math.max(...usable.map((u) => b.spread[u.pattern]));
  const [slot, expectedRatio, samples, , typicalCalls] = supplier.row;
  const m = measure(supplier.tested, spread, observed.failures, observed.total);
  const c = conditions(m, opts);
  const anomalous = allHold(c);
  const { met, failed } = explain(m, c, opts);
  const basis = { seasonality: supplier.pattern, slot: slotLabel(supplier.pattern, slot), samples };
  const reasons = [
    ...(anomalous ? met : failed),
    patternReason(b, opts),
    ...notes,
    `usual ratio ${percent(expectedRatio)} for ${basis.slot}, from ${samples} learned bins`,
  ];
  if (supplier !== finest) {
    const own = slotLabel(finest.pattern, finest.row[0]);
    reasons.push(
      `${own} alone usually runs at ${percent(finest.row[1])} (${finest.row[2]} bins); the higher normal of ${basis.slot} applies: a season slot may raise the expectation, never lower it`,
    );
  }
  if (spread > 0)
    reasons.push(
      `usual hour-to-hour variation beyond sampling noise: about ×${Math.exp(spread).toFixed(2)} (log spread ${spread.toFixed(2)})`,
    );
  if (supplier.tested > expectedRatio) {
    reasons.push(
      `tested against ${percent(supplier.tested)}: half a failure per typical bin of ${count(typicalCalls)} calls, the finest ratio this history can resolve`,
    );
  }
  return {
    kind: anomalous ? "anomalous" : "normal",
    seriesKey: b.seriesKey,
    failures: observed.failures,
    total: observed.total,
    observedRatio: m.observedRatio,
    expectedRatio,
    testedRatio: m.tested,
    lift: m.lift,
    z: m.z,
    pValue: m.pValue,
    basis,
    reasons,
  };
}
