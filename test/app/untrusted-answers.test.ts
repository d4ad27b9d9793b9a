import { describe, expect, it } from "vitest";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createHttpHeaders, type HttpClient } from "@azure/core-rest-pipeline";
import { createSignalSource } from "../../src/adapters/log-analytics.js";
import { checkHealth } from "../../src/app/check-health.js";
import { runTick } from "../../src/app/run-tick.js";
import type { Runtime } from "../../src/app/runtime.js";
import type { Notice } from "../../src/core/model/index.js";
import type { NotificationChannel } from "../../src/core/ports/ports.js";
import { MONITOR_FINGERPRINT } from "../../src/core/monitor-findings.js";
import { LogAnalyticsEmulator } from "../../tools/emulator/emulator.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { azureDiagnosticsAudit } from "../../tools/emulator/records/key-vault.js";
import { LogStore } from "../../tools/emulator/store.js";
import { createMemoryState } from "../../tools/standin/memory-state.js";
import { manualClock } from "../harness/replay.js";
import { recordingLogger } from "../harness/stack.js";
import { aPolicy, KEY, VAULT } from "../fixtures/incidents.js";

/**
 * Answers that succeed but cannot be trusted. The world has a Key Vault outage under way: from
 * OUTAGE on, every call of the orders identity is refused (RBAC 403, 30 a minute), which the
 * monitor pages as SEV-1 from a faithful answer. Each case changes the workspace's answer to the
 * signals query on its way to the real LogsQueryClient, in the REST shape (dynamic cells as JSON
 * text, datetimes as ISO strings), and the monitor ticks every five minutes for 50 minutes. Either
 * the failures still show (a vault incident fires) or the monitor says it is blind; no answer is
 * ever read as healthy.
 */

const START = new Date("2026-11-20T01:00:00Z");
const min = (m: number) => new Date(START.getTime() + m * 60_000);
const OUTAGE = 0;
const LAST_TICK = 50;

interface Answer {
  tables: { name: string; columns: { name: string; type: string }[]; rows: unknown[][] }[];
}

/** The outage's raw AuditEvent records: steady successes for an hour, then nothing but 403s. */
function outageStore(): LogStore {
  const store = new LogStore({ delays: fixedDelays(1) });
  store.declare("AzureDiagnostics");
  const caller = {
    vaultResourceId: VAULT,
    callerObjectId: KEY.callerObjectId,
    callerAppId: KEY.callerAppId,
    callerResourceId: KEY.callerResourceId,
    operation: "SecretGet",
  };
  for (let m = OUTAGE - 60; m < LAST_TICK; m++) {
    const event =
      m < OUTAGE
        ? { ...caller, at: min(m), status: 200 }
        : { ...caller, at: min(m), status: 403, denial: "rbac" as const };
    store.add("AzureDiagnostics", azureDiagnosticsAudit(event), { count: 30 });
  }
  return store;
}

const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: "emulated", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** The SDK's transport over the emulator, with the signals query's answer changed by `tamper`. */
function tamperingTransport(emulator: LogAnalyticsEmulator, tamper: (a: Answer) => unknown): HttpClient {
  return {
    async sendRequest(request) {
      const body = JSON.parse(String(request.body ?? "{}")) as { query?: string; timespan?: string };
      const answer = emulator.answer(body.query ?? "", body.timespan);
      const real = answer.body as Answer;
      // The table-detection query (SourceTable, Events) is answered as it is.
      const isSignals = answer.status === 200 && real.tables[0]?.columns.some((c) => c.name === "Signal");
      return {
        request,
        status: answer.status,
        headers: createHttpHeaders({ "content-type": "application/json; charset=utf-8" }),
        bodyAsText: JSON.stringify(isSignals ? tamper(structuredClone(real)) : real),
      };
    },
  };
}

/** Everything the teams channel was asked to send, accepted at once. */
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

