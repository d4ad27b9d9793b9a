import { describe, expect, it } from "vitest";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { azureDiagnosticsAudit } from "../../tools/emulator/records/key-vault.js";
import { LogStore } from "../../tools/emulator/store.js";
import { emulatedSignals } from "../harness/emulated-source.js";
import { KEY, VAULT } from "../fixtures/incidents.js";

/**
 * The data horizon on raw records: every record reaches the workspace 8 minutes after it happened.
 * A window ending at `now` holds an empty last bin and a partial one before it, which reads as
 * traffic falling away; the monitor learns the delay from ingestion_time() − TimeGenerated and
 * ends the next tick's windows where the data is complete.
 */

const NOW = new Date("2026-11-20T02:00:00Z");
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);
const PER_MINUTE = 30;

function lateWorkspace(): LogStore {
  const store = new LogStore({ delays: fixedDelays(8) });
  store.declare("AzureDiagnostics");
  const caller = {
    vaultResourceId: VAULT,
    callerObjectId: KEY.callerObjectId,
    callerAppId: KEY.callerAppId,
    callerResourceId: KEY.callerResourceId,
    operation: "SecretGet",
  };
  for (let m = -120; m < 10; m++)
    store.add("AzureDiagnostics", azureDiagnosticsAudit({ ...caller, at: min(m), status: 200 }), {
      count: PER_MINUTE,
    });
  return store;
}

/** Requests per 5-minute bin, by bin start. */
const perBin = (rows: { binStart: Date; counts: { total: number } }[]) => {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.binStart.toISOString(), (out.get(r.binStart.toISOString()) ?? 0) + r.counts.total);
  return out;
};

/** The identity-vault SLO sums of a signal set (one caller on one vault here). */
const sums = (set: { signals: { "slo-windows": { rows: { binStart: Date; counts: Record<string, number> }[] } } }) => {
  const [row] = set.signals["slo-windows"].rows;
  if (!row) throw new Error("no slo-windows row");
  return row;
};

describe("the data horizon", () => {
  const config = { appInsights: { mode: "none" as const }, sloPeriods: [30] };

  it("learns an 8-minute delay and ends the next tick's SLO windows where every record has arrived", async () => {
    const source = emulatedSignals(lateWorkspace(), { config });
    const first = await source.fetch(NOW);
    // Ending at now, the 5-minute window holds nothing and the hour lacks its last 7 minutes: a
    // ratio over it is not the ratio.
    expect(sums(first).binStart).toEqual(NOW);
    expect(sums(first).counts.total5m).toBe(0);
    expect(sums(first).counts.total1h).toBe(53 * PER_MINUTE);
    expect(first.ingestion?.tables).toContainEqual(
      expect.objectContaining({ table: "AzureDiagnostics", delayP95Ms: 8 * 60_000 }),
    );
    expect(first.memo?.ingestion?.delayMs).toBe(8 * 60_000);

    const next = await source.fetch(min(5), { memo: first.memo });
    // The next tick's sums end 8 minutes back, where every record is in: each window is whole.
    expect(next.ingestion?.horizon).toEqual(min(-3));
    expect(sums(next).binStart).toEqual(min(-3));
    expect(sums(next).counts.total5m).toBe(5 * PER_MINUTE);
    expect(sums(next).counts.total1h).toBe(60 * PER_MINUTE);
    expect(next.ingestion?.stop).toBeUndefined();
    // The request legs still read to now: what has arrived of the last minutes only adds evidence.
    expect(next.windowEnd).toEqual(min(5));
    const latest = perBin(next.signals["kv-requests"].rows);
    expect(latest.get(min(-5).toISOString())).toBe(3 * PER_MINUTE);
  });

  it("learns the delay most records beat, the 95th percentile, not the typical one", async () => {
    // One record in ten arrives 9 minutes late, the rest 3: the median would put the horizon where
    // a tenth of the data is still missing.
    const store = new LogStore();
    store.declare("AzureDiagnostics");
    for (let m = -120; m < -10; m++)
      store.add(
        "AzureDiagnostics",
        azureDiagnosticsAudit({
          vaultResourceId: VAULT,
          callerObjectId: KEY.callerObjectId,
          callerAppId: KEY.callerAppId,
          callerResourceId: KEY.callerResourceId,
          operation: "SecretGet",
          at: min(m),
          status: 200,
        }),
        { ingestedAt: min(m + (m % 10 === 0 ? 9 : 3)) },
      );
    const first = await emulatedSignals(store, { config }).fetch(NOW);
    expect(first.memo?.ingestion?.delayMs).toBe(9 * 60_000);
  });

  it("keeps the SLO windows at now until a delay is learned, and never further back than 15 minutes", async () => {
    const store = new LogStore({ delays: fixedDelays(40) });
    store.declare("AzureDiagnostics");
    for (let m = -180; m < 0; m++)
      store.add(
        "AzureDiagnostics",
        azureDiagnosticsAudit({
          vaultResourceId: VAULT,
          callerObjectId: KEY.callerObjectId,
          callerAppId: KEY.callerAppId,
          callerResourceId: KEY.callerResourceId,
          operation: "SecretGet",
          at: min(m),
          status: 200,
        }),
        { count: 5 },
      );
    const source = emulatedSignals(store, { config });
    const first = await source.fetch(NOW);
    expect(first.ingestion?.delayMs).toBe(0);
    expect(first.ingestion?.horizon).toEqual(NOW);
    const next = await source.fetch(min(5), { memo: first.memo });
    expect(next.ingestion?.horizon).toEqual(min(5 - 15));
    expect(sums(next).binStart).toEqual(min(5 - 15));
  });
});
