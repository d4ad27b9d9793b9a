import { describe, expect, it } from "vitest";
import { LogStore } from "../../tools/emulator/store.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { azkvAuditLog, azureDiagnosticsAudit, type KvAuditEvent } from "../../tools/emulator/records/key-vault.js";
import { emulatedSignals } from "../harness/emulated-source.js";
import { KEY, VAULT } from "../fixtures/incidents.js";
import { absorbHistory, learnedPoints, type LearnedBaselines } from "../../src/core/baselines/index.js";
import type { SignalSet } from "../../src/core/signals/signal-set.js";

/**
 * How faithfully the Key Vault legs read the audit logs, on raw records in Azure's shapes: which
 * caller a Resource-Manager-originated row names, which 403s are access denials, a vault logging
 * to both tables counted once, and the baselines' hourly history read in whole hours.
 */

const NOW = new Date("2026-11-20T02:00:00Z");
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);
const CALLER = {
  vaultResourceId: VAULT,
  callerObjectId: KEY.callerObjectId,
  callerAppId: KEY.callerAppId,
  callerResourceId: KEY.callerResourceId,
};
const OTHER_VAULT =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-app/providers/microsoft.keyvault/vaults/kv-legacy";

type Table = "AzureDiagnostics" | "AZKVAuditLogs";

function store(tables: Table[]): LogStore {
  const s = new LogStore({ delays: fixedDelays(1) });
  for (const t of tables) s.declare(t);
  return s;
}

const audit = (at: Date, status: number, more: Partial<KvAuditEvent> = {}): KvAuditEvent => ({
  at,
  ...CALLER,
  operation: "SecretGet",
  status,
  ...more,
});

function add(s: LogStore, table: Table, e: KvAuditEvent, count = 1) {
  s.add(table, table === "AzureDiagnostics" ? azureDiagnosticsAudit(e) : azkvAuditLog(e), { count });
}

async function read(s: LogStore, now = NOW, historyHours = 3): Promise<SignalSet> {
  return emulatedSignals(s, {
    config: { appInsights: { mode: "none" }, sloPeriods: [30], keyVaultAuditTable: "auto" },
  }).fetch(now, { historyHours });
}

const sum = (rows: readonly { counts: Record<string, number> }[], k: string) =>
  rows.reduce((n, r) => n + (r.counts[k] ?? 0), 0);
const ofVault = <R extends { dims: object }>(rows: readonly R[], vault: string) =>
  rows.filter((r) => (r.dims as { vaultResourceId?: string }).vaultResourceId === vault);
const kvRows = (set: SignalSet) => set.signals["kv-requests"].rows;
const sloRow = (set: SignalSet, vault: string) =>
  set.signals["slo-windows"].rows.find((r) => r.dims.subject === "identity-vault" && r.dims.vaultResourceId === vault);
const periodRow = (set: SignalSet, vault: string) =>
  set.signals["slo-period"].rows.find((r) => r.dims.subject === "identity-vault" && r.dims.vaultResourceId === vault);

describe("the caller of an AZKVAuditLogs row", () => {
  it("is read from the long-form object-ID claim on a call Resource Manager made (VaultGet)", async () => {
    const s = store(["AZKVAuditLogs"]);
    add(s, "AZKVAuditLogs", audit(min(-8), 200, { operation: "VaultGet" }), 2);
    const rows = kvRows(await read(s));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dims.callerObjectId).toBe(KEY.callerObjectId);
    expect(rows[0]!.dims.operation).toBe("VaultGet");
  });
});

describe("a 403 refused by the vault's network settings", () => {
  it.each<Table>(["AzureDiagnostics", "AZKVAuditLogs"])(
    "counts 'public network access is disabled' as a firewall denial in %s",
    async (table) => {
      const s = store([table]);
      add(s, table, audit(min(-8), 403, { denial: "public-network" }), 6);
      add(s, table, audit(min(-8), 403, { denial: "firewall" }), 2);
      const rows = kvRows(await read(s));
      expect(sum(rows, "forbiddenFirewall")).toBe(8);
      expect(sum(rows, "forbiddenOther")).toBe(0);
    },
  );
});

describe("a 403 about the object's state, not the caller's access", () => {
  it.each<Table>(["AzureDiagnostics", "AZKVAuditLogs"])(
    "is no denial, no SLO failure and no history denial in %s; 404s neither",
    async (table) => {
      const s = store([table]);
      add(s, table, audit(min(-8), 200), 50);
      add(s, table, audit(min(-8), 403, { refusedState: "disabled" }), 4);
      add(s, table, audit(min(-8), 403, { refusedState: "expired" }), 2);
      add(s, table, audit(min(-8), 404), 3);
      add(s, table, audit(min(-8), 403, { denial: "rbac" }), 1);
      const set = await read(s);
      const rows = kvRows(set);
      expect(sum(rows, "total")).toBe(60);
      expect(sum(rows, "forbiddenRbac")).toBe(1);
      expect(sum(rows, "forbiddenOther")).toBe(0);
      // Counted apart, with the other answers that are no access problem.
      expect(sum(rows, "other")).toBe(9);
      expect(sloRow(set, VAULT)!.counts).toMatchObject({ bad30m: 1, total30m: 60 });
      expect(periodRow(set, VAULT)!.counts).toEqual({ bad30d: 1, total30d: 60 });
      // 01:52 is in the hour's eleventh 5-minute bin (from 01:50): bit 10.
      expect(set.signals["kv-history"].rows.map((r) => r.counts)).toEqual([
        { denied: 1, throttled: 0, total: 60, deniedBins: 2 ** 10 },
      ]);
    },
  );
});

