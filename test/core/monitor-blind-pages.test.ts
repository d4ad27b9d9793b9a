import { describe, expect, it } from "vitest";
import { evaluateMonitor, MONITOR_FINGERPRINT, monitorFix } from "../../src/core/monitor-findings.js";
import type { Incident, SignalOutcome, Trigger } from "../../src/core/model/index.js";
import type { IngestionStop } from "../../src/core/signals/ingestion.js";
import { anIncident } from "../fixtures/incidents.js";

/** When the monitor's own incident pages: blind to Key Vault data for two ticks in a row (ADR 0015). */

const COMPLETE: SignalOutcome = { status: "complete", rows: [] };
const FAILED: SignalOutcome = { status: "failed", problem: "Log Analytics answered 503" };
const CAPPED: IngestionStop = {
  since: new Date("2026-11-20T08:59:00Z"),
  cause: "daily-cap",
  dailyCapAt: new Date("2026-11-20T08:59:00Z"),
  tables: ["AzureDiagnostics"],
  problem: "no Key Vault data ingested since 08:59 UTC: the workspace's daily cap was reached at 08:59 UTC",
};

const openWith = (triggers: Trigger[], conditionFiring = true): Incident =>
  anIncident({
    id: MONITOR_FINGERPRINT,
    rule: "monitor",
    severity: "SEV-3",
    subject: { kind: "monitor" },
    triggers,
    conditionFiring,
  });

const severityOf = (es: ReturnType<typeof evaluateMonitor>) =>
  es[0]?.kind === "firing" ? es[0].severity : es[0]?.kind;

describe("the monitor's own incident: severity", () => {
  it("is a ticket (SEV-3) on the first tick that cannot see Key Vault data", () => {
    expect(severityOf(evaluateMonitor({ signal: FAILED, tokenProblem: undefined }, []))).toBe("SEV-3");
    expect(severityOf(evaluateMonitor({ signal: COMPLETE, tokenProblem: undefined, ingestionStop: CAPPED }, []))).toBe(
      "SEV-3",
    );
  });

  it("pages (SEV-2) when the tick before was blind too, whichever way", () => {
    const before = openWith([{ kind: "monitor", problem: "the workspace query failed", source: "workspace" }]);
    const now = evaluateMonitor({ signal: COMPLETE, tokenProblem: undefined, ingestionStop: CAPPED }, [before]);
    expect(severityOf(now)).toBe("SEV-2");
    expect(now[0]).toMatchObject({
      triggers: [{ kind: "monitor", source: "ingestion", stop: "daily-cap", problem: CAPPED.problem }],
    });
  });

  it("stays a ticket when only its own ARM token fails, or when the blind tick before had cleared", () => {
    const token = openWith([{ kind: "monitor", problem: "no token", source: "token" }]);
    expect(severityOf(evaluateMonitor({ signal: COMPLETE, tokenProblem: "no token" }, [token]))).toBe("SEV-3");
    const cleared = openWith([{ kind: "monitor", problem: "failed", source: "workspace" }], false);
    expect(severityOf(evaluateMonitor({ signal: FAILED, tokenProblem: undefined }, [cleared]))).toBe("SEV-3");
  });

  it("recovers once data arrives again", () => {
    const before = openWith([{ kind: "monitor", problem: CAPPED.problem, source: "ingestion", stop: "daily-cap" }]);
    expect(evaluateMonitor({ signal: COMPLETE, tokenProblem: undefined }, [before])[0]?.kind).toBe("recovered");
  });

  it("tells on-call to raise the daily cap when the workspace said it was reached", () => {
    const capped = openWith([{ kind: "monitor", problem: CAPPED.problem, source: "ingestion", stop: "daily-cap" }]);
    expect(monitorFix(capped)).toMatch(/daily cap: raise or remove the cap/);
    const unknown = openWith([{ kind: "monitor", problem: "no data", source: "ingestion", stop: "unknown" }]);
    expect(monitorFix(unknown)).toBeUndefined();
  });
});
