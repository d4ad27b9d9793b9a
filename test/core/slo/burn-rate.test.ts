import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  evaluateSlo,
  normalQuantile,
  unreachableTiers,
  wilsonLower,
  type WindowCounts,
} from "../../../src/core/slo/burn-rate.js";
import { burnFactor, TIERS, WINDOW_NAMES, type WindowName } from "../../../src/core/slo/windows.js";
import { runs } from "../../fixtures/property.js";

const SLO = { name: "orders-secrets", objective: 99.9, periodDays: 30 };

/** Counts with the given error ratio per window, at `perMinute` requests a minute. */
function counts(ratios: Partial<Record<WindowName, number>>, perMinute = 100): WindowCounts {
  const minutes: Record<WindowName, number> = {
    "5m": 5,
    "30m": 30,
    "1h": 60,
    "2h": 120,
    "6h": 360,
    "1d": 1440,
    "3d": 4320,
  };
  return Object.fromEntries(
    WINDOW_NAMES.map((w) => {
      const total = minutes[w] * perMinute;
      return [w, { total, bad: Math.round(total * (ratios[w] ?? 0)) }];
    }),
  ) as WindowCounts;
}

const fired = (c: WindowCounts, period?: { bad: number; total: number }) => {
  const e = evaluateSlo(SLO, c, period);
  return e.kind === "evaluated" ? e.fired?.tier : e.kind;
};

describe("multiwindow, multi-burn-rate alerting for a 99.9% SLO over 30 days", () => {
  it.each([
    ["a 14.4x burn over both 1h and 5m pages fast", { "1h": 0.02, "5m": 0.02 }, "page-fast"],
    ["a burn over 1h whose errors stopped (5m clean) does not page", { "1h": 0.02, "5m": 0 }, undefined],
    ["a 6x burn over both 6h and 30m pages slow", { "6h": 0.007, "30m": 0.007 }, "page-slow"],
    ["a 3x burn over both 1d and 2h opens a ticket", { "1d": 0.0035, "2h": 0.0035 }, "ticket-fast"],
    ["a 1x burn over both 3d and 6h opens a ticket", { "3d": 0.0012, "6h": 0.0012 }, "ticket-slow"],
    [
      "a burn just under every threshold stays quiet",
      { "1h": 0.014, "5m": 0.014, "6h": 0.0059, "30m": 0.0059, "1d": 0.0029, "2h": 0.0029, "3d": 0.00099 },
      undefined,
    ],
    [
      "the most urgent tier wins when several burn",
      { "1h": 0.05, "5m": 0.05, "6h": 0.05, "30m": 0.05, "1d": 0.05, "2h": 0.05 },
      "page-fast",
    ],
  ] as const)("%s", (_, ratios, tier) => {
    expect(fired(counts(ratios))).toBe(tier);
  });

  it("scales burn rates to the period: 13.44 for page-fast over 28 days, 14.4 over 30", () => {
    expect(burnFactor(TIERS[0]!, 30)).toBeCloseTo(14.4, 10);
    expect(burnFactor(TIERS[0]!, 28)).toBeCloseTo(13.44, 10);
    expect(burnFactor(TIERS[3]!, 30)).toBeCloseTo(1, 10);
  });

  it("says which window pair fired and the burn over each", () => {
    const e = evaluateSlo(SLO, counts({ "1h": 0.03, "5m": 0.05 }));
    expect(e.kind === "evaluated" && e.fired).toMatchObject({
      tier: "page-fast",
      action: "page",
      burnThreshold: expect.closeTo(14.4, 6),
      longBurn: expect.closeTo(30, 6),
      shortBurn: expect.closeTo(50, 6),
    });
  });

  it("reports budget remaining and the hours until it runs out at the current burn", () => {
    const c = counts({ "5m": 0.0144 });
    c["1h"] = { bad: 144, total: 10_000 };
    const e = evaluateSlo(SLO, c, { bad: 500, total: 1_000_000 });
    if (e.kind !== "evaluated") throw new Error(e.kind);
    expect(e.budgetRemaining).toBeCloseTo(0.5, 10);
    // Half of a 720-hour budget at a 14.4x burn: 0.5 × 720 / 14.4 = 25 hours.
    expect(e.hoursToExhaustion).toBeCloseTo(25, 6);
  });

  it("gives no exhaustion time while burning at or below the sustainable rate", () => {
    const e = evaluateSlo(SLO, counts({ "1h": 0.0005 }), { bad: 10, total: 1_000_000 });
    expect(e.kind === "evaluated" && e.hoursToExhaustion).toBeUndefined();
  });
});

