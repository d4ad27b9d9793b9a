import type { WorkspaceMemo } from "../../src/core/signals/signal-set.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import { ManagedIdentityCredential } from "@azure/identity";
import { createSignalSource } from "../../src/adapters/log-analytics.js";
import { SIGNALS_MARKER, TABLES_MARKER } from "../../src/core/queries/signals-query.js";
import type { SignalConfig } from "../../src/core/queries/plan.js";
import { redirectTo } from "../../tools/standin/redirect.js";
import { startStack, MONITOR_CLIENT_ID, WORKSPACE_ID, type Stack } from "../harness/stack.js";
import { steadyTraffic } from "../fixtures/traffic.js";
import { at, KEY } from "../fixtures/incidents.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ traffic: steadyTraffic(() => ({ ok: 10, denied: 2 })) });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.standIn.faults.clear();
  stack.standIn.requests.length = 0;
});

const CONFIG: SignalConfig = {
  keyVaultAuditTable: "auto",
  appInsights: { mode: "none" },
  binMinutes: 5,
  windowMinutes: 15,
  priorHours: 6,
  changesMinutes: 120,
  sloPeriods: [],
};

/** The real client and credential, with retries and a deadline short enough for a test. */
function source(
  o: { clientTimeoutMs?: number; config?: Partial<SignalConfig>; sendRequest?: (body: string) => void } = {},
) {
  const redirect = redirectTo(stack.standIn.url);
  const client = new LogsQueryClient(new ManagedIdentityCredential({ clientId: MONITOR_CLIENT_ID }), {
    httpClient: { sendRequest: (req) => (o.sendRequest?.(String(req.body ?? "")), redirect.sendRequest(req)) },
    retryOptions: { maxRetries: 2, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
  });
  return createSignalSource({
    client,
    workspaceId: WORKSPACE_ID,
    config: { ...CONFIG, ...o.config },
    lookbackMinutes: 20,
    serverTimeoutSeconds: 60,
    clientTimeoutMs: o.clientTimeoutMs ?? 20_000,
  });
}

/** Fetches as the tick does: each call reuses what the previous one said may be reused. */
function ticking(s: ReturnType<typeof source>) {
  let memo: WorkspaceMemo | undefined;
  return {
    async fetch(now: Date) {
      const set = await s.fetch(now, { memo });
      memo = set.memo;
      return set;
    },
  };
}

const laRequests = () => stack.standIn.requests.filter((r) => r.endpoint === "logAnalytics");

describe("the signal source through LogsQueryClient", () => {
  it("maps Key Vault rows from the REST response into the model, without the 401 challenge", async () => {
    const set = await source().fetch(at(20));
    const kv = set.signals["kv-requests"];
    expect(kv.status).toBe("ok");
    expect(kv.coverage).toEqual({ AzureDiagnostics: 240 });
    expect(kv.rows).toHaveLength(4);
    expect(kv.rows.find((r) => r.binStart.getTime() === at(0).getTime())).toEqual({
      binStart: at(0),
      dims: {
        vaultResourceId: KEY.vaultResourceId,
        callerObjectId: KEY.callerObjectId,
        callerAppId: KEY.callerAppId,
        callerResourceId: KEY.callerResourceId,
        operation: "SecretGet",
        source: "AzureDiagnostics",
      },
      counts: {
        total: 60,
        succeeded: 50,
        unauthorized: 0,
        forbiddenRbac: 10,
        forbiddenPolicy: 0,
        forbiddenFirewall: 0,
        forbiddenOther: 0,
        throttled: 0,
        other: 0,
      },
    });
  });

  it("learns the workspace's tables once, then costs one request per tick", async () => {
    const s = ticking(source());
    const requests = [];
    for (const minute of [20, 21, 22, 23]) requests.push((await s.fetch(at(minute))).requests);
    expect(requests).toEqual([2, 1, 1, 1]);
    expect(laRequests()).toHaveLength(5);
  });

  it("marks the signals the workspace cannot feed as unavailable, with what to fix", async () => {
    const set = await source().fetch(at(20));
    expect(set.signals["dependency-calls"]).toMatchObject({
      status: "unavailable",
      problem: expect.stringContaining("APP_INSIGHTS_MODE=none"),
    });
    expect(set.signals["host-startup"]).toMatchObject({
      status: "unavailable",
      problem: expect.stringContaining("no FunctionAppLogs data in the workspace"),
    });
    expect(set.signals.changes).toMatchObject({
      status: "unavailable",
      problem: expect.stringContaining("export the subscription's activity log"),
    });
  });

  it("reports the Key Vault signal unavailable when the configured mode's table has no data", async () => {
    const set = await source({ config: { keyVaultAuditTable: "AZKVAuditLogs" } }).fetch(at(20));
    expect(set.signals["kv-requests"]).toMatchObject({
      status: "unavailable",
      problem: expect.stringContaining("no AZKVAuditLogs data in the workspace"),
    });
  });

  it("rides out a 429 with Retry-After through the client's own retry", async () => {
    const s = ticking(source());
    await s.fetch(at(19));
    stack.standIn.requests.length = 0;
    stack.standIn.faults.inject("logAnalytics", { kind: "status", status: 429, retryAfterSeconds: 1 });
    const set = await s.fetch(at(20));
    expect(set.signals["kv-requests"].status).toBe("ok");
    expect(laRequests().map((r) => r.status)).toEqual([429, 200]);
  });

  it("fails every signal when the query keeps failing, saying why, and re-learns the tables next tick", async () => {
    const s = ticking(source());
    await s.fetch(at(19));
    stack.standIn.faults.inject("logAnalytics", { kind: "status", status: 503, retryAfterSeconds: 0 }, 3);
    const set = await s.fetch(at(20));
    for (const [name, signal] of Object.entries(set.signals)) {
      // History is only read when the baselines ask for it; this tick did not.
      if (name !== "kv-history") expect(signal.status).toMatch(/failed|unavailable/);
    }
    expect(set.signals["kv-requests"].problem).toMatch(/^Log Analytics answered 503/);
    expect((await s.fetch(at(21))).requests).toBe(2);
  });

  it("explains a 403 as the monitor's missing Log Analytics Reader role", async () => {
    stack.standIn.faults.inject("logAnalytics", {
      kind: "status",
      status: 403,
      body: {
        error: {
          code: "InsufficientAccessError",
          message: "The provided credentials have insufficient access to perform the requested operation",
        },
      },
    });
    const set = await source().fetch(at(20));
    expect(set.signals["kv-requests"].problem).toContain("needs Log Analytics Reader on the workspace");
  });

  it("tells a 403, a 429 and a 5xx from the query endpoint apart, so the core can branch on them", async () => {
    const failures = [];
    for (const status of [403, 429, 503]) {
      const s = ticking(source());
      await s.fetch(at(19));
      // As often as the client tries (maxRetries 2); Retry-After 0 keeps its retries immediate.
      stack.standIn.faults.inject("logAnalytics", { kind: "status", status, retryAfterSeconds: 0 }, 3);
      const kv = (await s.fetch(at(20))).signals["kv-requests"];
      expect(kv.status).toBe("failed");
      expect(kv.failure?.message).toBe(kv.problem);
      failures.push(kv.failure);
      stack.standIn.faults.clear();
    }
    expect(failures).toMatchObject([
      { reason: "forbidden", status: 403 },
      { reason: "throttled", status: 429 },
      { reason: "server", status: 503 },
    ]);
  });

  it("says why the tables could not be listed, too: the first query of a workspace", async () => {
    stack.standIn.faults.inject("logAnalytics", { kind: "status", status: 403 });
    const set = await source().fetch(at(20));
    for (const signal of Object.values(set.signals)) expect(signal.failure).toMatchObject({ reason: "forbidden" });
    expect(set.signals["kv-requests"].failure?.message).toMatch(/^finding the workspace's tables failed: /);
  });

  it("keeps the rows of a partial result but marks the signals degraded", async () => {
    const s = ticking(source());
    await s.fetch(at(19));
    stack.standIn.faults.inject("logAnalytics", { kind: "partial" });
    const kv = (await s.fetch(at(20))).signals["kv-requests"];
    expect(kv.status).toBe("degraded");
    expect(kv.rows.length).toBeGreaterThan(0);
    expect(kv.problem).toContain("PartialError");
    expect(kv.failure).toMatchObject({ reason: "partial" });
  });

  it("counts malformed rows and names the first, instead of reading them as zero", async () => {
    const s = ticking(source());
    await s.fetch(at(19));
    stack.standIn.faults.inject("logAnalytics", { kind: "malformed-rows" });
    const kv = (await s.fetch(at(20))).signals["kv-requests"];
    expect(kv.status).toBe("degraded");
    expect(kv.rows).toHaveLength(3);
    expect(kv.malformedRows).toBe(1);
    expect(kv.problem).toMatch(/1 malformed row\(s\) \(first: row \d+: counts\.total /);
  });

  it("gives up at its own deadline when the service hangs", async () => {
    stack.standIn.faults.inject("logAnalytics", { kind: "delay", ms: 5_000 });
    const set = await source({ clientTimeoutMs: 800 }).fetch(at(20));
    expect(set.signals["kv-requests"].problem).toMatch(/timed out|no answer within 800 ms/);
  });

  it("reads SLO window sums every tick and period sums once an hour, reusing them in between", async () => {
    const bodies: string[] = [];
    const s = ticking(source({ config: { sloPeriods: [1] }, sendRequest: (b) => bodies.push(b) }));
    const first = await s.fetch(at(20));
    const windows = first.signals["slo-windows"].rows[0]!;
    expect(windows.dims).toMatchObject({
      subject: "identity-vault",
      callerObjectId: KEY.callerObjectId,
      source: "AzureDiagnostics",
    });
    // 12 requests a minute, 2 of them denied.
    expect(windows.counts).toMatchObject({ total5m: 60, bad5m: 10, total1h: 720, bad1h: 120 });
    expect(first.signals["slo-period"].rows[0]!.counts).toEqual({ bad1d: 2880, total1d: 17280 });

    const queriesWithPeriod = () => bodies.filter((b) => b.includes("// leg: slo-period ")).length;
    expect(queriesWithPeriod()).toBe(1);
    const second = await s.fetch(at(25));
    expect(queriesWithPeriod()).toBe(1);
    expect(second.signals["slo-period"]).toMatchObject({ status: "ok", rows: first.signals["slo-period"].rows });
    await s.fetch(at(80));
    expect(queriesWithPeriod()).toBe(2);
  });

  it("sends marked queries, with the tick's window in the text and the API timespan covering it", async () => {
    const bodies: string[] = [];
    await source({ sendRequest: (b) => bodies.push(b) }).fetch(at(20));
    const [tables, signals] = bodies.map((b) => JSON.parse(b) as { query: string; timespan: string });
    expect(tables!.query.startsWith(TABLES_MARKER)).toBe(true);
    expect(signals!.query.startsWith(SIGNALS_MARKER)).toBe(true);
    expect(signals!.query).toContain(`let windowEnd = datetime(${at(20).toISOString()});`);
    expect(signals!.timespan.endsWith(`/${at(20).toISOString()}`)).toBe(true);
  });
});
