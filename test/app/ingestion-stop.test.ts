import { describe, expect, it } from "vitest";
import { checkHealth } from "../../src/app/check-health.js";
import { runTick } from "../../src/app/run-tick.js";
import type { Runtime } from "../../src/app/runtime.js";
import type { Notice } from "../../src/core/model/index.js";
import type { NotificationChannel } from "../../src/core/ports/ports.js";
import { MONITOR_FINGERPRINT } from "../../src/core/monitor-findings.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { azureDiagnosticsAudit } from "../../tools/emulator/records/key-vault.js";
import { dailyCapReached } from "../../tools/emulator/records/operation.js";
import { LogStore } from "../../tools/emulator/store.js";
import { createMemoryState } from "../../tools/standin/memory-state.js";
import { emulatedSignals } from "../harness/emulated-source.js";
import { manualClock } from "../harness/replay.js";
import { recordingLogger } from "../harness/stack.js";
import { aPolicy, KEY, VAULT } from "../fixtures/incidents.js";

/**
 * A workspace that stops receiving data: a caller reads its secret 20 times a minute for six
 * hours, then at STOP nothing more reaches the workspace (with or without the Operation table's
 * daily-cap warning). The monitor ticks every five minutes through the real LogsQueryClient over
 * the emulator. It must page "monitor blind" and name the cause, and /api/health must never say
 * healthy, where before it opened nothing at all: an empty answer read as a quiet vault.
 */

const STOP = new Date("2026-11-20T09:00:00Z");
const min = (m: number) => new Date(STOP.getTime() + m * 60_000);
const WORKSPACE =
  "/subscriptions/0b8f1e2a-1111-4c3d-9e8f-7a6b5c4d3e2f/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-ops";

function stoppedWorkspace(withCap: boolean): LogStore {
  const store = new LogStore({ delays: fixedDelays(1) });
  store.declare("AzureDiagnostics");
  store.declare("Operation");
  const caller = {
    vaultResourceId: VAULT,
    callerObjectId: KEY.callerObjectId,
    callerAppId: KEY.callerAppId,
    callerResourceId: KEY.callerResourceId,
    operation: "SecretGet",
  };
  for (let m = -6 * 60; m < -1; m++)
    store.add("AzureDiagnostics", azureDiagnosticsAudit({ ...caller, at: min(m), status: 200 }), { count: 20 });
  if (withCap) store.add("Operation", dailyCapReached(min(-1), WORKSPACE));
  return store;
}

function recordingChannel(sent: Notice[]): NotificationChannel {
  return {
    name: "teams",
    description: "teams (recorded)",
    timeoutMs: 5_000,
    async send(notice) {
      sent.push(notice);
      return { ok: true, status: 200 };
    },
  };
}

async function tickThrough(store: LogStore, lastTick: number) {
  const { rt, clock, sent, state } = runtimeOver(store);
  const log = recordingLogger();
  const ticks: { at: number; health: string; reasons: string[] }[] = [];
  for (let m = 5; m <= lastTick; m += 5) {
    clock.advance(5);
    await runTick(rt, log);
    const health = await checkHealth(rt);
    ticks.push({ at: m, health: health.status, reasons: health.reasons });
  }
  const { incidents } = await state.store.list({ activeOnly: false, limit: 100 });
  return { sent, ticks, monitor: incidents.find((i) => i.id === MONITOR_FINGERPRINT) };
}

function runtimeOver(store: LogStore) {
  const clock = manualClock(min(0));
  const state = createMemoryState();
  const sent: Notice[] = [];
  const rt: Runtime = {
    policy: aPolicy(),
    signals: emulatedSignals(store, { config: { appInsights: { mode: "none" }, sloPeriods: [] } }),
    store: state.store,
    baselines: state.baselines,
    silences: state.silences,
    controlPlane: undefined,
    channels: [recordingChannel(sent)],
    workspaceResourceId: undefined,
    delivery: clock.delivery(),
    clock: clock.now,
    healthStaleAfterMinutes: 15,
  };
  return { rt, clock, sent, state };
}

describe("a workspace that stops receiving data", () => {
  it("pages monitor blind within two ticks of the silence outlasting ingestion lag, naming the daily cap", async () => {
    const { sent, ticks, monitor } = await tickThrough(stoppedWorkspace(true), 40);
    // Nothing reached the workspace after 08:59; 15 minutes of silence is past any normal lag
    // (core/signals/ingestion.ts), so 09:20 is the first tick that can call it a stop.
    expect(monitor?.state).toBe("firing");
    expect(monitor?.severity).toBe("SEV-2");
    expect(monitor?.triggers).toContainEqual(
      expect.objectContaining({ kind: "monitor", source: "ingestion", stop: "daily-cap" }),
    );
    const opened = sent.find((n) => n.snapshot.id === MONITOR_FINGERPRINT);
    expect(opened?.snapshot.severity).toBe("SEV-2");
    expect(opened?.decidedAt.getTime()).toBeLessThanOrEqual(min(25).getTime());
    expect(JSON.stringify(opened?.snapshot)).toMatch(/daily cap was reached at 08:59 UTC/);
    // Before the stop can be told from lag the monitor waits; from then on it is never healthy.
    for (const t of ticks.filter((t) => t.at >= 20)) expect(t.health).not.toBe("healthy");
    expect(ticks.find((t) => t.at === 20)?.reasons.join(" ")).toMatch(/no Key Vault data ingested since 08:59 UTC/);
  });

  it("without a daily-cap warning names the other likely causes", async () => {
    const { monitor } = await tickThrough(stoppedWorkspace(false), 25);
    expect(monitor?.severity).toBe("SEV-2");
    const trigger = monitor?.triggers.find((t) => t.kind === "monitor" && t.source === "ingestion");
    expect(trigger).toMatchObject({ stop: "unknown" });
    expect(trigger?.kind === "monitor" ? trigger.problem : "").toMatch(
      /since 08:59 UTC .*an ingestion delay or incident, or the diagnostic settings were removed/,
    );
  });
});

describe("the data horizon in /api/health", () => {
  it("shows where the last tick judged up to, and each table's delay and newest record", async () => {
    const store = new LogStore({ delays: fixedDelays(8) });
    store.declare("AzureDiagnostics");
    for (let m = -120; m < 10; m++)
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
        { count: 10 },
      );
    const { rt, clock } = runtimeOver(store);
    const log = recordingLogger();
    for (let i = 0; i < 2; i++) {
      clock.advance(5);
      await runTick(rt, log);
    }
    const health = await checkHealth(rt);
    expect(health.status).toBe("healthy");
    // The second tick (09:10) ended its windows 8 minutes back, at the delay the first one learned.
    expect(health.monitor.ingestion).toMatchObject({
      horizon: min(2).toISOString(),
      delayMinutes: 8,
      stopped: null,
    });
    expect(health.monitor.ingestion?.tables).toContainEqual({
      table: "AzureDiagnostics",
      // 08:00 to 09:02: everything ingested by 09:10.
      events: 10 * 123,
      horizon: min(2).toISOString(),
      delayP95Minutes: 8,
      newestEvent: min(2).toISOString(),
      newestIngested: min(10).toISOString(),
    });
  });
});
