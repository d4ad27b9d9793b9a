import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import { ManagedIdentityCredential } from "@azure/identity";
import { createSignalSource } from "../../src/adapters/log-analytics.js";
import type { SignalConfig } from "../../src/core/queries/plan.js";
import { FixtureWorkspace } from "../../tools/standin/workspace.js";
import { redirectTo } from "../../tools/standin/redirect.js";
import { DETECTED_TABLES } from "../../src/core/queries/signals-query.js";
import { startStack, MONITOR_CLIENT_ID, WORKSPACE_ID, type Stack } from "../harness/stack.js";
import { signalsResponse } from "../fixtures/signals-response.js";
import { at } from "../fixtures/incidents.js";

const workspace = new FixtureWorkspace([...DETECTED_TABLES], signalsResponse());
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ workspace });
});
afterAll(() => stack.close());
beforeEach(() => {
  workspace.body = signalsResponse();
  stack.standIn.requests.length = 0;
});

const AI_RESOURCE =
  "/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61/resourceGroups/rg-obs/providers/microsoft.insights/components/ai-orders";

function source(config: Partial<SignalConfig> = {}) {
  const client = new LogsQueryClient(new ManagedIdentityCredential({ clientId: MONITOR_CLIENT_ID }), {
    httpClient: redirectTo(stack.standIn.url),
  });
  return createSignalSource({
    client,
    workspaceId: WORKSPACE_ID,
    lookbackMinutes: 20,
    serverTimeoutSeconds: 60,
    clientTimeoutMs: 10_000,
    config: {
      keyVaultAuditTable: "auto",
      appInsights: { mode: "workspace" },
      binMinutes: 5,
      windowMinutes: 15,
      priorHours: 6,
      changesMinutes: 120,
      sloPeriods: [],
      ...config,
    },
  });
}

describe("the six signals, mapped from the exact REST shape through the real client", () => {
  it("arrive typed, each with its coverage and an ok status", async () => {
    const set = await source().fetch(at(20));
    expect(Object.fromEntries(Object.entries(set.signals).map(([n, s]) => [n, s.status]))).toEqual({
      "kv-requests": "ok",
      "dependency-calls": "ok",
      "credential-traces": "ok",
      invocations: "ok",
      "host-startup": "ok",
      changes: "ok",
      // No SLOs configured in this test.
      "slo-windows": "unavailable",
      "slo-period": "unavailable",
      // History for the baselines is read only when asked for.
      "kv-history": "no-data",
      "vault-coverage": "ok",
      "group-membership": "ok",
    });
    const s = set.signals;
    expect(s["kv-requests"].rows[0]!.counts).toMatchObject({
      forbiddenRbac: 20,
      forbiddenPolicy: 5,
      forbiddenFirewall: 5,
    });
    expect(s["kv-requests"].rows[0]!.binStart).toEqual(new Date("2026-11-20T01:05:00Z"));
    expect(s["dependency-calls"].rows[0]!.dims.targetKind).toBe("keyvault");
    expect(s["dependency-calls"].rows[0]!.counts).toMatchObject({
      forbidden: 20,
      timeouts: 2,
      connectionFailures: 1,
      serverErrors: 1,
    });
    expect(s["credential-traces"].rows[0]).toMatchObject({
      dims: { errorClass: "invalid-audience" },
      sample: expect.stringContaining("AADSTS500011"),
    });
    expect(s.invocations.rows[0]!.counts).toEqual({
      windowTotal: 0,
      windowFailed: 0,
      priorTotal: 480,
      priorActiveBins: 24,
      priorBins: 24,
    });
    expect(s["host-startup"].rows[0]!.dims.authRelated).toBe(true);
    expect(s.changes.rows[0]).toMatchObject({
      dims: { kind: "role-assignment-delete", principalId: "oid-1" },
      firstAt: new Date("2026-11-20T01:00:12Z"),
    });
    expect(s["group-membership"].rows[0]).toMatchObject({
      dims: { change: "removed", memberObjectId: "oid-1", groupName: "grp-kv-a-readers" },
      firstAt: new Date("2026-11-20T01:02:41Z"),
    });
    expect(set.modelVersion).toBe(3);
  });

  it("degrades only the signal whose row is malformed, and counts it", async () => {
    workspace.body = signalsResponse([
      [
        "credential-traces",
        "data",
        "2026-11-20T01:10:00Z",
        JSON.stringify({ appRoleName: "x", errorClass: "gremlins" }),
        JSON.stringify({ events: 1 }),
        "",
        null,
        null,
      ],
      [
        "dependency-calls",
        "data",
        "2026-11-20T01:10:00Z",
        JSON.stringify({ appRoleName: "x", target: "t", dependencyType: "HTTP", targetKind: "other" }),
        JSON.stringify({ total: -1 }),
        "",
        null,
        null,
      ],
    ]);
    const set = await source().fetch(at(20));
    expect(set.signals["credential-traces"]).toMatchObject({
      status: "degraded",
      malformedRows: 1,
      problem: expect.stringContaining("dims.errorClass"),
    });
    expect(set.signals["dependency-calls"]).toMatchObject({ status: "degraded", malformedRows: 1 });
    expect(set.signals["credential-traces"].rows).toHaveLength(1);
    expect(set.signals["kv-requests"].status).toBe("ok");
  });

  it("reads a quiet signal as no-data, which is known, not as unknown", async () => {
    const body = signalsResponse();
    body.tables[0]!.rows = body.tables[0]!.rows.filter((r) => r[0] !== "host-startup" || r[1] === "coverage").map(
      (r) => (r[0] === "host-startup" ? [...r.slice(0, 4), JSON.stringify({ events: 0 }), ...r.slice(5)] : r),
    );
    workspace.body = body;
    expect((await source().fetch(at(20))).signals["host-startup"]).toMatchObject({ status: "no-data", rows: [] });
  });

  it("asks a classic Application Insights resource in a second request", async () => {
    const set = await source({ appInsights: { mode: "classic", resourceId: AI_RESOURCE } }).fetch(at(20));
    expect(set.requests).toBe(3);
    const paths = stack.standIn.requests.filter((r) => r.endpoint === "logAnalytics").map((r) => r.path);
    expect(paths).toEqual([
      `/v1/workspaces/${WORKSPACE_ID}/query`,
      `/v1/workspaces/${WORKSPACE_ID}/query`,
      `/v1${AI_RESOURCE}/query`,
    ]);
    expect(set.signals["dependency-calls"].status).toBe("ok");
  });
});
