/** Robust location and scale: median and MAD (Iglewicz and Hoaglin, How to Detect and Handle Outliers, 1993). */

/** Scales a MAD to estimate σ for normal data: 1 / 0.6745 = 1.4826 (Iglewicz–Hoaglin). */
export const MAD_TO_SIGMA = 1.4826;

/** The median; NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation around the median; 0 when most values are equal (sparse counts). */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** ln((f + ½)/(n + 1)): a bin's failure ratio on a log scale; the half failure keeps 0 finite. */
export const logRatio = (failures: number, total: number): number => Math.log((failures + 0.5) / (total + 1));

/**
 * The MAD of logRatio(X, n) for X ~ Binomial(n, p): the spread that sampling noise alone gives.
 * Exact from the probability mass while the mean count is small — where the log of a count is far
 * from normal and the delta-method variance (1 − p)/(n·p) overstates it several times — and
 * 0.6745 × that standard deviation above a mean of 50 failures, where it is accurate.
 */
export function samplingLogMad(n: number, p: number): number {
  const mean = n * p;
  if (n <= 0 || p <= 0 || p >= 1) return 0;
  if (mean >= 50) return 0.6745 * Math.sqrt((1 - p) / mean);
  // Counts past the mean plus 12 standard deviations (√mean bounds one) and a margin of 20 for tiny
  // means carry too little mass to move a median or a MAD: the sum stops there.
  const last = Math.min(n, Math.ceil(mean + 12 * Math.sqrt(mean) + 20));
  const values: { y: number; w: number }[] = [];
  let w = Math.exp(n * Math.log1p(-p));
  for (let x = 0; x <= last; x++) {
    values.push({ y: logRatio(x, n), w });
    w *= ((n - x) / (x + 1)) * (p / (1 - p));
  }
  const weightedMedian = (items: { y: number; w: number }[]) => {
    const sorted = [...items].sort((a, b) => a.y - b.y);
    const half = sorted.reduce((s, i) => s + i.w, 0) / 2;
    let cumulative = 0;
    for (const i of sorted) if ((cumulative += i.w) >= half) return i.y;
    return sorted[sorted.length - 1]!.y;
  };
  const m = weightedMedian(values);
  return weightedMedian(values.map((v) => ({ y: Math.abs(v.y - m), w: v.w })));
}

/** A bin measured against the expected ratio of its season slot. */
export interface Residual {
  failures: number;
  total: number;
  expected: number;
}

/**
 * Hour-to-hour variation of the failure ratio beyond binomial sampling noise, on a log scale,
 * from medians: the MAD of the bins' log ratios about their slots' expected ratios, with the MAD
 * that sampling alone would give taken off in quadrature, × 1.4826. A minority of incident bins
 * cannot move it, but it is blind at low counts, where a log count is mostly sampling noise and
 * its MAD moves in coarse steps.
 */
export function robustLogSpread(items: readonly Residual[]): number {
  const usable = items.filter((i) => i.expected > 0);
  if (usable.length === 0) return 0;
  const observed = medianAbsoluteDeviation(usable.map((i) => logRatio(i.failures, i.total) - Math.log(i.expected)));
  const memo = new Map<string, number>();
  const sampling = median(
    usable.map((i) => {
      const key = `${i.total}|${i.expected}`;
      let mad = memo.get(key);
      if (mad === undefined) memo.set(key, (mad = samplingLogMad(i.total, i.expected)));
      return mad;
    }),
  );
  return MAD_TO_SIGMA * Math.sqrt(Math.max(0, observed ** 2 - sampling ** 2));
}

/**
 * The same variation from moments: the variance of each bin's ratio about its slot's expected
 * ratio p beyond the binomial p(1 − p)/n, relative to p², pooled; a log-normal swing σ has
 * relative variance e^σ² − 1. Sees overdispersion at any count, but a high bin inflates it, so it
 * is only used on bins already cleared of outliers (and an inflated spread only makes verdicts
 * more cautious). Population variance (÷ B), so repeating the same history does not change it.
 */
export function momentLogSpread(items: readonly Residual[]): number {
  const usable = items.filter((i) => i.expected > 0);
  if (usable.length === 0) return 0;
  let excess = 0;
  for (const { failures, total, expected: p } of usable)
    excess += ((failures / total - p) ** 2 - (p * (1 - p)) / total) / (p * p);
  return Math.sqrt(Math.log1p(Math.max(0, excess / usable.length)));
}

/**
 * The hour-to-hour variation a pattern's bins show beyond sampling noise, on a log scale, pooled
 * over all its slots (an hour-of-week slot alone holds 3–6 bins, far too few to estimate a
 * spread from): the larger of the robust and the moment estimate, on bins cleared of outliers.
 *
 * Failure streams are bursty — a retry loop turns one denial into fifty — so their variation is
 * multiplicative and skewed to the right: a MAD of the raw ratios understates that tail (a series
 * that swings ±65% an hour would page on about 1 healthy hour in 200). On a log scale the swing is
 * symmetric, and an observation's z is ln(observed ÷ expected) over this spread. 0 when sampling
 * noise explains all of the variation.
 */
export function extraBinomialLogSpread(items: readonly Residual[]): number {
  return Math.max(robustLogSpread(items), momentLogSpread(items));
}
