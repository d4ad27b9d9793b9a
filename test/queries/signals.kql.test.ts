import { describe, expect, it } from "vitest";
import { analyze, globalsFor } from "../kusto/language-service.js";
import { CLASSIC_APP_INSIGHTS, WORKSPACE_BASE_COLUMNS, WORKSPACE_FULL } from "../kusto/schemas.js";
import { coverage, LEG_COLUMNS, type Leg } from "../../src/core/queries/signals/leg.js";
import {
  renderSignalsQuery,
  renderTablesQuery,
  SIGNALS_MARKER,
  type SignalWindow,
} from "../../src/core/queries/signals-query.js";
import { planSignals, type SignalConfig } from "../../src/core/queries/plan.js";
import { runbookFor, verificationKql } from "../../src/core/runbook/runbook.js";
import { kqlMinutes, KqlParameterError, kqlString } from "../../src/core/queries/kql.js";
import { SimulatedWorkspace } from "../../tools/standin/workspace.js";
import { at, KEY } from "../fixtures/incidents.js";
import { RUNBOOK_CASES } from "../fixtures/runbook-cases.js";
import { steadyTraffic } from "../fixtures/traffic.js";

const window: SignalWindow = {
  windowStart: at(0),
  windowEnd: at(20),
  priorStart: at(-360),
  changesStart: at(-100),
  sloEnd: at(20),
  sloStart: at(20 - 4320),
  periodStart: at(20 - 43200),
  historyStart: at(20 - 20160),
};
const legColumns = LEG_COLUMNS.map(([n, t]) => `${n}:${t}`);
const config = (o: Partial<SignalConfig> = {}): SignalConfig => ({
  keyVaultAuditTable: "auto",
  appInsights: { mode: "workspace" },
  binMinutes: 5,
  windowMinutes: 15,
  priorHours: 6,
  changesMinutes: 120,
  sloPeriods: [7, 30],
  ...o,
});
const ALL_TABLES = new Set([
  "AzureDiagnostics",
  "AZKVAuditLogs",
  "AppDependencies",
  "AppTraces",
  "AppRequests",
  "AppExceptions",
  "FunctionAppLogs",
  "AzureActivity",
  "AuditLogs",
]);
// Legs read the window from the combined query's `let` statements; declare them for a lone leg.
const LETS = [
  "let windowStart = datetime(2026-11-20T01:00:00Z);",
  "let windowEnd = datetime(2026-11-20T01:20:00Z);",
  "let priorStart = datetime(2026-11-19T19:00:00Z);",
  "let changesStart = datetime(2026-11-19T23:40:00Z);",
  "let sloEnd = datetime(2026-11-20T01:20:00Z);",
  "let sloStart = datetime(2026-11-17T01:20:00Z);",
  "let periodStart = datetime(2026-10-21T01:20:00Z);",
  "let historyStart = datetime(2026-11-06T01:20:00Z);",
  "",
].join("\n");

const workspaceLegs = planSignals(config(), ALL_TABLES, true, true).workspaceLegs;
const classicLegs = planSignals(
  config({
    appInsights: {
      mode: "classic",
      resourceId: "/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/components/ai",
    },
  }),
  ALL_TABLES,
).appInsightsLegs;
const named = (legs: Leg[]) => legs.map((l) => [`${l.signal} over ${l.table}`, l] as const);