describe("a vault logging to both tables under keyVaultAuditTable auto", () => {
  /** The same requests, logged to `tables`; and a second vault that logs to AzureDiagnostics only. */
  function world(tables: Table[]): LogStore {
    const s = store(["AzureDiagnostics", "AZKVAuditLogs"]);
    for (const t of tables) {
      add(s, t, audit(min(-90), 200), 40);
      add(s, t, audit(min(-90), 403, { denial: "rbac" }), 3);
      add(s, t, audit(min(-8), 200), 30);
      add(s, t, audit(min(-8), 403, { denial: "rbac" }), 5);
      add(s, t, audit(min(-8), 429), 2);
    }
    add(s, "AzureDiagnostics", audit(min(-8), 200, { vaultResourceId: OTHER_VAULT }), 10);
    add(s, "AzureDiagnostics", audit(min(-90), 401, { vaultResourceId: OTHER_VAULT }), 1);
    return s;
  }

  it("is counted once in every leg, as if it logged to one table", async () => {
    const both = await read(world(["AzureDiagnostics", "AZKVAuditLogs"]));
    const one = await read(world(["AZKVAuditLogs"]));
    for (const k of ["total", "succeeded", "forbiddenRbac", "throttled"])
      expect(sum(ofVault(kvRows(both), VAULT), k)).toBe(sum(ofVault(kvRows(one), VAULT), k));
    expect(sum(ofVault(kvRows(both), VAULT), "total")).toBe(37);
    expect(sloRow(both, VAULT)!.counts).toEqual(sloRow(one, VAULT)!.counts);
    expect(sloRow(both, VAULT)!.counts).toMatchObject({ bad1h: 7, total1h: 37, bad2h: 10, total2h: 80 });
    expect(periodRow(both, VAULT)!.counts).toEqual({ bad30d: 10, total30d: 80 });
    const history = (set: SignalSet) =>
      ofVault(set.signals["kv-history"].rows, VAULT)
        .map((r) => [r.binStart.toISOString(), r.counts] as const)
        .sort(([a], [b]) => a.localeCompare(b));
    expect(history(both)).toEqual(history(one));
    expect(history(both).map(([, c]) => c.total)).toEqual([43, 37]);
  });

  it("still counts a vault that logs to AzureDiagnostics only", async () => {
    const both = await read(world(["AzureDiagnostics", "AZKVAuditLogs"]));
    expect(sum(ofVault(kvRows(both), OTHER_VAULT), "total")).toBe(10);
    expect(sloRow(both, OTHER_VAULT)!.counts).toMatchObject({ bad2h: 1, total2h: 11 });
    expect(periodRow(both, OTHER_VAULT)!.counts).toEqual({ bad30d: 1, total30d: 11 });
    expect(sum(ofVault(both.signals["kv-history"].rows, OTHER_VAULT), "total")).toBe(11);
  });

  it("counts a bin that has reached only one of the two tables yet from that table", async () => {
    const s = world(["AzureDiagnostics", "AZKVAuditLogs"]);
    // The newest requests are in AzureDiagnostics; their AZKVAuditLogs copies are still in flight.
    add(s, "AzureDiagnostics", audit(min(-3), 403, { denial: "rbac" }), 12);
    s.add("AZKVAuditLogs", azkvAuditLog(audit(min(-3), 403, { denial: "rbac" })), { count: 12, ingestedAt: min(6) });
    const rows = ofVault(kvRows(await read(s)), VAULT);
    expect(sum(rows, "forbiddenRbac")).toBe(17);
    expect(sum(rows, "total")).toBe(49);
  });
});

describe("the baselines' hourly history", () => {
  const at = (iso: string) => new Date(`2026-11-20T${iso}:00Z`);

  it("is read in whole hours: an hourly refresh at 10:37 reads 07:00 from its start", async () => {
    const s = store(["AzureDiagnostics"]);
    add(s, "AzureDiagnostics", audit(at("07:10"), 200), 70);
    add(s, "AzureDiagnostics", audit(at("07:50"), 200), 30);
    const set = await read(s, at("10:37"), 3);
    const hour7 = set.signals["kv-history"].rows.find((r) => r.binStart.getTime() === at("07:00").getTime());
    expect(hour7?.counts.total).toBe(100);
  });

  it("keeps every whole hour the backfill learned through the next refresh", async () => {
    const s = store(["AzureDiagnostics"]);
    for (let h = 0; h < 10; h++)
      for (const m of ["00:05", "00:45"])
        add(s, "AzureDiagnostics", audit(new Date(at(m).getTime() + h * 3_600_000), 200), 50);
    const none: LearnedBaselines = { baselines: new Map(), historyReadAt: undefined };
    const backfillAt = at("09:37");
    const backfill = await read(s, backfillAt, 14 * 24);
    const first = absorbHistory(none, backfill.signals["kv-history"].rows, [], backfillAt);
    const refreshAt = at("10:37");
    const refresh = await read(s, refreshAt, 3);
    const after = absorbHistory(first, refresh.signals["kv-history"].rows, [], refreshAt);
    const baseline = after.baselines.get(`kv-auth-denied|${VAULT}|${KEY.callerObjectId}`)!;
    const totals = learnedPoints(baseline).map((p) => [p.at.toISOString().slice(11, 16), p.total]);
    // Hours 00:00 to 09:00, each whole; 10:00 is still settling.
    expect(totals).toEqual(Array.from({ length: 10 }, (_, h) => [`0${h}:00`, 100]));
  });
});
