/**
 * The baseline's shapes and default options: what "normal" looks like for one series (for example
 * one vault × one caller × one status class, or one app's dependency failures), and the verdict on
 * a new observation. learn.ts learns one, judge.ts and gates.ts give the verdict. Sources of the
 * numbers: docs/reference/slo-alerting.md.
 *
 * Everything here is pure: no I/O, no clock (callers pass `now`), no environment. A `Baseline` is
 * plain JSON so the state store can keep it as one string property (an Azure Tables string
 * property holds at most 64 KiB, i.e. 32K UTF-16 characters). Measured: a 14-day hourly baseline
 * is 3–7 KB (4.1 KB at 2,000 calls an hour), a full 42-day one 10–23 KB (23 KB at 1.44 million
 * calls an hour, 20% failing: seven-digit counts).
 */

/** One fixed-size bin of history for a series: failures among all calls. */
export interface CountPoint {
  /** Start of the bin (UTC). */
  at: Date;
  failures: number;
  total: number;
  /**
   * Which 5-minute bins of the point had failures, one bit each (bit 0: the bin from its start):
   * the history query's `deniedBins` (queries/signals/history.ts). Kept for calls without a token,
   * whose bursts are learned from it (bursts.ts); absent elsewhere.
   */
  deniedBins?: number | undefined;
}

/** An incident period, half-open [from, to): never learned from. */
export interface ExcludedWindow {
  from: Date;
  to: Date;
}

/** The seasonal pattern a baseline can tell apart, finest first. */
export type Seasonality = "hour-of-week" | "hour-of-day" | "flat";

