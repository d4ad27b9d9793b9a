import { describe, expect, it } from "vitest";
import { judge, learnBaseline } from "../../../src/core/baselines/index.js";
import { endOf, hoursAfter, steady } from "./series.js";

// The playbook's own example: "A service that normally experiences 0.1 percent error rate might
// not need investigation when errors spike to 0.2 percent, but a jump to 5 percent warrants
// immediate attention."
describe("the playbook's 0.1% → 0.2% and 0.1% → 5%", () => {
  const busy = learnBaseline("kv-orders-prod|id-func-orders|denials", steady(14, 2000, 0.001, 11), [], endOf(14));
  const tuesday = hoursAfter(endOf(14), 2 * 24 + 14);

  it("learns about 0.1% from 14 days of 2,000 calls an hour", () => {
    expect(busy.samples).toBe(14 * 24);
    const flat = busy.slots.flat[0]!;
    expect(flat[1]).toBeGreaterThan(0.0008);
    expect(flat[1]).toBeLessThan(0.0012);
  });

  it.each([
    ["an hour at 0.2% of 2,000 calls stays quiet", 4, 2000, "normal"],
    ["an hour at 0.2% of 20,000 calls stays quiet: significant, but under the floors", 40, 20_000, "normal"],
    ["an hour at 0.4% of 20,000 calls stays quiet: under the 1% absolute floor", 80, 20_000, "normal"],
    ["an hour at 5% of 2,000 calls fires", 100, 2000, "anomalous"],
    ["an hour at 5% of 200 calls fires", 10, 200, "anomalous"],
    ["an hour at 1.5% of 2,000 calls fires: over every floor", 30, 2000, "anomalous"],
  ] as const)("%s", (_, failures, total, kind) => {
    expect(judge(busy, { failures, total, at: tuesday }).kind).toBe(kind);
  });

  it("says why the 0.2% hour is quiet and why the 5% hour fires", () => {
    const quiet = judge(busy, { failures: 4, total: 2000, at: tuesday });
    const loud = judge(busy, { failures: 100, total: 2000, at: tuesday });
    if (quiet.kind !== "normal" || loud.kind !== "anomalous")
      throw new Error(`unexpected ${quiet.kind} / ${loud.kind}`);
    expect(quiet.reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining("below the 1% floor"),
        expect.stringContaining("fewer than the 5 needed"),
      ]),
    );
    expect(loud.pValue).toBeLessThan(1e-6);
    expect(loud.lift).toBeGreaterThan(30);
  });
});

describe("low traffic", () => {
  const quietSeries = learnBaseline("kv-batch|id-nightly|denials", steady(14, 10, 0.001, 12), [], endOf(14));
  const next = hoursAfter(endOf(14), 5);

  it.each([0, 1, 2, 3, 4])("never pages on %i failures of 10 calls: low counts never page", (failures) => {
    expect(judge(quietSeries, { failures, total: 10, at: next }).kind).toBe("normal");
  });

  it("pages on a full outage, 10 of 10 calls for an hour, once the floors are met", () => {
    const v = judge(quietSeries, { failures: 10, total: 10, at: next });
    expect(v.kind).toBe("anomalous");
  });

  it("keeps one failure after a history of zeros finite: the median/MAD of zeros has a floor", () => {
    const zeros = learnBaseline("s", steady(14, 10, 0, 13), [], endOf(14));
    const v = judge(zeros, { failures: 1, total: 10, at: next });
    if (v.kind !== "normal") throw new Error(v.kind);
    expect(v.expectedRatio).toBe(0);
    expect(v.testedRatio).toBeCloseTo(0.05, 12); // half a failure per 10-call bin
    expect(Number.isFinite(v.z)).toBe(true);
    expect(Number.isFinite(v.lift)).toBe(true);
    expect(v.pValue).toBeGreaterThan(0.1);
  });

  it("does not page on a whole day of single failures at 10 calls an hour", () => {
    for (let h = 0; h < 24; h++)
      expect(judge(quietSeries, { failures: 1, total: 10, at: hoursAfter(next, h) }).kind).toBe("normal");
  });
});
