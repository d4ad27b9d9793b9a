import { describe, expect, it } from "vitest";
import { binomialUpperTail, logBinomialUpperTail } from "../../../src/core/baselines/index.js";
import { overdispersedUpperTail } from "../../../src/core/baselines/binomial.js";
import { logGamma } from "../../../src/core/baselines/binomial.js";

/** ln(j!) for j = 0..n by summing logs: independent of the Lanczos approximation under test. */
function logFactorials(n: number): Float64Array {
  const table = new Float64Array(n + 1);
  for (let j = 1; j <= n; j++) table[j] = table[j - 1]! + Math.log(j);
  return table;
}

/** ln P(X ≥ k) by direct summation of the binomial terms, in log space (log-sum-exp). */
function logTailBySummation(k: number, n: number, p: number): number {
  const lf = logFactorials(n);
  const terms: number[] = [];
  for (let i = k; i <= n; i++) terms.push(lf[n]! - lf[i]! - lf[n - i]! + i * Math.log(p) + (n - i) * Math.log1p(-p));
  const top = Math.max(...terms);
  return top + Math.log(terms.reduce((s, t) => s + Math.exp(t - top), 0));
}

describe("the binomial upper tail", () => {
  it.each([
    ["one or more failures in 10 calls at 10% is 1 − 0.9^10", 1, 10, 0.1, 1 - 0.9 ** 10],
    ["ten of ten at one half is 2^-10", 10, 10, 0.5, 1 / 1024],
    ["two or more of three at one half is 3/8 + 1/8", 2, 3, 0.5, 0.5],
    ["three or more of five at 20% is 0.0512 + 0.0064 + 0.00032", 3, 5, 0.2, 0.05792],
    ["at least zero failures is certain", 0, 2000, 0.001, 1],
    ["any failure at a ratio of 0 is impossible", 1, 2000, 0, 0],
    ["all failing at a ratio of 1 is certain", 50, 50, 1, 1],
  ])("%s", (_, k, n, p, exact) => {
    expect(binomialUpperTail(k, n, p)).toBeCloseTo(exact, 12);
  });

  it.each([
    ["0.2% of 2,000 calls at an expected 0.1% (the playbook's quiet case)", 4, 2000, 0.001],
    ["5% of 2,000 calls at an expected 0.1% (the playbook's paging case), deep in the tail", 100, 2000, 0.001],
    ["a full outage of a 10-call hour at an expected 5%", 10, 10, 0.05],
    ["below the mean, where the tail is close to 1", 1, 2000, 0.001],
    ["near the mean of a busy series", 120, 100_000, 0.001],
    ["far out in a busy series", 180, 100_000, 0.001],
    ["a large ratio", 700, 1000, 0.6],
  ])("matches direct summation: %s", (_, k, n, p) => {
    const exact = logTailBySummation(k, n, p);
    const got = logBinomialUpperTail(k, n, p);
    expect(Number.isFinite(got)).toBe(true);
    expect(Math.abs(got - exact)).toBeLessThan(1e-9 * Math.max(1, Math.abs(exact)));
  });

  it("stays finite in log space where the tail itself underflows", () => {
    const log = logBinomialUpperTail(2000, 2000, 0.001);
    expect(log).toBeCloseTo(2000 * Math.log(0.001), 6);
    expect(binomialUpperTail(2000, 2000, 0.001)).toBe(0);
  });

  it("never rises as the failure count rises, over a sweep of counts, sizes and ratios", () => {
    for (const n of [1, 10, 137, 2000, 50_000]) {
      for (const p of [1e-5, 0.001, 0.05, 0.5, 0.97]) {
        let previous = 1;
        for (let k = 0; k <= n; k += Math.max(1, Math.floor(n / 300))) {
          const tail = binomialUpperTail(k, n, p);
          expect(tail).toBeGreaterThanOrEqual(0);
          expect(tail).toBeLessThanOrEqual(previous * (1 + 1e-12));
          previous = tail;
        }
      }
    }
  });

  it("converges for a window of ten million calls", () => {
    expect(binomialUpperTail(1000, 10_000_000, 1e-4)).toBeGreaterThan(0.4);
    expect(binomialUpperTail(1000, 10_000_000, 1e-4)).toBeLessThan(0.6);
    expect(binomialUpperTail(1300, 10_000_000, 1e-4)).toBeLessThan(1e-15);
  });

  it("rejects counts and ratios outside their range", () => {
    expect(() => binomialUpperTail(11, 10, 0.1)).toThrow(RangeError);
    expect(() => binomialUpperTail(-1, 10, 0.1)).toThrow(RangeError);
    expect(() => binomialUpperTail(1, 10, 1.5)).toThrow(RangeError);
    expect(() => binomialUpperTail(1, 10, Number.NaN)).toThrow(RangeError);
  });

  it("takes ln Γ from the Lanczos series to within 1e-12 of summed logs", () => {
    const lf = logFactorials(3000);
    for (const n of [1, 2, 5, 10, 171, 2999])
      expect(Math.abs(logGamma(n + 1) - lf[n]!)).toBeLessThan(1e-12 * Math.max(1, lf[n]!));
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
  });
});

describe("the tail with hour-to-hour variation (binomial mixed over a log-normal ratio)", () => {
  it("is the binomial tail when there is no variation", () => {
    for (const [k, n, p] of [
      [4, 2000, 0.001],
      [100, 2000, 0.001],
      [3, 5, 0.2],
    ] as const) {
      expect(overdispersedUpperTail(k, n, p, 0)).toBe(binomialUpperTail(k, n, p));
    }
  });

  it("keeps the mean: the tails summed over k ≥ 1 give E[X] = n·p", () => {
    for (const [n, p, sigma] of [
      [50, 0.02, 0.5],
      [2000, 0.001, 1],
      [100, 0.1, 0.25],
    ] as const) {
      let mean = 0;
      for (let k = 1; k <= n; k++) mean += overdispersedUpperTail(k, n, p, sigma);
      expect(mean / (n * p)).toBeCloseTo(1, 2);
    }
  });

  it("makes a burst far less improbable than the binomial says, and more so the wider the variation", () => {
    const plain = binomialUpperTail(11, 100, 0.02);
    const some = overdispersedUpperTail(11, 100, 0.02, 0.25);
    const more = overdispersedUpperTail(11, 100, 0.02, 0.5);
    expect(plain).toBeLessThan(1e-4);
    expect(some).toBeGreaterThan(plain);
    expect(more).toBeGreaterThan(some);
  });

  it("never rises as the failure count rises", () => {
    for (const sigma of [0.1, 0.5, 1.5]) {
      let previous = 1;
      for (let k = 0; k <= 400; k += 4) {
        const tail = overdispersedUpperTail(k, 400, 0.01, sigma);
        expect(tail).toBeLessThanOrEqual(previous);
        previous = tail;
      }
    }
  });
});