export interface BaselineOptions {
  /** Bin size of the history, in minutes; must divide 60 (KQL `bin(TimeGenerated, 1h)` → 60). */
  binMinutes: number;
  /**
   * Learning horizon: points older than this are dropped, which bounds memory. 42 days = the
   * "up to 6 weeks" of history Datadog's anomaly monitors use (docs.datadoghq.com/monitors/types/anomaly/).
   */
  horizonDays: number;
  /**
   * Minimum history before any verdict other than "cold" (Azure dynamic thresholds: no alerts
   * before 3 days and 30 samples, learn.microsoft.com/azure/azure-monitor/alerts/alerts-dynamic-thresholds).
   */
  minHistoryDays: number;
  minSamples: number;
  /** Hour-of-day seasonality only with this many days (Datadog's anomaly monitors: history ≥ 3× the season). */
  daysForDaily: number;
  /** Hour-of-week seasonality only with this many weeks (Azure dynamic thresholds and Datadog: 3 weeks). */
  weeksForWeekly: number;
  /** A slot with fewer learned bins than this falls back to the coarser pattern (chosen: 3, as for the seasons). */
  minSlotSamples: number;
  /**
   * An anomaly must reach this failure ratio (0–1) whatever the baseline ... The floor (1%), lift
   * (3×) and count (5) are this project's choices, set so the Key Vault guide's example holds:
   * 0.1% → 0.2% stays quiet, 0.1% → 5% pages (docs/reference/playbooks.md, ADR 0008).
   */
  absoluteRatioFloor: number;
  /** ... and this multiple of the expected ratio (well clear of an ordinary doubling) ... */
  relativeLift: number;
  /** ... and this many failures in the observed window: low counts never page ... */
  minFailures: number;
  /**
   * ... and lie beyond the slot's usual hour-to-hour variation: robust z at least this (the
   * modified z-score's 3.5: Iglewicz and Hoaglin, How to Detect and Handle Outliers, 1993) ...
   */
  minRobustZ: number;
  /**
   * ... and be improbable under the expected ratio: binomial upper tail p at most this. Chosen:
   * 1e-3, about one false page in 1,000 hours for a series the model fits (ADR 0008).
   */
  maxPValue: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = Object.freeze({
  binMinutes: 60,
  horizonDays: 42,
  minHistoryDays: 3,
  minSamples: 30,
  daysForDaily: 3,
  weeksForWeekly: 3,
  minSlotSamples: 3,
  absoluteRatioFloor: 0.01,
  relativeLift: 3,
  minFailures: 5,
  minRobustZ: 3.5,
  maxPValue: 1e-3,
});

/**
 * One season slot's learned normal, stored as a tuple to keep the JSON small:
 * - `slot`: hour of week (0 = Sunday 00:00 UTC … 167), hour of day (0–23), or 0 for flat;
 * - `expectedRatio`: failures ÷ calls over the slot's bins that were kept (a ratio of sums,
 *   never an average of ratios, as the SRE Workbook's recording rules sum before dividing);
 * - `samples`: bins learned from;
 * - `outliers`: bins left out because they would themselves have paged (Azure dynamic thresholds
 *   also leave prolonged outages out of what they learn);
 * - `typicalCalls`: median calls per kept bin, which sets the resolution floor (gates.ts `testedRatio`).
 */
export type SlotRow = [slot: number, expectedRatio: number, samples: number, outliers: number, typicalCalls: number];

/** A learned baseline. Plain JSON: `JSON.parse(JSON.stringify(b))` is an equal baseline. */
export interface Baseline {
  version: 1;
  seriesKey: string;
  /** ISO time of the last learn or update. */
  learnedAt: string;
  binMinutes: number;
  horizonDays: number;
  /** The finest pattern the history supports (a slot with too few bins still falls back). */
  seasonality: Seasonality;
  /** Bins with calls that were learned from (after exclusions and the horizon). */
  samples: number;
  /** From the start of the first learned bin to the end of the last, in days. */
  historyDays: number;
  /** ISO start of the first and last learned bins; null when nothing was learned. */
  firstAt: string | null;
  lastAt: string | null;
  /** Learned normal per slot, for each pattern the history supports (others are empty). */
  slots: Record<Seasonality, SlotRow[]>;
  /**
   * Per pattern, the hour-to-hour variation of the failure ratio beyond sampling noise, on a log
   * scale (σ of ln ratio), pooled over the pattern's slots: from 1.4826 × MAD (the robust σ)
   * or moments, whichever is larger; see robust.ts. 0 for patterns the history does not support.
   */
  spread: Record<Seasonality, number>;
  /**
   * The learned bins themselves, kept so an update can drop old ones, re-apply exclusions that
   * became known later, and relearn medians (which cannot be updated incrementally). Bin i starts
   * at `firstAt + (steps[0] + … + steps[i]) × binMinutes`; `steps[0]` is 0.
   */
  history: {
    steps: number[];
    failures: number[];
    totals: number[];
    /** Per bin, its `deniedBins` mask (CountPoint); only when some bin has one. */
    deniedBins?: number[];
  };
}

/**
 * The slot whose normal the observation was tested against: of the observation's slots in the
 * baseline's pattern and the coarser ones (thin slots skipped), the one with the highest normal.
 */
export interface VerdictBasis {
  seasonality: Seasonality;
  /** "Tuesdays 14:00 UTC", "14:00 UTC (any day)" or "all hours". */
  slot: string;
  /** Bins the slot's normal was learned from. */
  samples: number;
}

interface Judged {
  seriesKey: string;
  failures: number;
  total: number;
  observedRatio: number;
  /** The basis slot's learned ratio (what on-call reads as "usual"). */
  expectedRatio: number;
  /**
   * The ratio the tests used: the expected ratio raised to its resolution floor of half a failure
   * per typical bin when the history cannot resolve finer ratios.
   */
  testedRatio: number;
  /** observedRatio ÷ testedRatio. */
  lift: number;
  /** Robust z: ln(observed ÷ tested) over the widest log spread of the patterns considered (floored at 0.1). */
  z: number;
  /** Binomial upper tail P(X ≥ failures | total, testedRatio). */
  pValue: number;
  basis: VerdictBasis;
  /** Each condition that held (anomalous) or failed (normal), then how the basis was chosen. */
  reasons: string[];
}

export type BaselineVerdict =
  /** Not enough learned history to judge: an outcome of its own, never "normal". */
  | {
      kind: "cold";
      seriesKey: string | undefined;
      reason: string;
      samples: number;
      needed: number;
      historyDays: number;
      neededDays: number;
    }
  /** No calls in the observed window: nothing to judge, and not evidence of health. */
  | { kind: "no-traffic"; seriesKey: string; reason: string }
  | ({ kind: "normal" } & Judged)
  | ({ kind: "anomalous" } & Judged);
