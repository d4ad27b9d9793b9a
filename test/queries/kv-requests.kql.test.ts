import { describe, expect, it } from "vitest";
import { analyze, globalsFor } from "../kusto/language-service.js";
import { WORKSPACE_BASE_COLUMNS, WORKSPACE_FULL } from "../kusto/schemas.js";
import { KV_REQUESTS_COLUMNS, renderKvRequests } from "../../src/queries/kv-requests.kql.js";
import { verificationKql } from "../../src/core/runbook.js";
import { kqlMinutes, KqlParameterError, kqlString } from "../../src/queries/kql.js";
import { anIncident, at } from "../fixtures/incidents.js";
import { SimulatedWorkspace } from "../../src/standin/workspace.js";
import { steadyTraffic } from "../fixtures/traffic.js";

const expectedColumns = KV_REQUESTS_COLUMNS.map(([n, t]) => `${n}:${t}`);

describe("the kv-requests query, checked by the Kusto language service", () => {
  it.each([
    ["AzureDiagnostics with identity claim columns", "AzureDiagnostics", WORKSPACE_FULL],
    ["AzureDiagnostics with only the base columns", "AzureDiagnostics", WORKSPACE_BASE_COLUMNS],
    ["resource-specific AZKVAuditLogs", "AZKVAuditLogs", WORKSPACE_FULL],
  ] as const)("is valid over %s and returns exactly the columns the mapper reads", (_, table, workspace) => {
    const result = analyze(renderKvRequests({ table, binMinutes: 5 }), globalsFor(workspace));
    expect(result.errors).toEqual([]);
    expect(result.columns).toEqual(expectedColumns);
  });

  it("would be caught if it named a column the table does not have", () => {
    const broken = renderKvRequests({ table: "AZKVAuditLogs", binMinutes: 5 }).replace("HttpStatusCode", "HttpStatus");
    const result = analyze(broken, globalsFor(WORKSPACE_FULL));
    expect(result.errors.map((e) => e.code)).toContain("KS142");
  });

  it("is answered by the simulated workspace with the same columns and types", () => {
    const workspace = new SimulatedWorkspace({ tables: ["AzureDiagnostics"], traffic: steadyTraffic(() => ({ ok: 3, denied: 1 })) });
    const query = renderKvRequests({ table: "AzureDiagnostics", binMinutes: 5 });
    const answer = workspace.answer(query, `${at(0).toISOString()}/${at(10).toISOString()}`);
    const body = answer.body as { tables: { columns: { name: string; type: string }[]; rows: unknown[][] }[] };
    expect(answer.status).toBe(200);
    expect(body.tables[0]!.columns.map((c) => `${c.name}:${c.type}`)).toEqual(analyze(query, globalsFor(WORKSPACE_FULL)).columns);
    expect(body.tables[0]!.rows.length).toBeGreaterThan(0);
  });

  it("leaves out the SDK's first-call 401 challenge and bins by the requested size", () => {
    const q = renderKvRequests({ table: "AzureDiagnostics", binMinutes: 5 });
    expect(q).toContain('where not(OperationName == "Authentication" and Status == 401)');
    expect(q).toContain("bin(TimeGenerated, 5m)");
  });
});

describe("runbook queries, checked by the Kusto language service", () => {
  it.each(["AzureDiagnostics", "AZKVAuditLogs"] as const)("the %s verification queries are valid", (table) => {
    for (const focus of ["denied", "throttled"] as const) {
      const result = analyze(verificationKql(anIncident(), table, focus), globalsFor(WORKSPACE_FULL));
      expect(result.errors).toEqual([]);
    }
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
