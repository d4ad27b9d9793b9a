import { describe, expect, it } from "vitest";
import { assessHealth } from "../../src/core/health.js";
import type { Heartbeat } from "../../src/core/model/index.js";
import { appTelemetryGaps } from "../../src/core/signals/app-telemetry-gaps.js";
import { planSignals } from "../../src/core/queries/plan.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { appDependency, appRequest } from "../../tools/emulator/records/app-insights.js";
import { LogStore } from "../../tools/emulator/store.js";
import { DEFAULT_CONFIG, emulatedSignals } from "../harness/emulated-source.js";

/**
 * Saying what the workspace lacks: a table with no data names the setting or SDK that fills it,
 * and an app whose requests arrive but whose dependency calls do not is named, with the SDK it lacks.
 */

const NOW = new Date("2026-11-20T02:00:00Z");
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);

const beat = (signals: Heartbeat["signals"]): Heartbeat => ({
  tickAt: NOW,
  signalStatus: "complete",
  problem: undefined,
  seriesObserved: 1,
  openIncidents: 0,
  undelivered: 0,
  signals,
  requests: 1,
  slos: [],
  controlPlane: undefined,
});

describe("what the workspace must have", () => {
  it("names, in /api/health, an app whose invocations arrive but whose dependency calls do not, and the SDK it lacks", async () => {
    const s = new LogStore({ delays: fixedDelays(1) });
    for (const t of ["AppRequests", "AppDependencies"]) s.declare(t);
    for (const app of ["func-orders", "func-billing"])
      s.add("AppRequests", appRequest({ at: min(-8), appRoleName: app, name: "Run", success: true, resultCode: "0" }), {
        count: 20,
      });
    // Only the .NET in-process app's calls are tracked; the Node.js app sends no dependency.
    s.add(
      "AppDependencies",
      appDependency({
        at: min(-8),
        appRoleName: "func-orders",
        target: "kv-orders.vault.azure.net",
        dependencyType: "HTTP",
        resultCode: "200",
        success: true,
      }),
      { count: 20 },
    );
    const set = await emulatedSignals(s, { config: { sloPeriods: [] } }).fetch(NOW);
    const gaps = appTelemetryGaps(set);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatch(
      /^func-billing: .*AppDependencies.*Application Insights SDK or the Azure Monitor OpenTelemetry/,
    );

    const deps = set.signals["dependency-calls"];
    const health = assessHealth({
      now: NOW,
      heartbeat: beat({ "dependency-calls": { status: deps.status, problem: deps.problem, gaps } }),
      incidents: [],
      staleAfterMinutes: 15,
    });
    expect(health.status).toBe("healthy");
    expect(health.monitor.coverageGaps).toEqual([`dependency-calls: ${gaps[0]}`]);
  });

  it("says nothing of an app that did not run, or when the dependency signal is not known", async () => {
    const s = new LogStore({ delays: fixedDelays(1) });
    s.declare("AppRequests");
    s.add(
      "AppRequests",
      appRequest({ at: min(-8), appRoleName: "func-billing", name: "Run", success: true, resultCode: "0" }),
    );
    // No AppDependencies table at all: the signal is unavailable, which the plan already explains.
    const set = await emulatedSignals(s, { config: { sloPeriods: [] } }).fetch(NOW);
    expect(set.signals["dependency-calls"].status).toBe("unavailable");
    expect(appTelemetryGaps(set)).toEqual([]);
  });

  it("explains a missing App Insights table by what fills it, per language", () => {
    const plan = planSignals(DEFAULT_CONFIG, new Set(["AzureDiagnostics", "AppRequests"]));
    expect(plan.unavailable["dependency-calls"]).toMatch(
      /^no AppDependencies data .*only for \.NET in-process apps, so Node\.js, Python and isolated \.NET apps need the Application Insights SDK or the Azure Monitor OpenTelemetry distro/,
    );
    expect(plan.unavailable["credential-traces"]).toMatch(/^no AppTraces or AppExceptions data/);
    // One of the two credential tables is enough.
    const withExceptions = planSignals(DEFAULT_CONFIG, new Set(["AzureDiagnostics", "AppExceptions"]));
    expect(withExceptions.unavailable["credential-traces"]).toBeUndefined();
    expect(withExceptions.workspaceLegs.map((l) => `${l.signal}:${l.table}`)).toContain(
      "credential-traces:AppExceptions",
    );
  });
});
