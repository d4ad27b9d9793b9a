import { describe, expect, it } from "vitest";
import { assessHealth } from "../../src/core/health.js";
import { evaluateMonitor, MONITOR_FINGERPRINT } from "../../src/core/monitor-findings.js";
import type { Incident, QueryFailureReason, SignalOutcome } from "../../src/core/model/index.js";
import { runbookFor } from "../../src/core/runbook/runbook.js";
import { anIncident, at } from "../fixtures/incidents.js";

const PROBLEM =
  "Log Analytics answered 403 InsufficientAccessError: The provided credentials have insufficient access (the monitor's identity needs Log Analytics Reader on the workspace)";

const failed = (reason: QueryFailureReason, status: number): SignalOutcome => ({
  status: "failed",
  problem: PROBLEM,
  failure: { reason, message: PROBLEM, status },
});

/** The monitor's own incident, firing because the workspace query failed for `cause`. */
function blind(cause: QueryFailureReason | undefined): Incident {
  return anIncident({
    id: MONITOR_FINGERPRINT,
    rule: "monitor",
    severity: "SEV-3",
    triggers: [
      {
        kind: "monitor",
        problem: "the workspace query failed: …",
        source: "workspace",
        ...(cause ? { cause } : {}),
      },
    ],
  });
}

describe("the monitor's own incident, when the workspace query says why it failed", () => {
  it("keeps the reason next to the unchanged problem text", () => {
    const [e] = evaluateMonitor({ signal: failed("forbidden", 403), tokenProblem: undefined }, []);
    expect(e).toMatchObject({
      kind: "firing",
      rule: "monitor",
      triggers: [
        { kind: "monitor", problem: `the workspace query failed: ${PROBLEM}`, source: "workspace", cause: "forbidden" },
      ],
    });
  });

  it("leads the runbook with granting Log Analytics Reader when the query answered 403", () => {
    const [first] = runbookFor(blind("forbidden"));
    expect(first?.title).toMatch(/answered 403: grant the monitor's identity Log Analytics Reader on the workspace/);
    expect(first?.command).toBe(
      'az role assignment create --assignee <AZURE_CLIENT_ID> --role "Log Analytics Reader" --scope <LOG_ANALYTICS_WORKSPACE_RESOURCE_ID>',
    );
  });

  it("points at the quota, not at the role, when the query answered 429", () => {
    const steps = runbookFor(blind("throttled"));
    expect(steps[0]?.title).toMatch(/200 requests per 30 s per identity/);
    expect(steps.map((s) => s.command ?? "").join("\n")).not.toContain("az role assignment create");
  });

  it("keeps the general steps when the failure gives no fix (a 5xx, or a record without a reason)", () => {
    const general = runbookFor(blind(undefined)).map((s) => s.title);
    expect(runbookFor(blind("server")).map((s) => s.title)).toEqual(general);
    expect(general[0]).toBe("Run a query as the monitor would, to see the error yourself");
  });

  it("says in /api/health that the monitor lacks Log Analytics Reader", () => {
    const r = assessHealth({
      now: at(5),
      heartbeat: undefined,
      incidents: [blind("forbidden")],
      staleAfterMinutes: 15,
    });
    expect(r.reasons[0]).toContain(
      "the query answered 403: the monitor's identity lacks Log Analytics Reader on the workspace",
    );
  });
});
