import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkHealth } from "../../src/app/check-health.js";
import { runTick } from "../../src/app/run-tick.js";
import { freshPrefix, recordingLogger, startStack, type Stack } from "../harness/stack.js";
import { steadyTraffic } from "../fixtures/traffic.js";
import { at } from "../fixtures/incidents.js";

// A caller whose normal is 10% denials, for weeks: its learned baseline calls that normal, while
// the static floor (5 failures, 5%) alone would call it failing.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ traffic: steadyTraffic(() => ({ ok: 18, denied: 2 })) });
});
afterAll(() => stack.close());

describe("/api/health on Flex Consumption, where HTTP functions scale apart from the timer", () => {
  it("answers the same on a fresh instance as on the instance that ticks", async () => {
    const state = { STATE_TABLE_PREFIX: freshPrefix() };
    const ticking = stack.runtime({ clock: () => at(20) }, state);
    const report = await runTick(ticking, recordingLogger());
    expect(report.firing).toBe(0);

    // Another instance of the same app: same settings and store, nothing in memory.
    const fresh = stack.runtime({ clock: () => at(20) }, state);
    const [onTicking, onFresh] = await Promise.all([
      checkHealth(ticking, { live: true }),
      checkHealth(fresh, { live: true }),
    ]);
    expect(onTicking.live.status).toBe("ran");
    expect(onFresh).toEqual(onTicking);
    expect(onFresh.status).toBe("healthy");
    // Judged by its learned normal, not by the static floor that a fresh instance used to fall back on.
    expect(onFresh.targets).toHaveLength(1);
    expect(onFresh.targets[0]).toMatchObject({ incidentId: null, severity: null });
    expect(onFresh.targets[0]?.failures).toBeGreaterThan(0);
    expect(onFresh.targets[0]?.status).not.toBe("failing");
  });

  it("keeps what the workspace query may reuse in the store, so the next tick on any instance reuses it", async () => {
    const state = { STATE_TABLE_PREFIX: freshPrefix() };
    const first = await runTick(stack.runtime({ clock: () => at(20) }, state), recordingLogger());
    // A new instance ticks next: the tables the first one listed come from the heartbeat, not from memory.
    const next = await runTick(stack.runtime({ clock: () => at(25) }, state), recordingLogger());
    expect([first.requests, next.requests]).toEqual([2, 1]);
  });

  it("says why the monitor cannot see: a 403 from the workspace is kept as the missing Reader role", async () => {
    const state = { STATE_TABLE_PREFIX: freshPrefix() };
    stack.standIn.faults.inject("logAnalytics", {
      kind: "status",
      status: 403,
      body: {
        error: { code: "InsufficientAccessError", message: "The provided credentials have insufficient access" },
      },
    });
    await runTick(stack.runtime({ clock: () => at(20) }, state), recordingLogger());
    const report = await checkHealth(stack.runtime({ clock: () => at(21) }, state), { live: false });
    expect(report.status).not.toBe("healthy");
    expect(report.monitor.signals["kv-requests"]).toMatchObject({ status: "failed", reason: "forbidden" });
  });
});
