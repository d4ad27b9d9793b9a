import { describe, expect, it } from "vitest";
import { LogStore } from "../../tools/emulator/store.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { azureDiagnosticsAudit, type KvAuditEvent } from "../../tools/emulator/records/key-vault.js";
import { emulatedSignals } from "../harness/emulated-source.js";
import { KEY, VAULT } from "../fixtures/incidents.js";
import {
  absorbHistory,
  burstsOf,
  historyWith,
  type Baseline,
  type LearnedBaselines,
} from "../../src/core/baselines/index.js";
import { kvOutcome } from "../../src/core/model/kv-outcome.js";
import { decideTick } from "../../src/core/tick.js";
import type { Incident } from "../../src/core/model/index.js";
import { aPolicy } from "../fixtures/incidents.js";

/**
 * Calls without a token learned from the history query, on raw records in Azure's shapes: which
 * 5-minute bins of each hour had denials (the query's `deniedBins`), the bursts and the usual burst
 * the baselines learn from them, and a tick that keeps the usual burst quiet and pages on a longer one.
 */

const MINUTE = 60_000;
/** Friday; the four days before it hold the app's deploys at 09:00 and 15:00. */
const TODAY = Date.UTC(2026, 10, 20);
const t = (day: number, hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return new Date(TODAY + day * 86_400_000 + (h * 60 + m) * MINUTE);
};

const call = (at: Date, status: number, who: Partial<KvAuditEvent> = {}): KvAuditEvent => ({
  at,
  vaultResourceId: VAULT,
  callerObjectId: KEY.callerObjectId,
  callerAppId: KEY.callerAppId,
  callerResourceId: KEY.callerResourceId,
  operation: "SecretGet",
  status,
  ...who,
});
const noToken = { callerObjectId: "", callerAppId: "", callerResourceId: "" };

/** A deploy's burst: 401s without a caller each minute from `from` for `minutes`, as the app's new instances retry. */
function burst(s: LogStore, from: Date, minutes: number, perMinute = 12) {
  for (let k = 0; k < minutes; k++)
    s.add("AzureDiagnostics", azureDiagnosticsAudit(call(new Date(from.getTime() + k * MINUTE), 401, noToken)), {
      count: perMinute,
    });
}

/** Four days of the app's traffic: its identified reads every ten minutes, and a 7-minute burst at each deploy. */
function history(): LogStore {
  const s = new LogStore({ delays: fixedDelays(1) });
  s.declare("AzureDiagnostics");
  for (let day = -4; day < 0; day++) {
    for (let m = 0; m < 24 * 60; m += 10)
      s.add("AzureDiagnostics", azureDiagnosticsAudit(call(new Date(t(day, "00:00").getTime() + m * MINUTE), 200)), {
        count: 20,
      });
    burst(s, t(day, "09:01"), 7);
    burst(s, t(day, "15:00"), 7);
  }
  return s;
}

const read = (s: LogStore) => emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [] } });
const NONE: LearnedBaselines = { baselines: new Map(), historyReadAt: undefined };

async function learned(s: LogStore, now: Date): Promise<ReadonlyMap<string, Baseline>> {
  const set = await read(s).fetch(now, { historyHours: 5 * 24 });
  return absorbHistory(NONE, set.signals["kv-history"].rows, [], now).baselines;
}

/** Ticks every 5 minutes from `from` to `to` as the timer does; the notices they decide. */
async function ticks(s: LogStore, baselines: ReadonlyMap<string, Baseline>, from: Date, to: Date) {
  const sent: string[] = [];
  let stored: Incident[] = [];
  for (let now = from; now <= to; now = new Date(now.getTime() + 5 * MINUTE)) {
    const set = await read(s).fetch(now);
    const d = decideTick({ now, signal: kvOutcome(set), incidents: stored, policy: aPolicy(), baselines });
    for (const i of d.changed) {
      sent.push(...i.outbox.map((n) => `${now.toISOString().slice(11, 16)} ${n.kind}`));
      stored = [...stored.filter((x) => x.id !== i.id), { ...i, outbox: [] }];
    }
  }
  return sent;
}

describe("the history of calls without a token", () => {
  it("says which 5-minute bins of each hour had denials, and the bursts they make", async () => {
    const s = new LogStore({ delays: fixedDelays(1) });
    s.declare("AzureDiagnostics");
    // A burst across the top of the hour: 08:56 to 09:07.
    burst(s, t(-1, "08:56"), 12, 3);
    const set = await read(s).fetch(t(0, "00:00"), { historyHours: 24 });
    const rows = set.signals["kv-history"].rows.map((r) => [r.binStart.toISOString().slice(11, 16), r.counts]);
    expect(rows).toEqual([
      ["08:00", { denied: 12, throttled: 0, total: 12, deniedBins: 2 ** 11 }],
      ["09:00", { denied: 24, throttled: 0, total: 24, deniedBins: 2 ** 0 + 2 ** 1 }],
    ]);
    const baselines = absorbHistory(NONE, set.signals["kv-history"].rows, [], t(0, "00:00")).baselines;
    const b = baselines.get(`kv-auth-denied|${VAULT}|`)!;
    expect(burstsOf(b).map((x) => [x.at.toISOString().slice(11, 16), x.bins])).toEqual([["08:55", 3]]);
  });

  it("teaches the monitor the app's usual burst at deploys, which then pages nobody", async () => {
    const s = history();
    const baselines = await learned(s, t(0, "08:30"));
    expect(historyWith(baselines)(`${VAULT}|`).usualBurst).toMatchObject({ bins: 2, seen: 8 });
    burst(s, t(0, "09:01"), 7);
    expect(await ticks(s, baselines, t(0, "09:05"), t(0, "09:40"))).toEqual([]);
  });

  it("still pages an app that has lost its identity, from the third failing bin", async () => {
    const s = history();
    const baselines = await learned(s, t(0, "08:30"));
    burst(s, t(0, "09:01"), 40);
    const sent = await ticks(s, baselines, t(0, "09:05"), t(0, "09:30"));
    // With a minute's ingestion delay the 09:15 tick sees the bins from 09:00, 09:05 and 09:10
    // failing, one more than the usual burst: 14 minutes after the first failure.
    expect(sent[0]).toBe("09:15 opened");
  });
});
