/**
 * Learned baselines per series: learn normal from a backfill, keep it current, judge a window.
 * See baseline.ts for the shapes and judge.ts / gates.ts for the statistics.
 */
export { DEFAULT_BASELINE_OPTIONS } from "./baseline.js";
export type {
  Baseline,
  BaselineOptions,
  BaselineVerdict,
  CountPoint,
  ExcludedWindow,
  Seasonality,
  SlotRow,
  VerdictBasis,
} from "./baseline.js";
export { learnBaseline, updateBaseline } from "./learn.js";
export { learnedPoints } from "./history.js";
export { judge, type Observation } from "./judge.js";
export { describe } from "./describe.js";
export { pointsBySeries, type BackfillRow } from "./backfill.js";
export { binomialUpperTail, logBinomialUpperTail, overdispersedUpperTail } from "./binomial.js";
export {
  absorbHistory,
  BACKFILL_HOURS,
  baselineKey,
  historyHoursFor,
  historyStartFor,
  REFRESH_HOURS,
  type Absorbed,
  type LearnedBaselines,
} from "./absorb.js";
export { judgeWith, type BaselineJudge } from "./opinion.js";
export { burstsOf, usualBurst, BURST_GAP_BINS, NORMAL_RECURRENCES, type Burst, type UsualBurst } from "./bursts.js";
export { historyWith, type SeriesHistory } from "./series-history.js";
