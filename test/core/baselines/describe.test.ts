import { describe, expect, it } from "vitest";
import { describe as sentence, judge, learnBaseline, type BaselineVerdict } from "../../../src/core/baselines/index.js";
import { endOf, generate, hoursAfter, steady, T0 } from "./series.js";

const judgedBase = {
  seriesKey: "kv-orders-prod|id-func-orders|denials",
  failures: 96,
  total: 2000,
  observedRatio: 0.048,
  expectedRatio: 0.001,
  testedRatio: 0.001,
  lift: 48,
  z: 60,
  pValue: 1e-40,
  basis: { seasonality: "hour-of-week" as const, slot: "Tuesdays 14:00 UTC", samples: 6 },
  reasons: ["96 failures (at least 5)"],
};

describe("the on-call sentence", () => {
  it.each<[string, BaselineVerdict, string, string]>([
    [
      "an anomaly",
      { kind: "anomalous", ...judgedBase },
      "denials",
      "denials at 4.8% vs a usual 0.1% for Tuesdays 14:00 UTC (p < 1e-6; 96 of 2,000 calls)",
    ],
    [
      "an anomaly with a moderate p-value, in a flat baseline",
      {
        kind: "anomalous",
        ...judgedBase,
        pValue: 3.2e-4,
        basis: { seasonality: "flat", slot: "all hours", samples: 80 },
      },
      "throttling",
      "throttling at 4.8% vs a usual 0.1% across all hours (p = 3.2e-4; 96 of 2,000 calls)",
    ],
    [
      "a normal window, with the first reason it is not an anomaly",
      {
        kind: "normal",
        ...judgedBase,
        failures: 4,
        observedRatio: 0.002,
        reasons: ["4 failures, fewer than the 5 needed"],
        basis: { seasonality: "hour-of-day", slot: "14:00 UTC (any day)", samples: 14 },
      },
      "denials",
      "denials at 0.2% vs a usual 0.1% for 14:00 UTC (any day): within normal (4 failures, fewer than the 5 needed)",
    ],
    [
      "a cold baseline",
      {
        kind: "cold",
        seriesKey: "s",
        reason: "48 learned bins over 2 days; verdicts need 30 bins over 3 days",
        samples: 48,
        needed: 30,
        historyDays: 2,
        neededDays: 3,
      },
      "denials",
      "denials: no verdict yet, the baseline is cold (48 learned bins over 2 days; verdicts need 30 bins over 3 days)",
    ],
    [
      "an empty window",
      { kind: "no-traffic", seriesKey: "s", reason: "no calls" },
      "denials",
      "denials: no calls in the window, nothing to judge",
    ],
  ])("reads well for %s", (_, verdict, what, expected) => {
    expect(sentence(verdict, what)).toBe(expected);
  });

  it("names the slot whose normal was tested, from a learned weekly baseline", () => {
    // Tuesday afternoons normally run a little higher (0.3%) than the rest of the week (0.1%).
    const tuesdayAfternoon = (at: Date) => at.getUTCDay() === 2 && at.getUTCHours() === 14;
    const points = generate(
      T0,
      21 * 24,
      { calls: () => 2000, ratio: (at) => (tuesdayAfternoon(at) ? 0.003 : 0.001) },
      81,
    );
    const b = learnBaseline("s", points, [], endOf(21));
    const v = judge(b, { failures: 96, total: 2000, at: hoursAfter(endOf(21), 2 * 24 + 14) });
    expect(sentence(v, "denials")).toMatch(
      /^denials at 4\.8% vs a usual 0\.[234]\d*% for Tuesdays 14:00 UTC \(p < 1e-6; 96 of 2,000 calls\)$/,
    );
  });

  it("calls failures failures when not told what they are", () => {
    const b = learnBaseline("s", steady(14, 2000, 0.001, 82), [], endOf(14));
    expect(sentence(judge(b, { failures: 0, total: 2000, at: endOf(14) }))).toMatch(
      /^failures at 0% vs a usual 0\.\d+% for 00:00 UTC \(any day\): within normal/,
    );
  });
});
