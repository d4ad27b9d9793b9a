import { describe, expect, it } from "vitest";
import { mapSignalRows } from "../../src/core/signals/from-rows.js";
import { buildBusyWorkspace, type BusySize } from "../../tools/bench/busy-workspace.js";
import { combinedQuery, MEASURED_AT, measureEmulatorThroughput } from "../../tools/bench/emulator-throughput.js";
import { LogAnalyticsEmulator } from "../../tools/emulator/emulator.js";

/** A day of 3 identities over 2 vaults: the busy workspace's shape, small enough for a test. */
const SMALL: BusySize = { callers: 3, vaults: 2, days: 1, everyMinutes: 10 };
const DAY = 86_400_000;

describe("the busy workspace of the emulator-throughput bench", () => {
  const busy = buildBusyWorkspace(SMALL, MEASURED_AT);
  const everything = { from: MEASURED_AT.getTime() - 2 * DAY, to: MEASURED_AT.getTime() + DAY };
  const stored = (table: string) => [...busy.store.records(table, everything)];

  it("counts the rows it stored and the records they stand for", () => {
    const all = busy.store.tables().flatMap(stored);
    expect(all).toHaveLength(busy.rows);
    expect(all.reduce((n, r) => n + r.count, 0)).toBe(busy.records);
  });

  it("holds Key Vault audit events with challenges among them, other services' rows, and activity pairs", () => {
    const diagnostics = stored("AzureDiagnostics");
    const kv = diagnostics.filter((r) => r.record.ResourceProvider === "MICROSOFT.KEYVAULT");
    const statuses = new Set(kv.map((r) => `${r.record.httpStatusCode_d} ${r.record.OperationName}`));
    expect(statuses).toContain("200 SecretGet");
    expect(statuses).toContain("401 Authentication");
    // Three identities, one audit record each every 10 minutes for a day; each for 10 × 5–50 requests.
    const ok = kv.filter((r) => r.record.httpStatusCode_d === 200);
    expect(ok).toHaveLength(3 * 144);
    for (const r of ok) expect(r.count).toBeGreaterThanOrEqual(50);
    expect(diagnostics.length).toBeGreaterThan(kv.length);
    const activity = stored("AzureActivity");
    expect(activity).toHaveLength(2 * 48);
    expect(new Set(activity.map((r) => r.record.ActivityStatusValue))).toEqual(new Set(["Start", "Success"]));
    // Every table the monitor detects exists, so every leg is planned.
    expect(busy.store.tables()).toEqual(
      expect.arrayContaining(["AZKVAuditLogs", "AppDependencies", "FunctionAppLogs"]),
    );
  });

  it("answers the monitor's combined query with a row of every caller and the control-plane changes", () => {
    const q = combinedQuery(MEASURED_AT, 0, false);
    const answer = new LogAnalyticsEmulator(busy.store).answer(q.query, q.timespan);
    expect(answer.status).toBe(200);
    const table = (answer.body as { tables: { columns: { name: string; type: string }[]; rows: unknown[][] }[] })
      .tables[0]!;
    // The SDK hands datetimes over as Dates and dynamic values parsed; the query API sends both as text.
    const types = table.columns.map((c) => c.type);
    const fromWire = (v: unknown, type: string | undefined) =>
      typeof v !== "string" ? v : type === "datetime" ? new Date(v) : type === "dynamic" ? JSON.parse(v) : v;
    const rows = table.rows.map((r) => r.map((v, i) => fromWire(v, types[i])));
    const mapped = mapSignalRows({ columns: table.columns.map((c) => c.name), rows });
    expect(mapped.malformed["kv-requests"].count, mapped.malformed["kv-requests"].first).toBe(0);
    expect(new Set(mapped.rows["kv-requests"].map((r) => r.dims.callerObjectId)).size).toBe(3);
    // The SDK's challenges carry no caller and are left out, as the monitor's query leaves them out.
    expect(mapped.rows["kv-requests"].every((r) => r.dims.callerObjectId !== "")).toBe(true);
    expect(mapped.rows.changes.length).toBeGreaterThan(0);
  });
});

describe("the emulator-throughput measurement", () => {
  it("times the tick and the first tick's backfill, and scans more for the backfill", () => {
    const m = measureEmulatorThroughput(SMALL, { tick: 1, backfill: 1 });
    expect(m.size).toEqual(SMALL);
    expect(m.storedRows).toBeGreaterThan(0);
    expect(m.storedRecords).toBeGreaterThan(m.storedRows);
    expect(m.tick.legs).toBeLessThan(m.backfill.legs);
    expect(m.tick.rowsScanned).toBeGreaterThan(0);
    expect(m.backfill.rowsScanned).toBeGreaterThan(m.tick.rowsScanned);
    expect(m.backfill.recordsScanned).toBeGreaterThan(m.backfill.rowsScanned);
    expect(m.tick.resultRows).toBeGreaterThan(0);
    expect(m.rowsPerSecond).toBeCloseTo(m.backfill.rowsScanned / m.backfill.warmSeconds, 6);
    expect(m.recordsPerSecond).toBeCloseTo(m.backfill.recordsScanned / m.backfill.warmSeconds, 6);
  });
});
