import { describe, expect, it } from "vitest";
import { DETECTED_TABLES } from "../../src/core/queries/signals-query.js";
import { runbookFor, verificationKql } from "../../src/core/runbook/runbook.js";
import { LogAnalyticsEmulator } from "../../tools/emulator/emulator.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { azkvAuditLog, azureDiagnosticsAudit, type KvAuditEvent } from "../../tools/emulator/records/key-vault.js";
import { LogStore } from "../../tools/emulator/store.js";
import { KEY } from "../fixtures/incidents.js";
import { RUNBOOK_CASES } from "../fixtures/runbook-cases.js";

/**
 * The queries a runbook hands the operator, run on an emulated workspace: they must run, and the
 * verification query must show the denials and throttles that are there.
 */

const NOW = new Date("2026-11-20T02:00:00Z");
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);

function workspace(): { store: LogStore; emulator: LogAnalyticsEmulator } {
  const store = new LogStore({ delays: fixedDelays(1) });
  for (const t of DETECTED_TABLES) store.declare(t);
  const event = (at: Date, status: number): KvAuditEvent => ({ at, ...KEY, operation: "SecretGet", status });
  for (const [m, status, count] of [
    [-40, 200, 30],
    [-40, 403, 6],
    [-20, 429, 4],
    [-20, 401, 2],
  ] as const) {
    store.add("AzureDiagnostics", azureDiagnosticsAudit(event(min(m), status)), { count });
    store.add("AZKVAuditLogs", azkvAuditLog(event(min(m), status)), { count });
  }
  return { store, emulator: new LogAnalyticsEmulator(store, { now: () => NOW }) };
}

type Answer = { tables: { columns: { name: string }[]; rows: unknown[][] }[] };

function run(emulator: LogAnalyticsEmulator, query: string) {
  const answer = emulator.answer(query, `${new Date(NOW.getTime() - 86_400_000).toISOString()}/${NOW.toISOString()}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const table = (answer.body as Answer).tables[0]!;
  return table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c.name, r[i]])));
}

describe("the verification query of a request incident, run", () => {
  it.each(["AzureDiagnostics", "AZKVAuditLogs"] as const)(
    "counts the caller's denials and throttles in %s per bin",
    (auditTable) => {
      const { emulator } = workspace();
      const denied = run(emulator, verificationKql({ ...KEY, auditTable }, "denied"));
      expect(denied.map((r) => [r.TimeGenerated, r.Requests, r.Denied])).toEqual([
        [min(-40).toISOString(), 36, 6],
        [min(-20).toISOString(), 6, 2],
      ]);
      const throttled = run(emulator, verificationKql({ ...KEY, auditTable }, "throttled"));
      expect(throttled.map((r) => r.Throttled)).toEqual([0, 4]);
    },
  );

  it("shows nothing for another caller", () => {
    const { emulator } = workspace();
    expect(
      run(emulator, verificationKql({ ...KEY, callerObjectId: "00000000-0000-0000-0000-00000000abcd" }, "denied")),
    ).toEqual([]);
  });
});

describe("every KQL step of every runbook, run", () => {
  it.each(Object.entries(RUNBOOK_CASES))("%s", (_, incident) => {
    const { emulator } = workspace();
    const kql = runbookFor(incident).flatMap((s) => (s.kql ? [s.kql] : []));
    expect(kql.length).toBeGreaterThan(0);
    for (const q of kql) run(emulator, q);
  });
});
