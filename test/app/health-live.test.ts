import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkHealth } from "../../src/app/check-health.js";
import { runTick } from "../../src/app/run-tick.js";
import { freshPrefix, recordingLogger, startStack, type Stack } from "../harness/stack.js";
import { steadyTraffic } from "../fixtures/traffic.js";
import { at } from "../fixtures/incidents.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ traffic: steadyTraffic(() => ({ ok: 20 })) });
});
afterAll(() => stack.close());
beforeEach(() => stack.standIn.faults.clear());

const laRequests = () => stack.standIn.requests.filter((r) => r.endpoint === "logAnalytics").length;

describe("the on-demand health check", () => {
  it("answers within its budget when the workspace is slow, saying it shows the last tick", async () => {
    const rt = stack.runtime({ clock: () => at(20) }, { STATE_TABLE_PREFIX: freshPrefix() });
    await runTick(rt, recordingLogger());
    stack.standIn.faults.inject("logAnalytics", { kind: "delay", ms: 3_000 });
    const started = Date.now();
    const report = await checkHealth(rt, { live: true, budgetMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_500); // did not wait for the slow query
    expect(report).toMatchObject({ status: "degraded", httpStatus: 503, live: { status: "timed-out" } });
    expect(report.reasons).toContain("the live check did not finish within 0.3 s; showing the last tick");
  });

  it("queries the workspace once a minute at most, however often it is probed", async () => {
    const rt = stack.runtime({ clock: () => at(20) }, { STATE_TABLE_PREFIX: freshPrefix() });
    await runTick(rt, recordingLogger());
    const before = laRequests();
    const reports = await Promise.all([1, 2, 3].map(() => checkHealth(rt, { live: true })));
    expect(reports.map((r) => r.live.status)).toEqual(["ran", "ran", "ran"]);
    expect(laRequests() - before).toBe(1);
  });
});
