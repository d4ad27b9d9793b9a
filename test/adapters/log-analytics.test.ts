import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import { ManagedIdentityCredential } from "@azure/identity";
import { createKvRequestSource } from "../../src/adapters/log-analytics.js";
import { KV_REQUESTS_MARKER } from "../../src/queries/kv-requests.kql.js";
import { redirectTo } from "../../src/standin/redirect.js";
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

/** The real client and credential, with a client-side timeout short enough for a test. */
function source(clientTimeoutMs = 20_000) {
  const client = new LogsQueryClient(new ManagedIdentityCredential({ clientId: MONITOR_CLIENT_ID }), {
    httpClient: redirectTo(stack.standIn.url),
    retryOptions: { maxRetries: 2, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
  });
  return createKvRequestSource({ client, workspaceId: WORKSPACE_ID, table: "AzureDiagnostics", binMinutes: 5, lookbackMinutes: 20, serverTimeoutSeconds: 60, clientTimeoutMs });
}

const laRequests = () => stack.standIn.requests.filter((r) => r.endpoint === "logAnalytics");

describe("the Key Vault request signal through LogsQueryClient", () => {
  it("maps the REST response into bins per vault and caller, without the 401 challenge", async () => {
    const outcome = await source().fetch(at(20));
    expect(outcome.status).toBe("complete");
    if (outcome.status !== "complete") return;
    expect(outcome.rows).toHaveLength(4);
    const first = outcome.rows.find((r) => r.binStart.getTime() === at(0).getTime());
    expect(first).toEqual({
      binStart: at(0), vaultResourceId: KEY.vaultResourceId, callerObjectId: KEY.callerObjectId, callerAppId: KEY.callerAppId,
      callerResourceId: KEY.callerResourceId, total: 60, succeeded: 50, unauthorized: 0, forbidden: 10, throttled: 0, other: 0, operations: ["SecretGet"],
    });
    expect(outcome.rows.every((r) => r.callerObjectId !== "")).toBe(true);
  });

  it("makes one query request per tick, with the time range as the API's timespan", async () => {
    await source().fetch(at(20));
    expect(laRequests()).toHaveLength(1);
    expect(laRequests()[0]).toMatchObject({ method: "POST", path: `/v1/workspaces/${WORKSPACE_ID}/query`, status: 200 });
  });

  it("rides out a 429 with Retry-After through the client's own retry", async () => {
    stack.standIn.faults.inject("logAnalytics", { kind: "status", status: 429, retryAfterSeconds: 1 });
    const outcome = await source().fetch(at(20));
    expect(outcome.status).toBe("complete");
    expect(laRequests().map((r) => r.status)).toEqual([429, 200]);
  });

  it("reports a query that keeps failing as failed, with the status and a hint, never as healthy", async () => {
    stack.standIn.faults.inject("logAnalytics", { kind: "status", status: 503, retryAfterSeconds: 0 }, 3);
    const outcome = await source().fetch(at(20));
    expect(outcome).toMatchObject({ status: "failed" });
    expect(outcome.status === "failed" && outcome.problem).toMatch(/^Log Analytics answered 503/);
    expect(laRequests()).toHaveLength(3);
  });

  it("explains a 403 as the monitor's missing Log Analytics Reader role", async () => {
    stack.standIn.faults.inject("logAnalytics", { kind: "status", status: 403, body: { error: { code: "InsufficientAccessError", message: "The provided credentials have insufficient access to perform the requested operation" } } });
    const outcome = await source().fetch(at(20));
    expect(outcome.status === "failed" && outcome.problem).toContain("needs Log Analytics Reader on the workspace");
  });

  it("keeps the rows of a partial result but marks the signal partial", async () => {
    stack.standIn.faults.inject("logAnalytics", { kind: "partial" });
    const outcome = await source().fetch(at(20));
    expect(outcome.status).toBe("partial");
    if (outcome.status !== "partial") return;
    expect(outcome.rows.length).toBeGreaterThan(0);
    expect(outcome.problem).toContain("PartialError");
  });

  it("counts malformed rows and names the first, instead of reading them as zero", async () => {
    stack.standIn.faults.inject("logAnalytics", { kind: "malformed-rows" });
    const outcome = await source().fetch(at(20));
    expect(outcome.status).toBe("partial");
    if (outcome.status !== "partial") return;
    expect(outcome.rows).toHaveLength(3);
    expect(outcome.problem).toMatch(/1 of 4 rows were malformed \(first: row 0: Total /);
  });

  it("gives up at its own deadline when the service hangs", async () => {
    stack.standIn.faults.inject("logAnalytics", { kind: "delay", ms: 5_000 });
    const outcome = await source(800).fetch(at(20));
    expect(outcome.status === "failed" && outcome.problem).toMatch(/timed out|aborted/i);
  });

  it("surfaces a missing table as the diagnostic-setting problem it usually is", async () => {
    const client = new LogsQueryClient(new ManagedIdentityCredential({ clientId: MONITOR_CLIENT_ID }), { httpClient: redirectTo(stack.standIn.url) });
    const wrongMode = createKvRequestSource({ client, workspaceId: WORKSPACE_ID, table: "AZKVAuditLogs", binMinutes: 5, lookbackMinutes: 20, serverTimeoutSeconds: 60, clientTimeoutMs: 10_000 });
    const outcome = await wrongMode.fetch(at(20));
    expect(outcome.status === "failed" && outcome.problem).toContain("'AZKVAuditLogs' could not be resolved");
  });

  it("sends the query text with its marker line, so it can be found in LAQueryLogs", async () => {
    let body = "";
    const capture = redirectTo(stack.standIn.url);
    const client = new LogsQueryClient(new ManagedIdentityCredential({ clientId: MONITOR_CLIENT_ID }), {
      httpClient: { sendRequest: (req) => ((body = String(req.body ?? "")), capture.sendRequest(req)) },
    });
    await createKvRequestSource({ client, workspaceId: WORKSPACE_ID, table: "AzureDiagnostics", binMinutes: 5, lookbackMinutes: 20, serverTimeoutSeconds: 60, clientTimeoutMs: 10_000 }).fetch(at(20));
    const sent = JSON.parse(body) as { query: string; timespan: string };
    expect(sent.query.startsWith(KV_REQUESTS_MARKER)).toBe(true);
    expect(sent.timespan).toBe(`${at(0).toISOString()}/${at(20).toISOString()}`);
  });
});
