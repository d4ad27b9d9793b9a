import type { CountPoint } from "../../../src/core/baselines/index.js";

/** Generated series for the baseline tests: seeded, so every run sees the same data. */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A Sunday, 00:00 UTC. */
export const T0 = new Date("2025-03-02T00:00:00Z");

export const hoursAfter = (start: Date, hours: number) => new Date(start.getTime() + hours * HOUR);

/** mulberry32: a small, fast PRNG with a 32-bit seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A Binomial(n, p) draw: inversion of the CDF (exact) while (1 − p)^n is representable and the
 * mean is small, otherwise a rounded normal draw (fine for test data at large n·p).
 */
export function binomialDraw(n: number, p: number, rand: () => number): number {
  if (p <= 0 || n === 0) return 0;
  if (p >= 1) return n;
  const q = 1 - p;
  let pmf = q ** n;
  if (pmf > 1e-200 && n * p < 200) {
    const u = rand();
    let cdf = pmf;
    let k = 0;
    while (u > cdf && k < n) {
      pmf *= ((n - k) / (k + 1)) * (p / q);
      k++;
      cdf += pmf;
    }
    return k;
  }
  const u1 = Math.max(rand(), 1e-12);
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rand());
  return Math.min(n, Math.max(0, Math.round(n * p + normal * Math.sqrt(n * p * q))));
}

export interface Shape {
  /** Calls per hour at this hour (default: `calls`). */
  calls?: (at: Date) => number;
  /** The true failure ratio at this hour. */
  ratio: (at: Date) => number;
}

/** `hours` hourly points from `start`, failures drawn from the shape's ratio. */
export function generate(start: Date, hours: number, shape: Shape, seed: number): CountPoint[] {
  const rand = prng(seed);
  const points: CountPoint[] = [];
  for (let h = 0; h < hours; h++) {
    const at = hoursAfter(start, h);
    const total = Math.round(shape.calls ? shape.calls(at) : 0);
    points.push({ at, failures: binomialDraw(total, shape.ratio(at), rand), total });
  }
  return points;
}

/** A steady series: `calls` an hour at `ratio`, for `days` from `start`. */
export function steady(days: number, calls: number, ratio: number, seed: number, start = T0): CountPoint[] {
  return generate(start, days * 24, { calls: () => calls, ratio: () => ratio }, seed);
}

/** A Sunday 02:00 UTC batch job errs at `batchRatio`; every other hour at `ratio`. */
export function sundayBatch(
  days: number,
  calls: number,
  ratio: number,
  batchRatio: number,
  seed: number,
): CountPoint[] {
  const isBatch = (at: Date) => at.getUTCDay() === 0 && at.getUTCHours() === 2;
  return generate(T0, days * 24, { calls: () => calls, ratio: (at) => (isBatch(at) ? batchRatio : ratio) }, seed);
}

/** The end of `days` of history from `start`: the `now` a backfill would be learned at. */
export const endOf = (days: number, start = T0) => new Date(start.getTime() + days * DAY);
