import { describe, expect, it } from "vitest";
import { LogStore } from "../../tools/emulator/store.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { azureDiagnosticsAudit } from "../../tools/emulator/records/key-vault.js";
import { otherDiagnostics } from "../../tools/emulator/records/other-resources.js";
import { activityRecords, diagnosticSettingChange } from "../../tools/emulator/records/activity.js";
import { emulatedSignals } from "../harness/emulated-source.js";
import { KEY, VAULT, aPolicy } from "../fixtures/incidents.js";
import { decide } from "../../src/app/tick/decide.js";
import { heartbeatOf } from "../../src/app/tick/heartbeat.js";
import { assessHealth } from "../../src/core/health.js";
import type { WorkspaceMemo } from "../../src/core/signals/signal-set.js";

/**
 * Coverage per vault, from raw records through the monitor's own query: a vault that stopped
 * sending AuditEvent is a blind spot even when AzureDiagnostics is full of other services' rows,
 * a vault that never logged regularly is not, and a deleted diagnostic setting is named.
 */

const NOW = new Date("2026-11-20T14:00:00Z");
const MIN = 60_000;
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * MIN);
const vault = (name: string) => VAULT.replace(/kv-app$/, name);
const LIVE = vault("kv-live");
const QUIET = vault("kv-quiet");

function store(): LogStore {
  const s = new LogStore({ delays: fixedDelays(1) });
  s.declare("AzureDiagnostics");
  s.declare("AzureActivity");
  return s;
}

/** Key Vault AuditEvent records of `vaultId`, `count` at a time every `step` minutes in [from, to). */
function kvEvery(s: LogStore, vaultId: string, from: Date, to: Date, step: number, count = 1) {
  for (let t = from.getTime(); t < to.getTime(); t += step * MIN)
    s.add(
      "AzureDiagnostics",
      azureDiagnosticsAudit({ ...KEY, vaultResourceId: vaultId, at: new Date(t), operation: "SecretGet", status: 200 }),
      { count },
    );
}

/** SQL auditing and Application Gateway rows in the same table, every 10 minutes for 3 days. */
function otherServices(s: LogStore) {
  for (let t = ago(3 * 24 * 60).getTime(), seq = 0; t < NOW.getTime(); t += 10 * MIN, seq++) {
    s.add("AzureDiagnostics", otherDiagnostics(new Date(t), "sql", seq), { count: 20 });
    s.add("AzureDiagnostics", otherDiagnostics(new Date(t), "appgw", seq), { count: 50 });
  }
}

/** One tick as the monitor runs it (query, decide, heartbeat) and `/api/health` after it. */
async function tickAndHealth(s: LogStore, now = NOW, memo?: WorkspaceMemo) {
  const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [] } }).fetch(now, {
    ...(memo ? { memo } : {}),
  });
  const seen = { set, historyHours: 0, controlPlane: undefined };
  const state = {
    incidents: [],
    unreadableIncidents: [],
    silences: [],
    baselines: { baselines: new Map(), historyReadAt: undefined },
    snapshots: undefined,
    heartbeat: undefined,
  };
  const plan = decide(state, seen, now, aPolicy(), undefined);
  const heartbeat = heartbeatOf(now, seen, plan, []);
  const health = assessHealth({ now, heartbeat, incidents: [], staleAfterMinutes: 15 });
  return { set, plan, heartbeat, health };
}

