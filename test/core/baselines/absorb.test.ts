import { describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { randomBytes } from "node:crypto";
import {
  absorbHistory,
  BACKFILL_HOURS,
  baselineKey,
  historyHoursFor,
  historyStartFor,
  judgeWith,
  learnedPoints,
  REFRESH_HOURS,
  type LearnedBaselines,
} from "../../../src/core/baselines/index.js";
import { createTableBaselineStore } from "../../../src/adapters/baseline-store.js";
import { seriesId } from "../../../src/core/evaluate.js";
import type { SignalRow } from "../../../src/core/signals/signal-set.js";
import { anIncident, KEY } from "../../fixtures/incidents.js";

const HOUR = 3_600_000;
const NOW = new Date("2026-11-20T12:00:00Z");

/** Hourly history for KEY: `perHour` calls with `denied` of them denied, for `hours` hours up to NOW. */
function history(hours: number, perHour: number, denied: (hourAgo: number) => number): SignalRow<"kv-history">[] {
  return Array.from({ length: hours }, (_, i) => {
    const hourAgo = hours - i;
    return {
      binStart: new Date(NOW.getTime() - hourAgo * HOUR),
      dims: {
        vaultResourceId: KEY.vaultResourceId,
        callerObjectId: KEY.callerObjectId,
        callerAppId: KEY.callerAppId,
        callerResourceId: KEY.callerResourceId,
        source: "AzureDiagnostics" as const,
      },
      counts: { denied: denied(hourAgo), throttled: 0, total: perHour },
    };
  });
}

const series = seriesId(KEY);

const NOTHING: LearnedBaselines = { baselines: new Map(), historyReadAt: undefined };
const backfill = () => history(14 * 24, 2000, () => 2);

describe("learning baselines from history", () => {
  it("backfills 14 days once, then refreshes hourly", () => {
    expect(historyHoursFor(undefined, NOW)).toBe(BACKFILL_HOURS);
    const learned = absorbHistory(NOTHING, backfill(), [], NOW);
    expect(learned.historyReadAt).toEqual(NOW);
    expect(historyHoursFor(learned.historyReadAt, new Date(NOW.getTime() + 10 * 60_000))).toBe(0);
    expect(historyHoursFor(learned.historyReadAt, new Date(NOW.getTime() + HOUR))).toBe(REFRESH_HOURS);
  });

  it("keeps 0.1% -> 0.2% quiet and calls 0.1% -> 5% anomalous", () => {
    const judge = judgeWith(absorbHistory(NOTHING, backfill(), [], NOW).baselines);
    expect(judge(series, "kv-auth-denied", { failures: 4, total: 2000, at: NOW })).toMatchObject({ kind: "normal" });
    expect(judge(series, "kv-auth-denied", { failures: 100, total: 2000, at: NOW })).toMatchObject({
      kind: "anomalous",
      expectedRatio: expect.closeTo(0.001, 4),
    });
  });

  it("says cold, never normal, for a series it has not learned", () => {
    const judge = judgeWith(absorbHistory(NOTHING, backfill(), [], NOW).baselines);
    expect(judge("some|other", "kv-auth-denied", { failures: 0, total: 100, at: NOW })).toMatchObject({ kind: "cold" });
  });

  it("learns without touching what it was given: the same input learns the same thing twice", () => {
    const first = absorbHistory(NOTHING, backfill(), [], NOW);
    const again = absorbHistory(NOTHING, backfill(), [], NOW);
    expect(NOTHING.baselines.size).toBe(0);
    expect([...again.baselines]).toEqual([...first.baselines]);
  });

  it("hands back what changed, and a store keeps it, so a cold start judges the same way", async () => {
    const table = TableClient.fromConnectionString(
      inject("tableConnectionString"),
      `b${randomBytes(5).toString("hex")}Baselines`,
      { allowInsecureConnection: true },
    );
    const store = createTableBaselineStore(table);
    const learned = absorbHistory(NOTHING, backfill(), [], NOW);
    expect(learned.updated.map(([k]) => k).sort()).toEqual([
      baselineKey("kv-auth-denied", series),
      baselineKey("kv-throttled", series),
    ]);
    for (const [key, b] of learned.updated) await store.save(key, b);
    await store.saveHistoryReadAt(NOW);
    const reloaded = await store.load();
    expect(historyHoursFor(reloaded.historyReadAt, new Date(NOW.getTime() + 5 * 60_000))).toBe(0);
    const fresh = judgeWith(reloaded.baselines);
    const warm = judgeWith(learned.baselines);
    for (const failures of [4, 100]) {
      const observed = { failures, total: 2000, at: NOW };
      expect(fresh(series, "kv-auth-denied", observed)).toEqual(warm(series, "kv-auth-denied", observed));
    }
  });

  it("keeps learning the other series when one is refused, and says which", () => {
    const other = { ...KEY, callerObjectId: "cccccccc-0000-0000-0000-000000000009" };
    const bad = history(3, 10, () => 50).map((r) => ({
      ...r,
      dims: { ...r.dims, callerObjectId: other.callerObjectId },
    }));
    const learned = absorbHistory(NOTHING, [...backfill(), ...bad], [], NOW);
    expect(learned.errors).toEqual([
      expect.stringMatching(/^baseline kv-auth-denied\|.*cccccccc-0000-0000-0000-000000000009 not updated: /),
    ]);
    expect(
      judgeWith(learned.baselines)(series, "kv-auth-denied", { failures: 100, total: 2000, at: NOW }),
    ).toMatchObject({
      kind: "anomalous",
    });
    expect(learned.historyReadAt).toEqual(NOW);
  });

  it("does not learn from an incident's hours", () => {
    // Four days of 50% denials, but an incident covered them: they must not become "normal".
    const outage = (hourAgo: number) => (hourAgo <= 4 * 24 ? 1000 : 2);
    const incident = anIncident({
      openedAt: new Date(NOW.getTime() - 4 * 24 * HOUR),
      resolvedAt: NOW,
      state: "resolved",
    });
    const learned = absorbHistory(NOTHING, history(14 * 24, 2000, outage), [incident], NOW);
    expect(
      judgeWith(learned.baselines)(series, "kv-auth-denied", { failures: 1000, total: 2000, at: NOW }),
    ).toMatchObject({
      kind: "anomalous",
    });
    expect(baselineKey("kv-auth-denied", series)).toContain(KEY.callerObjectId);
  });
});

describe("the hours of history a read covers", () => {
  it("start on a whole hour, so the first hour read is complete", () => {
    const at1037 = new Date("2026-11-20T10:37:00Z");
    expect(historyStartFor(at1037, REFRESH_HOURS)).toEqual(new Date("2026-11-20T07:00:00Z"));
    expect(historyStartFor(new Date("2026-11-20T10:00:00Z"), REFRESH_HOURS)).toEqual(new Date("2026-11-20T07:00:00Z"));
    expect(historyStartFor(at1037, BACKFILL_HOURS)).toEqual(new Date("2026-11-06T10:00:00Z"));
    // No history read: the window end.
    expect(historyStartFor(at1037, 0)).toEqual(at1037);
  });

  it("refuse hours that are no count, by name", () => {
    expect(() => historyStartFor(NOW, Number.NaN)).toThrow("history hours must be a finite number ≥ 0, got NaN");
    expect(() => historyStartFor(NOW, -3)).toThrow("got -3");
  });

  it("never trade a whole hour already learned for a reading of part of it", () => {
    const learned = absorbHistory(NOTHING, backfill(), [], NOW);
    const hour = new Date(NOW.getTime() - 3 * HOUR);
    const part = history(3, 700, () => 0).slice(0, 1);
    expect(part[0]!.binStart).toEqual(hour);
    const later = new Date(NOW.getTime() + HOUR);
    const after = absorbHistory(learned, part, [], later);
    const points = learnedPoints(after.baselines.get(baselineKey("kv-auth-denied", series))!);
    expect(points.find((p) => p.at.getTime() === hour.getTime())).toEqual({ at: hour, failures: 2, total: 2000 });
    // A fuller reading of the same hour still replaces it.
    const fuller = history(3, 2100, () => 3).slice(0, 1);
    const again = absorbHistory(learned, fuller, [], later);
    const kept = learnedPoints(again.baselines.get(baselineKey("kv-auth-denied", series))!);
    expect(kept.find((p) => p.at.getTime() === hour.getTime())).toEqual({ at: hour, failures: 3, total: 2100 });
  });
});
