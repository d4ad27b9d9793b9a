import { describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { randomBytes } from "node:crypto";
import { BACKFILL_HOURS, REFRESH_HOURS, baselineKey, createBaselineKeeper } from "../../src/app/baselines.js";
import { createTableBaselineStore } from "../../src/adapters/baseline-store.js";
import { seriesId } from "../../src/core/evaluate.js";
import type { SignalRow } from "../../src/core/signals/signal-set.js";
import { anIncident, KEY } from "../fixtures/incidents.js";
import { recordingLogger } from "../harness/stack.js";

const HOUR = 3_600_000;
const NOW = new Date("2026-11-20T12:00:00Z");

function store() {
  const table = TableClient.fromConnectionString(
    inject("tableConnectionString"),
    `b${randomBytes(5).toString("hex")}Baselines`,
    { allowInsecureConnection: true },
  );
  return { table, store: createTableBaselineStore(table) };
}

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

describe("the baseline keeper", () => {
  it("backfills 14 days once, then refreshes hourly", async () => {
    const keeper = createBaselineKeeper(store().store);
    expect(await keeper.historyHours(NOW)).toBe(BACKFILL_HOURS);
    await keeper.absorb(
      NOW,
      history(14 * 24, 2000, () => 2),
      [],
      recordingLogger(),
    );
    expect(await keeper.historyHours(new Date(NOW.getTime() + 10 * 60_000))).toBe(0);
    expect(await keeper.historyHours(new Date(NOW.getTime() + HOUR))).toBe(REFRESH_HOURS);
  });

  it("keeps 0.1% -> 0.2% quiet and calls 0.1% -> 5% anomalous, as the playbooks ask", async () => {
    const keeper = createBaselineKeeper(store().store);
    await keeper.historyHours(NOW);
    await keeper.absorb(
      NOW,
      history(14 * 24, 2000, () => 2),
      [],
      recordingLogger(),
    );
    expect(keeper.judge(series, "kv-auth-denied", { failures: 4, total: 2000, at: NOW })).toMatchObject({
      kind: "normal",
    });
    expect(keeper.judge(series, "kv-auth-denied", { failures: 100, total: 2000, at: NOW })).toMatchObject({
      kind: "anomalous",
      expectedRatio: expect.closeTo(0.001, 4),
    });
  });

  it("says cold, never normal, for a series it has not learned", async () => {
    const keeper = createBaselineKeeper(store().store);
    await keeper.historyHours(NOW);
    expect(keeper.judge("some|other", "kv-auth-denied", { failures: 0, total: 100, at: NOW })).toMatchObject({
      kind: "cold",
    });
  });

  it("persists what it learned, so a cold start judges the same way", async () => {
    const { store: s } = store();
    const first = createBaselineKeeper(s);
    await first.historyHours(NOW);
    await first.absorb(
      NOW,
      history(14 * 24, 2000, () => 2),
      [],
      recordingLogger(),
    );
    const second = createBaselineKeeper(s);
    expect(await second.historyHours(new Date(NOW.getTime() + 5 * 60_000))).toBe(0);
    expect(second.judge(series, "kv-auth-denied", { failures: 100, total: 2000, at: NOW })).toMatchObject({
      kind: "anomalous",
    });
  });

  it("keeps learning the other series when one is refused, and says which", async () => {
    const keeper = createBaselineKeeper(store().store);
    await keeper.historyHours(NOW);
    const good = history(14 * 24, 2000, () => 2);
    const other = { ...KEY, callerObjectId: "cccccccc-0000-0000-0000-000000000009" };
    const bad = history(3, 10, () => 50).map((r) => ({
      ...r,
      dims: { ...r.dims, callerObjectId: other.callerObjectId },
    }));
    const log = recordingLogger();
    await keeper.absorb(NOW, [...good, ...bad], [], log);
    expect(log.lines.filter((l) => l.startsWith("error"))).toEqual([
      expect.stringMatching(/^error: baseline kv-auth-denied\|.*cccccccc-0000-0000-0000-000000000009 not updated: /),
    ]);
    expect(keeper.judge(series, "kv-auth-denied", { failures: 100, total: 2000, at: NOW })).toMatchObject({
      kind: "anomalous",
    });
    expect(await keeper.historyHours(new Date(NOW.getTime() + 60_000))).toBe(0);
  });

  it("does not learn from an incident's hours", async () => {
    // Four days of 50% denials, but an incident covered them: they must not become "normal".
    const outage = (hourAgo: number) => (hourAgo <= 4 * 24 ? 1000 : 2);
    const incident = anIncident({
      openedAt: new Date(NOW.getTime() - 4 * 24 * HOUR),
      resolvedAt: NOW,
      state: "resolved",
    });
    const withExclusion = createBaselineKeeper(store().store);
    await withExclusion.historyHours(NOW);
    await withExclusion.absorb(NOW, history(14 * 24, 2000, outage), [incident], recordingLogger());
    expect(withExclusion.judge(series, "kv-auth-denied", { failures: 1000, total: 2000, at: NOW })).toMatchObject({
      kind: "anomalous",
    });
    expect(baselineKey("kv-auth-denied", series)).toContain(KEY.callerObjectId);
  });
});