describe("every leg, checked by the Kusto language service against its table's schema", () => {
  it("plans a leg for each signal over a workspace that has every table", () => {
    expect(workspaceLegs.map((l) => `${l.signal}:${l.table}`)).toEqual([
      "kv-requests:AZKVAuditLogs",
      "kv-requests:AzureDiagnostics",
      "kv-history:AZKVAuditLogs",
      "kv-history:AzureDiagnostics",
      "vault-coverage:AZKVAuditLogs",
      "vault-coverage:AzureDiagnostics",
      "dependency-calls:AppDependencies",
      "credential-traces:AppTraces",
      "credential-traces:AppExceptions",
      "invocations:AppRequests",
      "slo-windows:AZKVAuditLogs",
      "slo-period:AZKVAuditLogs",
      "slo-windows:AzureDiagnostics",
      "slo-period:AzureDiagnostics",
      "slo-windows:AppDependencies",
      "slo-period:AppDependencies",
      "host-startup:FunctionAppLogs",
      "changes:AzureActivity",
      "group-membership:AuditLogs",
    ]);
  });

  it("asks for period sums only when told to (they are refreshed hourly), and no SLO legs without SLOs", () => {
    expect(planSignals(config(), ALL_TABLES, false).workspaceLegs.some((l) => l.signal === "slo-period")).toBe(false);
    const none = planSignals(config({ sloPeriods: [] }), ALL_TABLES);
    expect(none.workspaceLegs.some((l) => l.signal.startsWith("slo-"))).toBe(false);
    expect(none.unavailable["slo-windows"]).toBe("no SLOs configured (MONITOR_CONFIG)");
  });

  it.each(named(workspaceLegs))("the %s data and coverage rows are valid and project the common columns", (_, leg) => {
    for (const text of [`${leg.source}\n${leg.aggregate}`, coverage(leg)]) {
      const result = analyze(LETS + text, globalsFor(WORKSPACE_FULL));
      expect(result.errors).toEqual([]);
      expect(result.columns).toEqual(legColumns);
    }
  });

  it.each(named(workspaceLegs.filter((l) => l.table === "AzureDiagnostics")))(
    "the %s leg is valid when AzureDiagnostics has only its base columns",
    (_, leg) => {
      expect(analyze(`${LETS}${leg.source}\n${leg.aggregate}`, globalsFor(WORKSPACE_BASE_COLUMNS)).errors).toEqual([]);
    },
  );

  it.each(named(classicLegs))("the classic %s leg is valid on an App Insights resource", (_, leg) => {
    const result = analyze(`${LETS}${leg.source}\n${leg.aggregate}`, globalsFor(CLASSIC_APP_INSIGHTS));
    expect(result.errors).toEqual([]);
    expect(result.columns).toEqual(legColumns);
  });

  it("combines them into one query returning the common columns", () => {
    const query = renderSignalsQuery(workspaceLegs, window);
    expect(query.startsWith(SIGNALS_MARKER)).toBe(true);
    const result = analyze(query, globalsFor(WORKSPACE_FULL));
    expect(result.errors).toEqual([]);
    expect(result.columns).toEqual(legColumns);
  });

  it("would catch a leg that named a column its table does not have", () => {
    const broken = renderSignalsQuery(workspaceLegs, window).replace("HttpStatusCode", "HttpStatus");
    expect(analyze(broken, globalsFor(WORKSPACE_FULL)).errors.map((e) => e.code)).toContain("KS142");
  });

  it("finds the workspace's tables with a valid query", () => {
    const result = analyze(renderTablesQuery(), globalsFor(WORKSPACE_FULL));
    expect(result.errors).toEqual([]);
    expect(result.columns).toEqual(["SourceTable:string", "Events:long"]);
  });
});

describe("what the Key Vault leg counts", () => {
  it("leaves out the SDK's first-call 401 and splits 403s by what denied them", () => {
    const leg = workspaceLegs.find((l) => l.table === "AzureDiagnostics")!;
    expect(leg.source).toContain('where not(OperationName == "Authentication" and Status == 401)');
    expect(leg.source).toContain('"state",\n    RbacOk =~ "false", "rbac", PolicyOk =~ "false", "policy", "other")');
    expect(leg.aggregate).toContain('ForbiddenFirewall = countif(Refusal == "network")');
  });

  it("is answered by the simulated workspace with the same columns", () => {
    const workspace = new SimulatedWorkspace({
      tables: ["AzureDiagnostics"],
      traffic: steadyTraffic(() => ({ ok: 3, denied: 1 })),
      ingestionDelayMinutes: 0,
    });
    const legs = planSignals(config(), new Set(["AzureDiagnostics"])).workspaceLegs;
    const answer = workspace.answer(renderSignalsQuery(legs, window), `${at(0).toISOString()}/${at(20).toISOString()}`);
    const body = answer.body as { tables: { columns: { name: string; type: string }[]; rows: unknown[][] }[] };
    expect(answer.status).toBe(200);
    expect(body.tables[0]!.columns.map((c) => `${c.name}:${c.type}`)).toEqual(legColumns);
    expect(body.tables[0]!.rows.filter((r) => r[1] === "data").length).toBeGreaterThan(0);
  });
});

describe("runbook queries, checked by the Kusto language service", () => {
  it.each(["AzureDiagnostics", "AZKVAuditLogs"] as const)("the %s verification queries are valid", (auditTable) => {
    for (const focus of ["denied", "throttled"] as const) {
      const result = analyze(verificationKql({ ...KEY, auditTable }, focus), globalsFor(WORKSPACE_FULL));
      expect(result.errors).toEqual([]);
    }
  });
});

describe("every KQL step of every runbook, checked by the Kusto language service", () => {
  it.each(Object.entries(RUNBOOK_CASES))("%s", (_, incident) => {
    const kql = runbookFor(incident).flatMap((s) => (s.kql ? [s.kql] : []));
    expect(kql.length).toBeGreaterThan(0);
    for (const q of kql) expect(analyze(q, globalsFor(WORKSPACE_FULL)).errors, q).toEqual([]);
  });
});

describe("KQL parameters", () => {
  it("escapes quotes and backslashes so a value cannot end the literal", () => {
    expect(kqlString('kv"; drop')).toBe('"kv\\"; drop"');
    expect(kqlString("a\\b")).toBe('"a\\\\b"');
    const injected = `AzureDiagnostics | where Resource == ${kqlString('x" or 1 == 1 or Resource == "y')}`;
    expect(analyze(injected, globalsFor(WORKSPACE_FULL)).errors).toEqual([]);
  });

  it("refuses control characters and nonsense durations", () => {
    expect(() => kqlString("a\nb")).toThrow(KqlParameterError);
    expect(() => kqlMinutes(0)).toThrow(/whole number of minutes/);
    expect(() => kqlMinutes(2.5)).toThrow(KqlParameterError);
    expect(kqlMinutes(15)).toBe("15m");
  });
});
