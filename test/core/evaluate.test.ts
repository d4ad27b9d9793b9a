import { describe, expect, it } from "vitest";
import { evaluate, groupSeries } from "../../src/core/evaluate.js";
import type { KvRequestBin } from "../../src/core/model/index.js";
import { aBin, aPolicy, at, KEY, SUBJECT } from "../fixtures/incidents.js";

const series = (...bins: KvRequestBin[]) => groupSeries(bins)[0]!;

describe("the threshold rule", () => {
  it.each([
    [
      "a burst of 403s well above the floors fires",
      [aBin(0, { succeeded: 50 }), aBin(5, { succeeded: 10, forbidden: 40 })],
      "firing",
    ],
    ["four denials stay under the five-failure floor", [aBin(5, { succeeded: 10, forbidden: 4 })], "settling"],
    [
      "ten denials among ten thousand calls stay under the 5% floor",
      [aBin(5, { succeeded: 9990, forbidden: 10 })],
      "settling",
    ],
    ["401s count as denials as much as 403s", [aBin(5, { unauthorized: 12 })], "firing"],
    ["no calls at all is no traffic, not health", [], "no-traffic"],
    [
      "calls succeeding for the whole confirmation period is recovery",
      [aBin(0, { succeeded: 20 }), aBin(5, { succeeded: 20 }), aBin(10, { succeeded: 20 })],
      "recovered",
    ],
  ] as const)("%s", (_, bins, kind) => {
    const s = bins.length ? series(...bins) : { id: "x", key: SUBJECT, bins: [] };
    expect(evaluate("kv-auth-denied", s, at(15), aPolicy()).kind).toBe(kind);
  });

  it("does not call it recovered while the last failure is inside the confirmation period", () => {
    const s = series(aBin(0, { forbidden: 30 }), aBin(5, { succeeded: 30, forbidden: 2 }), aBin(10, { succeeded: 30 }));
    expect(evaluate("kv-auth-denied", s, at(17), aPolicy({ minFailures: 100 })).kind).toBe("settling");
  });

  it("calls a throttled caller that stopped calling recovered: a finished job has nothing left to throttle", () => {
    const s = series(aBin(0, { succeeded: 20, throttled: 40 }));
    expect(evaluate("kv-throttled", s, at(10), aPolicy()).kind).toBe("firing");
    expect(evaluate("kv-throttled", s, at(40), aPolicy()).kind).toBe("recovered");
    // A caller denied, then quiet, may have given up: its incident stays open.
    expect(evaluate("kv-auth-denied", series(aBin(0, { forbidden: 30 })), at(40), aPolicy()).kind).toBe("no-traffic");
  });

  it("needs successful calls, not silence, to call it recovered", () => {
    const s = series(aBin(0, { forbidden: 30 }));
    expect(evaluate("kv-auth-denied", s, at(40), aPolicy()).kind).toBe("no-traffic");
  });

  it("counts throttling separately from denials", () => {
    const s = series(aBin(5, { succeeded: 20, throttled: 30 }));
    expect(evaluate("kv-auth-denied", s, at(15), aPolicy()).kind).not.toBe("firing");
    expect(evaluate("kv-throttled", s, at(15), aPolicy()).kind).toBe("firing");
  });

  it("reports the window's ratio as a sum over sums, not an average of bin ratios", () => {
    const s = series(aBin(0, { succeeded: 90, forbidden: 10 }), aBin(5, { forbidden: 10 }));
    const ev = evaluate("kv-auth-denied", s, at(10), aPolicy());
    expect(ev.kind).toBe("firing");
    if (ev.kind === "firing") expect(ev.counts.failurePercent).toBeCloseTo((20 / 110) * 100, 6);
  });
});

describe("calls without a token", () => {
  const tokenless = { callerObjectId: "", callerAppId: "", callerResourceId: "" };

  it("do not page for one bin of 401s, which is what a client's first calls after a cold start look like", () => {
    const ev = evaluate("kv-auth-denied", series(aBin(5, { ...tokenless, unauthorized: 5 })), at(15), aPolicy());
    expect(ev.kind).toBe("settling");
  });

  it("page once the 401s go on into a second bin: an app that has lost its identity keeps failing", () => {
    const ev = evaluate(
      "kv-auth-denied",
      series(aBin(0, { ...tokenless, unauthorized: 5 }), aBin(5, { ...tokenless, unauthorized: 6 })),
      at(15),
      aPolicy(),
    );
    expect(ev.kind).toBe("firing");
  });

  it("leave an identified caller's single bin of denials paging as before", () => {
    expect(evaluate("kv-auth-denied", series(aBin(5, { unauthorized: 5 })), at(15), aPolicy()).kind).toBe("firing");
  });

  it("recover when they stop for the confirmation period, since such calls never succeed", () => {
    const ev = evaluate("kv-auth-denied", series(aBin(0, { ...tokenless, unauthorized: 30 })), at(40), aPolicy());
    expect(ev).toMatchObject({ kind: "recovered", successesInConfirmation: 0 });
  });
});