describe("low-traffic guards", () => {
  it("hold back a page when a window has too few requests, and say so", () => {
    const e = evaluateSlo(SLO, counts({ "1h": 0.5, "5m": 0.5 }, 0.2));
    expect(e.kind === "evaluated" && e.fired).toBeUndefined();
    expect(e.kind === "evaluated" && e.tiers[0]!.heldBack).toMatch(/^too few requests \(12 over 1h, 1 over 5m/);
  });

  it("hold back a page whose error ratio is not significant at 98%", () => {
    const c = counts({});
    c["1h"] = { bad: 3, total: 150 };
    c["5m"] = { bad: 1, total: 25 };
    const e = evaluateSlo(SLO, c);
    expect(e.kind === "evaluated" && e.tiers[0]).toMatchObject({
      fired: false,
      heldBack: expect.stringContaining("not significant at 98% confidence"),
    });
  });

  it("report no requests at all as no-data, never as healthy", () => {
    expect(evaluateSlo(SLO, counts({}, 0))).toEqual({
      kind: "no-data",
      slo: "orders-secrets",
      reason: "no requests in any window",
    });
  });
});

describe("invariants", () => {
  /** Traffic in each window: up to 5,000 requests, seldom more than a few percent of them failing. */
  const anyCounts: fc.Arbitrary<WindowCounts> = fc.record(
    Object.fromEntries(
      WINDOW_NAMES.map((w) => [
        w,
        fc
          .tuple(
            fc.nat({ max: 4999 }),
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          )
          .map(([total, a, b]) => ({ total, bad: Math.floor(a * b * total * 0.1) })),
      ]),
    ) as Record<WindowName, fc.Arbitrary<WindowCounts[WindowName]>>,
  );
  /** Something to add in each window. */
  const perWindow = (max: number) =>
    fc.record(
      Object.fromEntries(WINDOW_NAMES.map((w) => [w, fc.nat({ max })])) as Record<WindowName, fc.Arbitrary<number>>,
    );

  // A failure names the seed and path of the smallest counts that broke it: fixtures/property.ts says how to replay it.
  it("more failures at the same traffic never silence a tier that fired", () => {
    fc.assert(
      fc.property(anyCounts, perWindow(49), (c, extra) => {
        const before = evaluateSlo(SLO, c);
        const worse = Object.fromEntries(
          WINDOW_NAMES.map((w) => [w, { total: c[w].total, bad: Math.min(c[w].total, c[w].bad + extra[w]) }]),
        ) as WindowCounts;
        const after = evaluateSlo(SLO, worse);
        if (before.kind !== "evaluated" || after.kind !== "evaluated") return;
        before.tiers.forEach((t, k) => {
          if (t.fired) expect(after.tiers[k]!.fired).toBe(true);
        });
      }),
      runs(300),
    );
  });

  it("more successful requests at the same failures never fire a tier that was quiet", () => {
    fc.assert(
      fc.property(anyCounts, perWindow(4999), (c, extra) => {
        const before = evaluateSlo(SLO, c);
        const healthier = Object.fromEntries(
          WINDOW_NAMES.map((w) => [w, { total: c[w].total + extra[w], bad: c[w].bad }]),
        ) as WindowCounts;
        const after = evaluateSlo(SLO, healthier);
        if (before.kind !== "evaluated" || after.kind !== "evaluated") return;
        before.tiers.forEach((t, k) => {
          if (!t.fired) expect(after.tiers[k]!.fired).toBe(false);
        });
      }),
      runs(300),
    );
  });
});

describe("statistics", () => {
  it("computes the Wilson lower bound as the runbooks' worked examples", () => {
    // 5 errors in 100 at 98%: lower bound about 1.86%; 20 in 1000: about 1.20%.
    expect(wilsonLower(5, 100, 0.98)).toBeCloseTo(0.0186, 3);
    expect(wilsonLower(20, 1000, 0.98)).toBeCloseTo(0.012, 3);
    expect(wilsonLower(0, 0, 0.98)).toBe(0);
  });

  it("inverts the normal distribution", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 10);
  });

  it("knows a 90% objective can never page at 14.4x", () => {
    expect(unreachableTiers({ name: "x", objective: 90, periodDays: 30 }).map((t) => t.tier)).toEqual(["page-fast"]);
    expect(unreachableTiers({ name: "x", objective: 99, periodDays: 30 })).toEqual([]);
  });
});
