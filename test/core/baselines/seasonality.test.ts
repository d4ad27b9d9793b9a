import { describe, expect, it } from "vitest";
import { describe as sentence, judge, learnBaseline, type BaselineVerdict } from "../../../src/core/baselines/index.js";
import { DAY, endOf, generate, hoursAfter, sundayBatch, T0 } from "./series.js";

const reasonsOf = (v: BaselineVerdict) =>
  v.kind === "normal" || v.kind === "anomalous" ? v.reasons.join("\n") : v.reason;

/** The first Sunday 02:00 and Tuesday 14:00 UTC after `days` of history from T0 (a Sunday). */
const sundayNight = (days: number) => hoursAfter(new Date(T0.getTime() + Math.ceil(days / 7) * 7 * DAY), 2);
const tuesdayAfternoon = (days: number) =>
  hoursAfter(new Date(T0.getTime() + Math.ceil(days / 7) * 7 * DAY), 2 * 24 + 14);

describe("a Sunday 02:00 batch job that errs at 5%", () => {
  const batch = { failures: 100, total: 2000 };

  it.each([21, 28, 42])(
    "with %i days of history: quiet at Sunday 02:00, pages at the same ratio on a Tuesday afternoon",
    (days) => {
      const b = learnBaseline("s", sundayBatch(days, 2000, 0.001, 0.05, days), [], endOf(days));
      expect(b.seasonality).toBe("hour-of-week");
      const sunday = judge(b, { ...batch, at: sundayNight(days) });
      const tuesday = judge(b, { ...batch, at: tuesdayAfternoon(days) });
      expect(sunday.kind).toBe("normal");
      expect(tuesday.kind).toBe("anomalous");
      expect(reasonsOf(sunday)).toContain("hour-of-week pattern");
      expect(sentence(sunday, "denials")).toMatch(
        /^denials at 5% vs a usual [45](\.\d)?% for Sundays 02:00 UTC: within normal/,
      );
      expect(sentence(tuesday, "denials")).toMatch(
        /^denials at 5% vs a usual 0\.\d+% .*\(p < 1e-6; 100 of 2,000 calls\)$/,
      );
    },
  );

  it("with 14 days falls back to hour-of-day, so the Sunday batch pages too, and says why", () => {
    const b = learnBaseline("s", sundayBatch(14, 2000, 0.001, 0.05, 14), [], endOf(14));
    expect(b.seasonality).toBe("hour-of-day");
    const sunday = judge(b, { ...batch, at: sundayNight(14) });
    expect(sunday.kind).toBe("anomalous");
    expect(reasonsOf(sunday)).toContain("hour-of-day pattern: weekly needs 3 weeks of history, have 14 days");
  });

  it("with 2 days falls back to flat, and says why", () => {
    const b = learnBaseline("s", sundayBatch(2, 2000, 0.001, 0.05, 2), [], endOf(2));
    expect(b.seasonality).toBe("flat");
    const v = judge(b, { ...batch, at: hoursAfter(endOf(2), 14) }, { minHistoryDays: 1 });
    expect(v.kind).toBe("anomalous");
    expect(reasonsOf(v)).toContain("flat pattern: daily needs 3 days of history, have 2 days");
  });

  it("does not learn the Sunday batch as normal for the 02:00 slot of other days (it is left out as an outlier)", () => {
    const b = learnBaseline("s", sundayBatch(14, 2000, 0.001, 0.05, 14), [], endOf(14));
    const twoAm = b.slots["hour-of-day"].find((r) => r[0] === 2)!;
    expect(twoAm[3]).toBe(2); // both Sundays
    expect(twoAm[1]).toBeLessThan(0.002);
  });
});

describe("a nightly job that errs at 5% every day at 02:00", () => {
  const nightly = generate(
    T0,
    14 * 24,
    { calls: () => 2000, ratio: (at) => (at.getUTCHours() === 2 ? 0.05 : 0.001) },
    21,
  );
  const b = learnBaseline("s", nightly, [], endOf(14));

  it.each([
    ["is normal at 02:00", 2, "normal"],
    ["pages at the same ratio at 14:00", 14, "anomalous"],
  ] as const)("%s with hour-of-day seasonality", (_, hour, kind) => {
    expect(judge(b, { failures: 100, total: 2000, at: hoursAfter(endOf(14), hour) }).kind).toBe(kind);
  });
});

describe("thin slots", () => {
  it("fall back to the coarser pattern, and say so", () => {
    // Traffic on Mondays 10:00 only in the last of three weeks: that hour-of-week slot has one bin.
    const points = generate(
      T0,
      21 * 24,
      {
        calls: (at) =>
          at.getUTCDay() === 1 && at.getUTCHours() === 10 && at.getTime() < T0.getTime() + 14 * DAY ? 0 : 500,
        ratio: () => 0.002,
      },
      31,
    );
    const b = learnBaseline("s", points, [], endOf(21));
    const monday = hoursAfter(endOf(21), 24 + 10);
    const v = judge(b, { failures: 1, total: 500, at: monday });
    if (v.kind !== "normal") throw new Error(v.kind);
    expect(v.basis.seasonality).not.toBe("hour-of-week");
    expect(v.reasons.join("\n")).toContain("Mondays 10:00 UTC has 1 learned bin (needs 3): not used");
  });

  it("never lower the expectation below the coarser pattern's: a slot that came out low by chance cannot page on noise", () => {
    // One Wednesday 09:00 slot happens to have had no failures; every other hour runs at 2%.
    const points = generate(
      T0,
      21 * 24,
      { calls: () => 500, ratio: (at) => (at.getUTCDay() === 3 && at.getUTCHours() === 9 ? 0 : 0.02) },
      41,
    );
    const b = learnBaseline("s", points, [], endOf(21));
    const v = judge(b, { failures: 20, total: 500, at: hoursAfter(endOf(21), 3 * 24 + 9) });
    if (v.kind !== "normal") throw new Error(v.kind);
    expect(v.expectedRatio).toBeGreaterThan(0.015);
    expect(v.basis.slot).not.toBe("Wednesdays 09:00 UTC");
    expect(v.reasons.join("\n")).toContain("Wednesdays 09:00 UTC alone usually runs at 0% (3 bins)");
    expect(v.reasons.join("\n")).toContain("a season slot may raise the expectation, never lower it");
  });
});