describe("severity", () => {
  it("rates a caller that has just lost all access by its current bin, not by the successes before onset", () => {
    const s = series(aBin(0, { succeeded: 300 }), aBin(5, { forbidden: 30 }));
    const ev = evaluate("kv-auth-denied", s, at(10), aPolicy({ criticalIdentities: ["id-app"] }));
    expect(ev.kind === "firing" && ev.severity).toBe("SEV-1");
  });

  it("rates total loss as SEV-2 when the identity is not marked critical", () => {
    const ev = evaluate("kv-auth-denied", series(aBin(5, { forbidden: 30 })), at(10), aPolicy());
    expect(ev.kind === "firing" && ev.severity).toBe("SEV-2");
  });

  it("marks critical identities by object ID as well as by name", () => {
    const ev = evaluate(
      "kv-auth-denied",
      series(aBin(5, { forbidden: 30 })),
      at(10),
      aPolicy({ criticalIdentities: [KEY.callerObjectId] }),
    );
    expect(ev.kind === "firing" && ev.severity).toBe("SEV-1");
  });

  it("never lowers severity as the failure share rises", () => {
    const order = { "SEV-1": 1, "SEV-2": 2, "SEV-3": 3, "SEV-4": 4 } as const;
    let previous = 4;
    for (let failed = 5; failed <= 100; failed += 5) {
      const ev = evaluate(
        "kv-auth-denied",
        series(aBin(5, { succeeded: 100 - failed, forbidden: failed })),
        at(10),
        aPolicy({ criticalIdentities: ["id-app"] }),
      );
      expect(ev.kind).toBe("firing");
      if (ev.kind !== "firing") return;
      expect(order[ev.severity]).toBeLessThanOrEqual(previous);
      previous = order[ev.severity];
    }
  });
});

describe("severity over time", () => {
  it("a longer healthy stretch before the failures never raises severity", () => {
    const order = { "SEV-1": 1, "SEV-2": 2, "SEV-3": 3, "SEV-4": 4 } as const;
    for (const failing of [3, 10, 40, 100]) {
      let previous = 0;
      for (let healthyBins = 0; healthyBins <= 12; healthyBins++) {
        const bins = [
          ...Array.from({ length: healthyBins }, (_, i) => aBin(-5 * (healthyBins - i), { succeeded: 100 })),
          aBin(0, { succeeded: 100 - failing, forbidden: failing }),
        ];
        const ev = evaluate(
          "kv-auth-denied",
          series(...bins),
          at(5),
          aPolicy({
            windowMinutes: 120,
            resolveAfterMinutes: 120,
            minFailurePercent: 0,
            criticalIdentities: ["id-app"],
          }),
        );
        if (ev.kind !== "firing") continue;
        // Rank can only stay or fall (towards SEV-4) as the healthy stretch grows.
        expect(order[ev.severity]).toBeGreaterThanOrEqual(previous);
        previous = order[ev.severity];
      }
    }
  });
});

describe("grouping rows into series", () => {
  it("merges rows of one caller that differ only in a logged attribute", () => {
    const rows = [aBin(0, { succeeded: 5, callerResourceId: "" }), aBin(0, { forbidden: 7 })];
    const [s, ...rest] = groupSeries(rows);
    expect(rest).toHaveLength(0);
    expect(s!.bins).toHaveLength(1);
    expect(s!.bins[0]!.counts).toMatchObject({ total: 12, succeeded: 5, forbiddenRbac: 7 });
    expect(s!.key.callerResourceId).toBe(KEY.callerResourceId);
  });

  it("keeps different callers of one vault apart", () => {
    const rows = [
      aBin(0, { succeeded: 5 }),
      aBin(0, { succeeded: 5, callerObjectId: "cccccccc-0000-0000-0000-000000000009" }),
    ];
    expect(groupSeries(rows)).toHaveLength(2);
  });
});