describe("coverage per vault, from the logs alone", () => {
  it("names a vault that logged until yesterday 13:05 and nothing since, though AzureDiagnostics is full of other services' rows", async () => {
    const s = store();
    otherServices(s);
    kvEvery(s, VAULT, new Date("2026-11-17T14:05:00Z"), new Date("2026-11-19T13:06:00Z"), 10, 3);
    kvEvery(s, LIVE, ago(3 * 24 * 60), NOW, 10, 3);
    const { set, health, heartbeat } = await tickAndHealth(s);

    // The table has rows, and the Key Vault signal is merely quiet: nothing else would tell.
    expect(set.signals["kv-requests"].status).not.toBe("failed");
    expect(health.status).toBe("degraded");
    expect(health.reasons).toContain(
      "blind spot (from the logs): kv-app sent AuditEvent until 2026-11-19 13:05 UTC and nothing since (silent 24 h 55 min; it logged in 48 of 48 hours before, so its own gaps allow 2 h)",
    );
    expect(health.monitor.silentVaults.map((v) => v.vaultResourceId)).toEqual([VAULT]);
    expect(heartbeat.silentVaults?.[0]).toMatchObject({ vaultResourceId: VAULT, cause: undefined });
  });

  it("does not flag a vault that only ever logs now and then, nor one silent for less than its own gaps", async () => {
    const s = store();
    otherServices(s);
    // A nightly job: five reads at 02:00 each day, the last 12 hours ago.
    for (const day of [18, 19, 20]) {
      const at = new Date(Date.UTC(2026, 10, day, 2, 0));
      kvEvery(s, QUIET, at, new Date(at.getTime() + 5 * MIN), 1);
    }
    // Logging in three hours of every four, silent for the last 2 h 15 min: its gaps have been 2 h.
    for (let h = 72; h >= 3; h--) if (h % 4 !== 0) kvEvery(s, LIVE, ago(h * 60), ago(h * 60 - 60), 15);
    const { health } = await tickAndHealth(s);
    expect(health.monitor.silentVaults).toEqual([]);
    expect(health.status).toBe("healthy");
  });
});

describe("a deleted diagnostic setting", () => {
  it("fires the monitor rule naming the setting, who deleted it and when, on the first tick that sees the deletion", async () => {
    const s = store();
    otherServices(s);
    const deletedAt = ago(20); // 13:40
    // Two reads a minute on each vault for the day before.
    kvEvery(s, VAULT, ago(24 * 60), deletedAt, 1, 2);
    kvEvery(s, LIVE, ago(24 * 60), NOW, 1, 2);
    for (const r of activityRecords(
      diagnosticSettingChange({
        at: deletedAt,
        vault: VAULT,
        setting: "audit-to-law",
        caller: "ops@contoso.com",
        action: "delete",
      }),
    ))
      s.add("AzureActivity", r);

    // 13:40 deleted, 13:41 ingested: the tick at 13:45 sees it, and kv-live's events up to 13:43
    // have arrived, so kv-app's 6 expected reads since 13:40 would have too.
    const { plan, health } = await tickAndHealth(s, ago(15));
    const monitor = plan.decision.evaluations.find((e) => e.rule === "monitor");
    expect(monitor?.kind).toBe("firing");
    expect(monitor && "triggers" in monitor ? monitor.triggers : []).toContainEqual({
      kind: "monitor",
      source: "vault",
      problem:
        "a vault the monitor can no longer see: kv-app sent AuditEvent until 13:39 UTC and nothing since: its diagnostic setting audit-to-law was deleted at 13:40 UTC by ops@contoso.com",
    });
    expect(health.monitor.silentVaults).toEqual([
      expect.objectContaining({ vaultResourceId: VAULT, cause: "deleted audit-to-law" }),
    ]);
  });

  it("names nothing while the vault keeps logging after the deletion (another setting still sends AuditEvent)", async () => {
    const s = store();
    otherServices(s);
    kvEvery(s, VAULT, ago(3 * 24 * 60), NOW, 5, 10);
    for (const r of activityRecords(
      diagnosticSettingChange({
        at: ago(20),
        vault: VAULT,
        setting: "archive",
        caller: "ops@contoso.com",
        action: "delete",
      }),
    ))
      s.add("AzureActivity", r);
    const { plan } = await tickAndHealth(s, ago(10));
    expect(plan.silentVaults).toEqual([]);
    expect(plan.decision.evaluations.filter((e) => e.rule === "monitor")).toEqual([]);
  });
});
