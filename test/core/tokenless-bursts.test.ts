import { describe, expect, it } from "vitest";
import { evaluate, groupSeries } from "../../src/core/evaluate.js";
import { maxExcusedBins, TOKENLESS_MIN_FAILING_BINS } from "../../src/core/tokenless-bursts.js";
import type { SeriesHistory } from "../../src/core/baselines/index.js";
import type { KvRequestBin } from "../../src/core/model/index.js";
import { aBin, aPolicy, at } from "../fixtures/incidents.js";

/**
 * Calls without a token (no caller in the log) are judged by their burst against the burst the
 * vault's calls without a token usually have (evaluate.ts, baselines/bursts.ts), never by a ratio.
 */

const tokenless = { callerObjectId: "", callerAppId: "", callerResourceId: "" };
const failing = (minute: number, unauthorized = 150) => aBin(minute, { ...tokenless, unauthorized });
const series = (...bins: KvRequestBin[]) => groupSeries(bins)[0]!;
/** The vault's deploys: twenty bursts in the history, two bins and at most 300 failures each. */
const deploys: SeriesHistory = { accessBefore: false, usualBurst: { bins: 2, failures: 300, seen: 20 } };
const judged = (bins: KvRequestBin[], now: number, history?: SeriesHistory) =>
  evaluate("kv-auth-denied", series(...bins), at(now), aPolicy(), { history }).kind;

describe("calls without a token, against the burst they usually have", () => {
  it("stay quiet for a burst as long as the usual one: two bins, as every deploy leaves", () => {
    expect(judged([failing(0), failing(5)], 10, deploys)).toBe("settling");
  });

  it("page once the burst outlasts the usual one", () => {
    expect(judged([failing(0), failing(5), failing(10)], 15, deploys)).toBe("firing");
  });

  it("page on a burst of the usual length that is more than twice as large", () => {
    expect(judged([failing(0, 320), failing(5, 320)], 10, deploys)).toBe("firing");
    expect(judged([failing(0, 150), failing(5, 150)], 10, deploys)).toBe("settling");
  });

  it("page without a learned burst from the second failing bin, as before anything was learned", () => {
    expect(judged([failing(0), failing(5)], 10)).toBe("firing");
    expect(judged([failing(5)], 10)).toBe("settling");
  });

  it("are never excused more bins than the window shows, so a lost identity still pages on its third bin", () => {
    expect(maxExcusedBins(aPolicy())).toBe(2);
    const long: SeriesHistory = { accessBefore: false, usualBurst: { bins: 8, failures: 5000, seen: 5 } };
    expect(judged([failing(0), failing(5)], 10, long)).toBe("settling");
    expect(judged([failing(0), failing(5), failing(10)], 15, long)).toBe("firing");
  });

  it("count one burst across up to two empty bins, and none on a single bin", () => {
    expect(TOKENLESS_MIN_FAILING_BINS).toBe(2);
    // A call every ten minutes from an app that lost its identity: every other bin fails.
    expect(judged([failing(-10, 20), failing(0, 20), failing(10, 20)], 15, deploys)).toBe("firing");
    expect(judged([failing(-20, 20), failing(10, 20)], 15)).toBe("settling");
  });

  it("are not kept quiet by a ratio baseline that calls them normal: every such call fails", () => {
    const s = series(failing(0), failing(5), failing(10));
    const normal = { kind: "normal" as const, text: "denials at 100% vs a usual 100%: within normal" };
    const ev = evaluate("kv-auth-denied", s, at(15), aPolicy(), { baseline: normal, history: deploys });
    expect(ev.kind).toBe("firing");
  });

  it("leave an identified caller to its ratio: its history's bursts are not read", () => {
    const identified = series(aBin(0, { succeeded: 5, forbidden: 40 }), aBin(5, { succeeded: 5, forbidden: 40 }));
    const ev = evaluate("kv-auth-denied", identified, at(10), aPolicy(), { history: deploys });
    expect(ev.kind).toBe("firing");
  });
});
