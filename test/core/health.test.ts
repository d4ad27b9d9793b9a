import { describe, expect, it } from "vitest";
import { assessHealth } from "../../src/core/health.js";
import type { Evaluation } from "../../src/core/model/index.js";
import { aNotice } from "../fixtures/notices.js";
import { anIncident, at, SUBJECT, someCounts } from "../fixtures/incidents.js";
import { aHeartbeat as beat } from "../fixtures/heartbeat.js";

describe("health", () => {
  it("is healthy (200) only with a fresh, complete tick and nothing open", () => {
    const r = assessHealth({ now: at(5), heartbeat: beat(), incidents: [], staleAfterMinutes: 15 });
    expect(r).toMatchObject({ status: "healthy", httpStatus: 200, targets: [] });
  });

  it.each([
    ["no tick has run yet", undefined, "has not completed a tick"],
    [
      "the last query failed",
      beat({ signalStatus: "failed", problem: "Log Analytics answered 403" }),
      "query failed: Log Analytics answered 403",
    ],
    ["the last query was partial", beat({ signalStatus: "partial", problem: "limit" }), "partial results"],
  ])("is degraded (503) when %s", (_, heartbeat, reason) => {
    const r = assessHealth({ now: at(5), heartbeat, incidents: [], staleAfterMinutes: 15 });
    expect(r.status).toBe("degraded");
    expect(r.httpStatus).toBe(503);
    expect(r.reasons.join("\n")).toContain(reason);
  });

  it("is unhealthy (503) when the last tick is stale: a monitor that stopped is an outage of the monitoring", () => {
    const r = assessHealth({ now: at(5), heartbeat: beat({ tickAt: at(-30) }), incidents: [], staleAfterMinutes: 15 });
    expect(r).toMatchObject({ status: "unhealthy", httpStatus: 503, monitor: { fresh: false } });
    expect(r.reasons.join("\n")).toContain("stale after 15");
  });

  it("reports every target the live check judged, and is unhealthy when one fails now without an incident yet", () => {
    const ev = (kind: "firing" | "recovered", callerObjectId: string): Evaluation =>
      kind === "firing"
        ? {
            kind,
            rule: "kv-auth-denied",
            subject: { ...SUBJECT, callerObjectId },
            fingerprint: callerObjectId,
            counts: someCounts(),
            severity: "SEV-2",
            severityReason: "",
            triggers: [],
          }
        : {
            kind,
            rule: "kv-auth-denied",
            subject: { ...SUBJECT, callerObjectId },
            fingerprint: callerObjectId,
            counts: someCounts({ failures: 0 }),
            successesInConfirmation: 10,
          };
    const ok = assessHealth({
      now: at(5),
      heartbeat: beat(),
      incidents: [],
      staleAfterMinutes: 15,
      live: { status: "ran", at: at(5), partial: false, evaluations: [ev("recovered", "a")] },
    });
    expect(ok).toMatchObject({
      status: "healthy",
      live: { status: "ran" },
      targets: [{ status: "ok", vault: "kv-app", incidentId: null }],
    });
    const failing = assessHealth({
      now: at(5),
      heartbeat: beat(),
      incidents: [],
      staleAfterMinutes: 15,
      live: { status: "ran", at: at(5), partial: false, evaluations: [ev("recovered", "a"), ev("firing", "b")] },
    });
    expect(failing.status).toBe("unhealthy");
    expect(failing.targets.map((t) => t.status).sort()).toEqual(["failing", "ok"]);
    expect(failing.reasons[0]).toMatch(/^failing now \(live check\): Key Vault access denied/);
  });

  it("is degraded when the live check cannot finish within its budget, and says it shows the last tick", () => {
    const r = assessHealth({
      now: at(5),
      heartbeat: beat(),
      incidents: [],
      staleAfterMinutes: 15,
      live: { status: "timed-out", budgetMs: 20_000 },
    });
    expect(r).toMatchObject({ status: "degraded", live: { status: "timed-out" } });
    expect(r.reasons).toContain("the live check did not finish within 20 s; showing the last tick");
  });

  it("is unhealthy (503) with one target per open incident, naming vault and identity", () => {
    const r = assessHealth({
      now: at(5),
      heartbeat: beat(),
      incidents: [anIncident({ severity: "SEV-1" })],
      staleAfterMinutes: 15,
    });
    expect(r.status).toBe("unhealthy");
    expect(r.targets).toEqual([
      expect.objectContaining({
        vault: "kv-app",
        identity: "id-app (user-assigned identity)",
        severity: "SEV-1",
        status: "failing",
      }),
    ]);
  });

  it("reports a signal the workspace cannot feed as a coverage gap, not as a fault", () => {
    const signals = {
      "kv-requests": { status: "ok" as const, problem: undefined },
      "host-startup": { status: "unavailable" as const, problem: "no FunctionAppLogs data" },
    };
    const r = assessHealth({ now: at(5), heartbeat: beat({ signals }), incidents: [], staleAfterMinutes: 15 });
    expect(r.status).toBe("healthy");
    expect(r.monitor.coverageGaps).toEqual(["host-startup: no FunctionAppLogs data"]);
  });

  it("is degraded when any queried signal is unknown", () => {
    const signals = {
      "kv-requests": { status: "ok" as const, problem: undefined },
      "dependency-calls": { status: "degraded" as const, problem: "2 malformed row(s)" },
    };
    const r = assessHealth({ now: at(5), heartbeat: beat({ signals }), incidents: [], staleAfterMinutes: 15 });
    expect(r.status).toBe("degraded");
    expect(r.reasons).toContain("the dependency-calls signal is degraded: 2 malformed row(s)");
  });

  it("is unhealthy while an SLO burns its budget, with the tier and the budget left", () => {
    const slos = [
      {
        name: "orders-storage",
        kind: "app-dependency" as const,
        status: "firing" as const,
        firing: "page-fast: 25.0x and 25.0x above 14.4x",
        budgetRemaining: 0.4,
        hoursToExhaustion: 11.5,
      },
    ];
    const r = assessHealth({ now: at(5), heartbeat: beat({ slos }), incidents: [], staleAfterMinutes: 15 });
    expect(r).toMatchObject({ status: "unhealthy", httpStatus: 503, slos });
    expect(r.reasons).toContain(
      "SLO orders-storage is burning its error budget (page-fast: 25.0x and 25.0x above 14.4x)",
    );
  });

  it("reports a monitor lacking Reader as a monitor problem (degraded), not as a failing vault", () => {
    const controlPlane = {
      checkedAt: at(0),
      problem: undefined,
      armRequests: 3,
      probesFailed: 0,
      vaults: [],
      findings: [],
      monitorProblems: [
        "the monitor's identity lacks Reader on /subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv-app",
      ],
    };
    const r = assessHealth({ now: at(5), heartbeat: beat({ controlPlane }), incidents: [], staleAfterMinutes: 15 });
    expect(r.status).toBe("degraded");
    expect(r.targets).toEqual([]);
    expect(r.reasons).toContain(
      "control plane (the monitor itself): the monitor's identity lacks Reader on /subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv-app",
    );
  });

  it("is unhealthy on a missing role, degraded on a blind spot, and quiet on an over-broad role", () => {
    const finding = (kind: string, severity: "SEV-2" | "SEV-3" | "SEV-4", summary: string) => ({
      kind,
      severity,
      summary,
      hypothesis: undefined,
      vaultResourceId: "v",
    });
    const cp = (f: ReturnType<typeof finding>) => ({
      checkedAt: at(0),
      problem: undefined,
      armRequests: 3,
      probesFailed: 0,
      vaults: [],
      monitorProblems: [],
      findings: [f],
    });
    const status = (f: ReturnType<typeof finding>) =>
      assessHealth({ now: at(5), heartbeat: beat({ controlPlane: cp(f) }), incidents: [], staleAfterMinutes: 15 })
        .status;
    expect(status(finding("role-missing", "SEV-2", "id-app has no Key Vault Secrets User on kv-app"))).toBe(
      "unhealthy",
    );
    expect(status(finding("blind-spot", "SEV-3", "kv-app sends no AuditEvent to a workspace the monitor reads"))).toBe(
      "degraded",
    );
    expect(
      status(finding("role-over-broad", "SEV-4", "id-app holds Key Vault Administrator where Secrets User is enough")),
    ).toBe("healthy");
  });

  it("counts notifications stuck in the outbox as a monitor problem", () => {
    const stuck = anIncident({ state: "resolved" });
    stuck.outbox = [
      {
        ...aNotice("resolved", stuck),
        channel: "teams",
        attempts: 3,
        lastError: "server: 500",
        claimedUntil: undefined,
        nextAttemptAt: at(6),
      },
    ];
    const r = assessHealth({ now: at(5), heartbeat: beat(), incidents: [stuck], staleAfterMinutes: 15 });
    expect(r.status).toBe("degraded");
    expect(r.monitor.undeliveredNotifications).toBe(1);
  });
});
