import { describe, expect, it } from "vitest";
import { extraBinomialLogSpread, median, medianAbsoluteDeviation } from "../../../src/core/baselines/robust.js";
import { binomialDraw, prng } from "./series.js";

describe("robust location and scale", () => {
  it.each([
    ["an odd count", [5, 1, 3], 3, 2],
    ["an even count", [4, 1, 3, 2], 2.5, 1],
    ["mostly zeros, as sparse failure counts are", [0, 0, 0, 0, 1, 0, 7], 0, 0],
  ])("gives the median and MAD of %s", (_, values, m, mad) => {
    expect(median(values)).toBe(m);
    expect(medianAbsoluteDeviation(values)).toBe(mad);
  });

  it("has no median for no values", () => {
    expect(median([])).toBeNaN();
  });
});

describe("the extra-binomial log spread", () => {
  /** `n` bins of `calls` each, measured against their ratio of sums, as learning does. */
  const bins = (n: number, calls: number, ratioOf: () => number, seed: number) => {
    const rand = prng(seed);
    const drawn = Array.from({ length: n }, () => binomialDraw(calls, ratioOf(), rand));
    const expected = drawn.reduce((a, b) => a + b, 0) / (n * calls);
    return drawn.map((failures) => ({ failures, total: calls, expected }));
  };

  it.each([
    ["pure sampling noise at 2,000 calls and 0.1%", 2000, 0.001],
    ["pure sampling noise at 20,000 calls and 1%", 20_000, 0.01],
    ["a bin series with no failures at all", 10, 0],
  ])("is about zero for %s", (_, calls, ratio) => {
    expect(extraBinomialLogSpread(bins(500, calls, () => ratio, 1))).toBeLessThan(0.2);
  });

  it.each([
    ["20,000 calls at 1%", 20_000, 0.01],
    ["100 calls at 2%, where a log count is mostly sampling noise", 100, 0.02],
  ])("recovers a log-normal hour-to-hour swing of σ = 0.5 at %s", (_, calls, ratio) => {
    const rand = prng(2);
    const swing = () =>
      ratio * Math.exp(0.5 * Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand()));
    const spread = extraBinomialLogSpread(bins(500, calls, swing, 3));
    expect(spread).toBeGreaterThan(0.4);
    expect(spread).toBeLessThan(0.6);
  });

  it("is 0 for no bins", () => {
    expect(extraBinomialLogSpread([])).toBe(0);
  });
});