async function monitorThroughOutage(tamper: (a: Answer) => unknown) {
  const clock = manualClock(min(-5));
  const emulator = new LogAnalyticsEmulator(outageStore());
  const client = new LogsQueryClient(credential, {
    httpClient: tamperingTransport(emulator, tamper),
    retryOptions: { maxRetries: 0 },
  });
  const signals = createSignalSource({
    client,
    workspaceId: "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c",
    config: {
      keyVaultAuditTable: "auto",
      appInsights: { mode: "none" },
      binMinutes: 5,
      windowMinutes: 15,
      priorHours: 6,
      changesMinutes: 120,
      sloPeriods: [],
    },
    lookbackMinutes: 20,
    serverTimeoutSeconds: 60,
    clientTimeoutMs: 60_000,
  });
  const sent: Notice[] = [];
  const state = createMemoryState();
  const rt: Runtime = {
    // A critical identity without a fallback: the outage is a SEV-1.
    policy: aPolicy({ criticalIdentities: [KEY.callerObjectId] }),
    signals,
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
  const log = recordingLogger();
  const healths: string[] = [];
  const kvStatuses = new Set<string>();
  while (clock.now().getTime() < min(LAST_TICK).getTime()) {
    clock.advance(5);
    const report = await runTick(rt, log);
    kvStatuses.add(report.signals["kv-requests"]);
    healths.push((await checkHealth(rt)).status);
  }
  const { incidents } = await state.store.list({ activeOnly: false, limit: 100 });
  const monitor = incidents.find((i) => i.id === MONITOR_FINGERPRINT);
  const vault = incidents.find((i) => i.rule === "kv-auth-denied");
  return { sent, healths, kvStatuses, monitor, vault };
}

type Row = unknown[];
const col = (a: Answer, name: string) => a.tables[0]!.columns.findIndex((c) => c.name === name);
const rowsOf = (a: Answer) => a.tables[0]!.rows;
const isKv = (a: Answer, kind: "data" | "coverage") => (r: Row) =>
  r[col(a, "Signal")] === "kv-requests" && r[col(a, "RowKind")] === kind;

/** Changes every Key Vault row of `kind` with `change`, which may return a new row. */
const eachKv = (kind: "data" | "coverage", change: (r: Row, a: Answer) => unknown) => (a: Answer) => {
  const rows = rowsOf(a);
  rows.forEach((r, i) => {
    if (isKv(a, kind)(r)) rows[i] = (change(r, a) as Row | undefined) ?? r;
  });
  return a;
};
const dropKv =
  (kind: "data" | "coverage", keep: (i: number) => boolean = () => false) =>
  (a: Answer) => {
    let n = 0;
    a.tables[0]!.rows = rowsOf(a).filter((r) => !isKv(a, kind)(r) || keep(n++));
    return a;
  };
const renameColumn = (from: string, to: string) => (a: Answer) => {
  a.tables[0]!.columns[col(a, from)]!.name = to;
  return a;
};
const retypeColumn = (name: string, type: string) => (a: Answer) => {
  a.tables[0]!.columns[col(a, name)]!.type = type;
  return a;
};
const dropColumn = (name: string) => (a: Answer) => {
  const i = col(a, name);
  a.tables[0]!.columns.splice(i, 1);
  for (const r of rowsOf(a)) r.splice(i, 1);
  return a;
};
const editCounts = (change: (c: Record<string, unknown>) => void) =>
  eachKv("data", (r, a) => {
    const c = JSON.parse(r[col(a, "Counts")] as string) as Record<string, unknown>;
    change(c);
    r[col(a, "Counts")] = JSON.stringify(c);
  });
const setCell = (name: string, value: unknown) =>
  eachKv("data", (r, a) => {
    r[col(a, name)] = value;
  });

/** The malformed answers: what each does to the Key Vault part of an answer that succeeded. */
const MALFORMED: [string, (a: Answer) => unknown][] = [
  ["Counts renamed to Count", renameColumn("Counts", "Count")],
  ["Signal renamed to SignalName", renameColumn("Signal", "SignalName")],
  ["the Dims column missing", dropColumn("Dims")],
  ["Counts typed string (its JSON left as text)", retypeColumn("Counts", "string")],
  ["BinStart typed string", retypeColumn("BinStart", "string")],
  ["Counts typed long", retypeColumn("Counts", "long")],
  ["null Dims", setCell("Dims", null)],
  ["null Counts", setCell("Counts", null)],
  ["a null count", editCounts((c) => (c.forbiddenRbac = null))],
  ["counts as strings", editCounts((c) => (c.forbiddenRbac = String(c.forbiddenRbac)))],
  ["a null vault in Dims", setCell("Dims", JSON.stringify({ vaultResourceId: null }))],
  ["short rows", eachKv("data", (r) => r.slice(0, 5))],
  ["rows that are not lists", eachKv("data", () => "kv-requests")],
  ["an unknown Signal name", setCell("Signal", "kv-request")],
  ["a null Signal", setCell("Signal", null)],
  ["an unknown RowKind", setCell("RowKind", "datum")],
  ["status counts adding up to more than total", editCounts((c) => (c.unauthorized = c.total))],
  [
    "totals that do not add up to the coverage count",
    editCounts((c) => {
      c.total = Math.floor(Number(c.total) / 2);
      c.forbiddenRbac = c.total;
    }),
  ],
  ["a coverage row with events but no data rows", dropKv("data")],
  ["half the data rows gone", dropKv("data", (i) => i % 2 === 0)],
  ["no coverage row", dropKv("coverage")],
  ["a coverage row with no event count", eachKv("coverage", (r, a) => void (r[col(a, "Counts")] = "{}"))],
  ["rows that are no list", (a) => ((a.tables[0] as { rows: unknown }).rows = {}) && a],
  ["no table at all", () => ({ tables: [] })],
];

describe("answers about Key Vault that cannot be trusted, during a SEV-1 outage", () => {
  it("a faithful answer pages the outage and raises no monitor incident (the control case)", async () => {
    const r = await monitorThroughOutage((a) => a);
    expect(r.vault).toMatchObject({ state: "firing", severity: "SEV-1" });
    expect(r.monitor).toBeUndefined();
    expect(r.kvStatuses).toEqual(new Set(["ok"]));
  });

  it.each(MALFORMED)("%s: the monitor says it is blind, and nothing reads as healthy", async (_, tamper) => {
    const r = await monitorThroughOutage(tamper);
    // Never healthy: not the Key Vault signal, not /api/health, on any tick.
    expect([...r.kvStatuses].filter((s) => s === "ok" || s === "no-data")).toEqual([]);
    expect(r.healths.filter((h) => h === "healthy")).toEqual([]);
    // The monitor's own incident fires, saying why it cannot see.
    expect(r.monitor).toMatchObject({ state: "firing" });
    const trigger = r.monitor!.triggers.find((t) => t.kind === "monitor");
    expect(trigger).toMatchObject({ kind: "monitor", cause: "malformed" });
    // And on-call is told so, not left to find it in /api/health.
    expect(r.sent.filter((n) => n.kind === "opened" && n.snapshot.rule === "monitor")).toHaveLength(1);
  });
});
