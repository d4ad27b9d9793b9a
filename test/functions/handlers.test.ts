import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpRequest, InvocationContext, type Timer } from "@azure/functions";
import { createHealthHandler } from "../../src/functions/handlers/health.js";
import { createMonitorHandler } from "../../src/functions/handlers/monitor.js";
import { monitorTimer } from "../../src/functions/monitor.js";
import { healthHttp } from "../../src/functions/health.js";
import { incidentsHttp } from "../../src/functions/incidents.js";
import { principalHeaders } from "../../src/functions/http/principal.js";
import { loadSettings } from "../../src/config/settings.js";
import { createRuntime } from "../../src/composition.js";
import { freshPrefix, startStack, type Stack } from "../harness/stack.js";
import { steadyTraffic } from "../fixtures/traffic.js";
import { at } from "../fixtures/incidents.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ traffic: steadyTraffic(() => ({ ok: 20 })) });
});
afterAll(() => stack.close());

function context(functionName: string) {
  const logs: [string, string][] = [];
  const ctx = new InvocationContext({
    invocationId: "0f8fad5b-d9cb-469f-a165-70867728950e",
    functionName,
    logHandler: (level, ...args) => logs.push([level, args.join(" ")]),
  });
  return { ctx, logs };
}

const timer = (isPastDue: boolean): Timer => ({
  isPastDue,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: at(-5).toISOString(), next: at(5).toISOString(), lastUpdated: at(-5).toISOString() },
});

const get = (path = "/api/health") => new HttpRequest({ method: "GET", url: `http://localhost:7071${path}` });

describe("the monitor timer handler", () => {
  it("runs a tick and logs a one-line summary against the invocation", async () => {
    const rt = stack.runtime({ clock: () => at(20) });
    const { ctx, logs } = context("monitor");
    await createMonitorHandler(() => rt)(timer(false), ctx);
    expect(logs.at(-1)).toEqual([
      "information",
      expect.stringMatching(
        /^tick 2026-11-20T01:20:00.000Z: signal complete; 1 series, 0 firing, 0 open incident\(s\); 0 notification\(s\) delivered/,
      ),
    ]);
  });

  it("warns when the timer is past due and still ticks", async () => {
    const rt = stack.runtime({ clock: () => at(25) });
    const { ctx, logs } = context("monitor");
    await createMonitorHandler(() => rt)(timer(true), ctx);
    expect(logs[0]).toEqual(["warning", expect.stringContaining("past due")]);
    expect(logs.at(-1)?.[1]).toMatch(/^tick /);
  });

  it("fails the invocation with a message naming the bad setting", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, stack.env, { LOG_ANALYTICS_WORKSPACE_ID: "law-prod" });
    try {
      const { ctx, logs } = context("monitor");
      await expect(monitorTimer(timer(false), ctx)).rejects.toThrow(
        /LOG_ANALYTICS_WORKSPACE_ID: expected the Log Analytics workspace ID/,
      );
      expect(logs).toEqual([
        [
          "error",
          expect.stringContaining(
            'LOG_ANALYTICS_WORKSPACE_ID: expected the Log Analytics workspace ID (a GUID such as 00000000-0000-0000-0000-000000000000) (got "law-prod")',
          ),
        ],
      ]);
    } finally {
      process.env = saved;
    }
  });
});

describe("the health handler", () => {
  it("answers 503 before the monitor has ticked, and 200 once a fresh tick found nothing wrong", async () => {
    let now = at(20);
    const rt = stack.runtime({ clock: () => now }, { STATE_TABLE_PREFIX: freshPrefix() });
    const health = createHealthHandler(() => rt);
    const before = await health(get(), context("health").ctx);
    expect(before.status).toBe(503);
    expect(before.jsonBody).toMatchObject({
      status: "degraded",
      reasons: ["the monitor has not completed a tick yet"],
    });

    await createMonitorHandler(() => rt)(timer(false), context("monitor").ctx);
    now = at(21);
    const after = await health(get(), context("health").ctx);
    expect(after).toMatchObject({
      status: 200,
      headers: { "cache-control": "no-store" },
      jsonBody: { status: "healthy", monitor: { fresh: true, signal: "complete", seriesObserved: 1 } },
    });
    // The live check ran the query now and judged the one caller healthy.
    expect(after.jsonBody).toMatchObject({
      live: { status: "ran" },
      targets: [expect.objectContaining({ status: "ok", vault: expect.any(String) })],
    });
    const lastTickOnly = await health(get("/api/health?live=false"), context("health").ctx);
    expect(lastTickOnly.jsonBody).toMatchObject({ live: { status: "not-run" }, targets: [] });

    now = at(60);
    const stale = await health(get(), context("health").ctx);
    expect(stale.status).toBe(503);
    expect(stale.jsonBody).toMatchObject({ status: "unhealthy", monitor: { fresh: false } });
  });

  it("refuses other methods with 405 and the reason", async () => {
    const res = await createHealthHandler(() => stack.runtime())(
      new HttpRequest({ method: "POST", url: "http://localhost/api/health" }),
      context("health").ctx,
    );
    expect(res).toMatchObject({ status: 405, jsonBody: { error: "method POST is not allowed; use GET" } });
  });

  it("answers 503 'misconfigured' with the settings problems, never 500", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, stack.env);
    delete process.env.TEAMS_WEBHOOK_URL;
    try {
      const res = await healthHttp(get(), context("health").ctx);
      expect(res.status).toBe(503);
      expect(res.jsonBody).toEqual({
        status: "misconfigured",
        reasons: [expect.stringContaining("TEAMS_WEBHOOK_URL: expected the Teams Workflows webhook URL")],
      });
    } finally {
      process.env = saved;
    }
  });

  it("answers 503 'degraded' when the state store cannot be reached", async () => {
    const env = {
      ...stack.env,
      STATE_STORAGE_CONNECTION_STRING:
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
    };
    const rt = createRuntime(loadSettings(env), env);
    const res = await createHealthHandler(() => rt)(get(), context("health").ctx);
    expect(res.status).toBe(503);
    expect(res.jsonBody).toMatchObject({
      status: "degraded",
      reasons: [expect.stringContaining("the state store could not be read")],
    });
    expect(JSON.stringify(res.jsonBody)).not.toContain("AccountKey");
  });
});

describe("the registered incidents API", () => {
  // The deployed handlers decide from the platform's own variable whether sign-in headers are real.
  const ack = (headers: Record<string, string>) =>
    incidentsHttp.ack(
      new HttpRequest({
        method: "POST",
        url: "http://localhost:7071/api/incidents/0123456789abcdef/ack",
        params: { id: "0123456789abcdef" },
        headers: { "content-type": "application/json", ...headers },
        body: { string: "{}" },
      }),
      context("incident-ack").ctx,
    );
  const responder = principalHeaders({ name: "alice@contoso.com", objectId: undefined, roles: ["Responder"] });

  it("believes principal headers only when the platform set WEBSITE_AUTH_ENABLED=True", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, stack.env, { STATE_TABLE_PREFIX: freshPrefix() });
    try {
      delete process.env.WEBSITE_AUTH_ENABLED;
      expect(await ack(responder)).toMatchObject({
        status: 401,
        jsonBody: { reason: expect.stringContaining("WEBSITE_AUTH_ENABLED is not True") },
      });
      process.env.WEBSITE_AUTH_ENABLED = "True";
      // Authorized, so the request reaches the store: there is no such incident.
      expect(await ack(responder)).toMatchObject({ status: 404 });
      expect(await ack({})).toMatchObject({ status: 401 });
    } finally {
      process.env = saved;
    }
  });
});
