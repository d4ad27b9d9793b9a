import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTick } from "../../src/app/run-tick.js";
import { checkHealth } from "../../src/app/check-health.js";
import { startStack, recordingLogger, type Stack } from "../harness/stack.js";
import { steadyTraffic } from "../fixtures/traffic.js";
import { at } from "../fixtures/incidents.js";

// The monitor is configured with a user-assigned identity the platform does not have (a typo in
// AZURE_CLIENT_ID, or the identity was detached from the Function App).
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    traffic: steadyTraffic(() => ({ ok: 1, denied: 50 })),
    env: { AZURE_CLIENT_ID: "deadbeef-0000-4000-8000-000000000000" },
  });
});
afterAll(() => stack.close());

describe("when the monitor's own identity cannot get a token", () => {
  it("reports a monitor problem, opens no vault incident, and health says why", async () => {
    const rt = stack.runtime({ clock: () => at(20) });
    const log = recordingLogger();
    const report = await runTick(rt, log);
    expect(report.signal).toBe("failed");
    expect(report.problem).toMatch(
      /^finding the workspace's tables failed: the monitor could not get a token for Log Analytics: ManagedIdentityCredential/,
    );
    expect(report.openIncidents).toBe(0);
    expect(stack.standIn.requests.filter((r) => r.endpoint === "logAnalytics")).toEqual([]);

    const health = await checkHealth(rt);
    expect(health).toMatchObject({ status: "degraded", httpStatus: 503 });
    expect(health.reasons[0]).toContain(
      "the last Key Vault query failed: finding the workspace's tables failed: the monitor could not get a token",
    );
  });
});
