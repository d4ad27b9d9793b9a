/**
 * The binomial upper tail P(X ≥ k | n, p), computed exactly through the regularized incomplete
 * beta function: P(X ≥ k) = I_p(k, n − k + 1) for 1 ≤ k ≤ n.
 *
 * Why not an approximation: the Poisson tail is the binomial's limit for large n and small p, and
 * overstates the tail when p is not small (a 10-call bin at 20%), and the normal approximation is
 * worst exactly where alerting looks — far in the upper tail at small counts. The incomplete beta
 * is exact for any n, costs O(√n) continued-fraction steps, and is evaluated in log space so tails
 * down to e^-700 and beyond neither underflow nor lose their digits to a subtraction.
 */

/** Lanczos approximation, g = 7, 9 coefficients (about 15 significant digits). */
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Modified Lentz: TINY stands in for a zero denominator; EPSILON is convergence at double precision. */
const TINY = 1e-300;
const EPSILON = 1e-15;
/** Converges in O(√max(a, b)) steps; this covers windows of hundreds of millions of calls. */
const MAX_STEPS = 200_000;

/** Continued fraction of the incomplete beta (modified Lentz; Numerical Recipes `betacf`). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_STEPS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPSILON) return h;
  }
  throw new Error(`incomplete beta did not converge (a=${a}, b=${b}, x=${x})`);
}

/** ln I_x(a, b), the log of the regularized incomplete beta function, for 0 < x < 1. */
export function logRegularizedBeta(x: number, a: number, b: number): number {
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  // The fraction converges fast on this side of the mean; the other side uses the symmetry
  // I_x(a, b) = 1 − I_{1−x}(b, a), where the result is near 1 and a subtraction loses nothing.
  if (x < (a + 1) / (a + b + 2)) return logFront + Math.log(betaContinuedFraction(a, b, x)) - Math.log(a);
  const complement = Math.exp(logFront + Math.log(betaContinuedFraction(b, a, 1 - x)) - Math.log(b));
  return Math.log1p(-Math.min(complement, 1));
}

function checkTailArguments(k: number, n: number, p: number): void {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`binomial tail needs n ≥ 0, got ${n}`);
  if (!Number.isFinite(k) || k < 0 || k > n) throw new RangeError(`binomial tail needs 0 ≤ k ≤ n, got k=${k}, n=${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial tail needs 0 ≤ p ≤ 1, got ${p}`);
}

/** ln P(X ≥ k) for X ~ Binomial(n, p); −Infinity when the event is impossible. */
export function logBinomialUpperTail(k: number, n: number, p: number): number {
  checkTailArguments(k, n, p);
  if (k === 0) return 0;
  if (p === 0) return -Infinity;
  if (p === 1) return 0;
  return logRegularizedBeta(p, k, n - k + 1);
}

/** P(X ≥ k) for X ~ Binomial(n, p). Below about 1e-308 this is 0; use the log form to rank. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  return Math.exp(logBinomialUpperTail(k, n, p));
}

/** Grid over the standard normal for the mixture below: ±8σ (beyond that, weights under 1e-14). */
const Z_STEP = 1 / 16;
const Z_GRID = Array.from({ length: Math.round(16 / Z_STEP) + 1 }, (_, i) => -8 + i * Z_STEP);
const Z_WEIGHTS = Z_GRID.map((z) => Math.exp((-z * z) / 2));
const Z_TOTAL = Z_WEIGHTS.reduce((a, b) => a + b, 0);

/**
 * P(X ≥ k) when the failure ratio itself varies from hour to hour: X ~ Binomial(n, R) with
 * ln R ~ Normal(ln p − σ²/2, σ²), so that R averages p (the learned ratio of sums).
 *
 * Failure streams are overdispersed — bursts from retry loops, hot hours — so a plain binomial
 * tail at the expected ratio calls ordinary bursts astronomically improbable. The standard remedy
 * for overdispersed counts is a wider variance (a negative binomial, or a mixture; see
 * docs/reference/slo-alerting.md). This mixes the binomial over a log-normal ratio, which inflates
 * the variance by exactly the learned hour-to-hour spread σ; with σ = 0 it is the binomial tail.
 * The integral is a trapezoid sum over a fixed grid, so it keeps the binomial's monotonicity: more
 * failures never raise it.
 */
export function overdispersedUpperTail(k: number, n: number, p: number, sigma: number): number {
  if (!(sigma > 0) || k === 0 || p === 0 || p === 1) return binomialUpperTail(k, n, p);
  checkTailArguments(k, n, p);
  const mu = Math.log(p) - (sigma * sigma) / 2;
  let sum = 0;
  for (let i = 0; i < Z_GRID.length; i++)
    sum += Z_WEIGHTS[i]! * binomialUpperTail(k, n, Math.min(1, Math.exp(mu + sigma * Z_GRID[i]!)));
  return Math.min(1, sum / Z_TOTAL);
}
