import { describe, expect, it } from "vitest";
import { analyze, globalsFor } from "../kusto/language-service.js";
import { WORKSPACE_FULL } from "../kusto/schemas.js";
import { evidenceKql, runbookFor } from "../../src/core/runbook/runbook.js";
import { evidenceWindow } from "../../src/core/portal-link.js";
import { snapshotOf } from "../../src/core/model/incidents.js";
import type { Incident, IncidentSnapshot } from "../../src/core/model/index.js";
import { anIncident, at, KEY, SUBJECT, someCounts } from "../fixtures/incidents.js";

const RANGE = { start: at(-60), end: at(40) };
const snap = (o: Partial<Incident> = {}): IncidentSnapshot => snapshotOf(anIncident(o));

describe("the evidence query of an incident", () => {
  it("is the Key Vault audit query for a 401-heavy denial, not the audience query the runbook starts with", () => {
    const s = snap({ counts: someCounts({ unauthorized: 80, forbidden: 10 }) });
    expect(runbookFor(s).find((step) => step.kql)!.kql).toContain("AppTraces");
    const kql = evidenceKql(s, RANGE)!;
    expect(kql).toMatch(/^AzureDiagnostics\n/);
    expect(kql).toContain('Category == "AuditEvent"');
    expect(kql).toContain(`_ResourceId =~ "${KEY.vaultResourceId}"`);
    expect(kql).toContain(`=~ "${KEY.callerObjectId}"`);
    expect(kql).toContain("Denied = countif(httpStatusCode_d in (401, 403))");
  });

  it("reads the table the vault's audit events are in, and counts 429s for throttling", () => {
    expect(evidenceKql(snap({ subject: { ...SUBJECT, auditTable: "AZKVAuditLogs" } }), RANGE)).toMatch(
      /^AZKVAuditLogs\n/,
    );
    expect(evidenceKql(snap({ rule: "kv-throttled" }), RANGE)).toContain(
      "Throttled = countif(httpStatusCode_d == 429)",
    );
  });

  it("is the app's dependency calls for a network incident and the monitor's own errors for the monitor", () => {
    const network = snap({
      rule: "network",
      subject: { kind: "app", app: "orders" },
      triggers: [{ kind: "network", app: "orders", failures: 3, total: 4, targets: ["kv-app.vault.azure.net"] }],
    });
    expect(evidenceKql(network, RANGE)).toMatch(/^AppDependencies\n[\s\S]*AppRoleName == "orders"/);
    expect(
      evidenceKql(
        snap({ rule: "monitor", subject: { kind: "monitor" }, triggers: [{ kind: "monitor", problem: "401" }] }),
        RANGE,
      ),
    ).toMatch(/^FunctionAppLogs\n/);
  });

  it("is none for a control-plane finding, which the logs do not show", () => {
    expect(
      evidenceKql(
        snap({
          rule: "control-plane",
          triggers: [{ kind: "control-plane", finding: "role-missing", summary: "s", evidence: [] }],
        }),
        RANGE,
      ),
    ).toBeUndefined();
  });

  it("is none, rather than an error, when a name cannot be written as a KQL literal", () => {
    expect(
      evidenceKql(snap({ subject: { ...SUBJECT, vaultResourceId: `${KEY.vaultResourceId}\u0000` } }), RANGE),
    ).toBeUndefined();
  });

  it("pins fixed datetime bounds instead of ago(), so it shows the incident whenever it is opened", () => {
    const kql = evidenceKql(snap(), RANGE)!;
    expect(kql).not.toContain("ago(");
    expect(kql).toContain(
      "| where TimeGenerated between (datetime(2026-11-20T00:00:00.000Z) .. datetime(2026-11-20T01:40:00.000Z))",
    );
  });
});

describe("the evidence window", () => {
  const notice = (o: Partial<Incident>, decidedAt: Date) => ({ decidedAt, snapshot: snap(o) });

  it("runs from an hour before the incident opened to a margin after the notice while it is open", () => {
    // Opened at 01:05, first failure at 01:00: the hour before the first failure is in view.
    expect(evidenceWindow(notice({}, at(20)), 15)).toEqual({ start: at(-60), end: at(35) });
  });

  it("ends a margin after resolution, however much later the notice goes out", () => {
    const w = evidenceWindow(notice({ state: "resolved", resolvedAt: at(40) }, at(5 * 60)), 15);
    expect(w).toEqual({ start: at(-60), end: at(55) });
  });

  it("covers a repeat notice sent hours after opening up to that notice", () => {
    expect(evidenceWindow(notice({}, at(6 * 60)), 15)).toEqual({ start: at(-60), end: at(6 * 60 + 15) });
  });

  it("widens the lead and margin with a long alert window, and rounds to whole minutes", () => {
    const o = { openedAt: new Date(at(5).getTime() + 30_000), counts: someCounts({ firstFailureAt: undefined }) };
    expect(evidenceWindow(notice(o, new Date(at(20).getTime() + 1)), 60)).toEqual({ start: at(5 - 120), end: at(81) });
  });
});

describe("every evidence query, checked by the Kusto language service", () => {
  const cases: Record<string, IncidentSnapshot> = {
    "RBAC denials": snap(),
    "401s": snap({ counts: someCounts({ unauthorized: 80, forbidden: 10 }) }),
    throttling: snap({ rule: "kv-throttled" }),
    "resource-specific mode": snap({ subject: { ...SUBJECT, auditTable: "AZKVAuditLogs" } }),
    "resource-specific throttling": snap({
      rule: "kv-throttled",
      subject: { ...SUBJECT, auditTable: "AZKVAuditLogs" },
    }),
    "the monitor": snap({
      rule: "monitor",
      subject: { kind: "monitor" },
      triggers: [{ kind: "monitor", problem: "401" }],
    }),
    "a network outage": snap({
      rule: "network",
      subject: { kind: "app", app: 'orders"app' },
      triggers: [{ kind: "network", app: 'orders"app', failures: 30, total: 40, targets: ["kv-app.vault.azure.net"] }],
    }),
  };
  it.each(Object.entries(cases))("%s", (_, s) => {
    const kql = evidenceKql(s, evidenceWindow({ decidedAt: at(20), snapshot: s }, 15))!;
    expect(kql).toContain("between (datetime(");
    expect(analyze(kql, globalsFor(WORKSPACE_FULL)).errors, kql).toEqual([]);
  });
});
