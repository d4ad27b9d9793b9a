import { describe, expect, it } from "vitest";
import { judge, learnBaseline } from "../../../src/core/baselines/index.js";
import { DAY, endOf, generate, HOUR, hoursAfter, prng, steady, T0 } from "./series.js";

describe("cold baselines and empty windows are outcomes of their own, never normal", () => {
  const healthyWindow = { failures: 0, total: 2000, at: hoursAfter(endOf(14), 1) };

  it.each([
    ["there is no baseline at all", undefined, "no baseline has been learned"],
    ["the baseline learned nothing", learnBaseline("s", [], [], endOf(14)), "0 learned bins over 0 days"],
    [
      "there are 2 days of history (Azure: 3 days)",
      learnBaseline("s", steady(2, 2000, 0.001, 1), [], endOf(2)),
      "48 learned bins over 2 days; verdicts need 30 bins over 3 days",
    ],
    [
      "there are 5 days but only 25 bins with calls (Azure: 30 samples)",
      learnBaseline(
        "s",
        generate(T0, 5 * 24, { calls: (at) => (at.getUTCHours() < 5 ? 2000 : 0), ratio: () => 0.001 }, 2),
        [],
        endOf(5),
      ),
      "25 learned bins",
    ],
    [
      "every bin fell inside an incident window",
      learnBaseline("s", steady(14, 2000, 0.001, 3), [{ from: T0, to: endOf(14) }], endOf(14)),
      "0 learned bins",
    ],
  ])("when %s", (_, baseline, reason) => {
    const v = judge(baseline, healthyWindow);
    expect(v.kind).toBe("cold");
    if (v.kind === "cold") expect(v.reason).toContain(reason);
  });

  it("reports the samples and days it has and needs", () => {
    const v = judge(learnBaseline("s", steady(2, 2000, 0.001, 1), [], endOf(2)), healthyWindow);
    expect(v).toMatchObject({ kind: "cold", samples: 48, needed: 30, historyDays: 2, neededDays: 3 });
  });

  it("is cold when the newest learned bin is older than the horizon", () => {
    const b = learnBaseline("s", steady(14, 2000, 0.001, 4), [], endOf(14));
    expect(judge(b, { ...healthyWindow, at: new Date(endOf(14).getTime() + 41 * DAY) }).kind).toBe("normal");
    const stale = judge(b, { ...healthyWindow, at: new Date(endOf(14).getTime() + 43 * DAY) });
    expect(stale.kind).toBe("cold");
    if (stale.kind === "cold") expect(stale.reason).toContain("beyond the 42 days horizon");
  });

  it("answers no-traffic, not normal, for a window without calls", () => {
    const b = learnBaseline("s", steady(14, 2000, 0.001, 5), [], endOf(14));
    expect(judge(b, { failures: 0, total: 0, at: hoursAfter(endOf(14), 1) })).toMatchObject({
      kind: "no-traffic",
      seriesKey: "s",
    });
  });

  it("is cold for every observation while history is short, whatever the series (generated)", () => {
    const rand = prng(7);
    for (let i = 0; i < 40; i++) {
      const hours = 1 + Math.floor(rand() * (3 * 24 - 1)); // under 3 days
      const calls = [10, 100, 2000][i % 3]!;
      const b = learnBaseline(
        "s",
        generate(T0, hours, { calls: () => calls, ratio: () => rand() * 0.05 }, 100 + i),
        [],
        hoursAfter(T0, hours),
      );
      for (const failures of [0, 1, Math.floor(calls / 2), calls]) {
        expect(judge(b, { failures, total: calls, at: hoursAfter(T0, hours + 1) }).kind).toBe("cold");
      }
    }
  });
});

describe("first run: learning from one backfill", () => {
  it("judges at once after a 14-day backfill instead of waiting days", () => {
    const b = learnBaseline("s", steady(14, 2000, 0.001, 6), [], endOf(14));
    expect(judge(b, { failures: 2, total: 2000, at: endOf(14) }).kind).toBe("normal");
  });

  it("does not learn a bin still filling at `now`, nor a bin from the future", () => {
    const points = [
      ...steady(4, 100, 0.01, 7),
      { at: hoursAfter(endOf(4), 0), failures: 50, total: 60 },
      { at: hoursAfter(endOf(4), 5), failures: 9, total: 9 },
    ];
    const now = new Date(endOf(4).getTime() + 30 * 60_000); // half-way through the first bin after the backfill
    const b = learnBaseline("s", points, [], now);
    expect(b.samples).toBe(4 * 24);
    expect(b.lastAt).toBe(new Date(endOf(4).getTime() - HOUR).toISOString());
  });
});

describe("inputs", () => {
  it.each([
    ["more failures than calls", { at: T0, failures: 3, total: 2 }, "exceed the 2 calls"],
    ["a negative count", { at: T0, failures: -1, total: 2 }, "failures must be a finite count"],
    ["an invalid date", { at: new Date("nope"), failures: 0, total: 2 }, "not a valid date"],
  ])("rejects a point with %s", (_, point, message) => {
    expect(() => learnBaseline("s", [point], [], endOf(1))).toThrow(message);
  });

  it("rejects an inverted incident window, which would otherwise exclude nothing", () => {
    expect(() => learnBaseline("s", [], [{ from: endOf(2), to: endOf(1) }], endOf(3))).toThrow("is not before");
  });

  it.each([
    ["bins that do not divide an hour", { binMinutes: 7 }, "binMinutes"],
    ["a ratio floor above 1", { absoluteRatioFloor: 5 }, "absoluteRatioFloor"],
    ["a p-value of 0", { maxPValue: 0 }, "maxPValue"],
    ["a lift below 1", { relativeLift: 0.5 }, "relativeLift"],
  ])("rejects options with %s, naming the option", (_, o, name) => {
    expect(() => judge(undefined, { failures: 0, total: 1, at: T0 }, o)).toThrow(name);
  });

  it("rejects an observation with more failures than calls", () => {
    expect(() => judge(undefined, { failures: 5, total: 4, at: T0 })).toThrow("exceed");
  });
});
