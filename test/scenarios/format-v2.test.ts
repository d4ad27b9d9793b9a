import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RecordEntryInput, ScenarioV2Input } from "../../tools/scenario/format-v2.js";
import { signalRows } from "../../tools/scenario/signal-rows.js";
import { at, kvClassOf, load, ms, ORDERS_GET, problemsOf, recordsOf, tally, v2, VAULT } from "./fixtures.js";

/** Scenario format v2: raw records per table, from templates, kinds, repetitions and ingestion times. */

const MINUTE = 60_000;
const entry = (e: Partial<RecordEntryInput>): RecordEntryInput => ({
  template: "orders",
  status: 200,
  at: at("00:30"),
  ...e,
});

describe("a v2 scenario that cannot be replayed is refused with the JSON path of each problem", () => {
  it.each<[string, ScenarioV2Input, string]>([
    [
      "a template that does not exist",
      v2([entry({ template: "ordres" })]),
      '$.records[0].template: no template named "ordres"; known: orders',
    ],
    [
      "a field the kind needs, neither in the entry nor its template",
      v2([{ template: "orders", at: at("00:30") }]),
      '$.records[0].status: missing; kv-audit records need status (here or in template "orders")',
    ],
    [
      "a record without a kind",
      v2([{ at: at("00:30"), status: 200 }]),
      "$.records[0]: expected a kind: one of kv-audit",
    ],
    [
      "a field that is not the kind's, in the entry",
      v2([entry({ message: "hello" })]),
      "$.records[0].message: message is not a field of kv-audit records",
    ],
    [
      "a field that is not the kind's, in the template",
      v2([entry({})], { templates: { orders: { ...ORDERS_GET, target: "x.vault.azure.net" } } }),
      "$.templates.orders.target: target is not a field of kv-audit records",
    ],
    [
      "a Key Vault record in a table Key Vault does not log to",
      v2([entry({ table: "AppTraces" })]),
      "$.records[0].table: expected AzureDiagnostics or AZKVAuditLogs",
    ],
    [
      "a denial on a status that is not 403",
      v2([entry({ denial: "rbac" })]),
      "$.records[0].denial: a denial is a 403; this record's status is 200",
    ],
    [
      "a status that is not an HTTP status",
      v2([entry({ status: 600 })]),
      "$.records[0].status: expected an HTTP status code",
    ],
    [
      "an unknown field",
      v2([{ ...entry({}), stauts: 403 } as RecordEntryInput]),
      '$.records[0]: unknown field "stauts"',
    ],
    [
      "count and counts",
      v2([entry({ count: 2, every: 5, counts: [1, 2] })]),
      "$.records[0].counts: give count or counts, not both",
    ],
    ["counts without every", v2([entry({ counts: [1, 2] })]), "$.records[0].counts: counts needs every"],
    ["until without every", v2([entry({ until: at("01:00") })]), "$.records[0].until: until needs every"],
    ["every without until or counts", v2([entry({ every: 5 })]), "$.records[0].every: every needs until (or counts)"],
    ["until before at", v2([entry({ every: 5, until: at("00:00") })]), "$.records[0].until: expected a time after at"],
    [
      "counts and until",
      v2([entry({ every: 5, counts: [1], until: at("01:00") })]),
      "$.records[0].until: counts sets how often",
    ],
    [
      "ingested before it happened",
      v2([entry({ ingestedAt: at("00:20") })]),
      "$.records[0].ingestedAt: expected a time at or after at",
    ],
    [
      "one ingestion time for a repeating entry",
      v2([entry({ every: 5, until: at("01:00"), ingestedAt: at("01:00") })]),
      "$.records[0].ingestedAt: one ingestion time for a repeating entry",
    ],
    [
      "both ingestion time and delay",
      v2([entry({ ingestedAt: at("00:40"), ingestionDelayMinutes: 3 })]),
      "$.records[0].ingestedAt: give ingestedAt or ingestionDelayMinutes, not both",
    ],
    [
      "a raw record with a column its table does not have",
      v2([{ kind: "raw", table: "AzureDiagnostics", columns: { Bogus_s: "x" }, at: at("00:30") }]),
      "$.records[0]: the record: AzureDiagnostics.Bogus_s: no such column",
    ],
    [
      "a raw record that sets TimeGenerated",
      v2([{ kind: "raw", table: "AzureDiagnostics", columns: { TimeGenerated: at("00:30") }, at: at("00:30") }]),
      "$.records[0].columns.TimeGenerated: the record's time is `at`; remove TimeGenerated",
    ],
    [
      "a builder that cannot make the record",
      v2([entry({ vaultResourceId: "kv-orders-prod" })]),
      "$.records[0]: the record: not an Azure resource ID",
    ],
    [
      "a table the emulated workspace does not know",
      v2([], { workspace: { tables: ["AzureDiagnostic"] } }),
      "$.workspace.tables[0]: AzureDiagnostic: no such table",
    ],
    [
      "an ingestion that is neither azure nor minutes",
      v2([], { workspace: { ingestion: "slow" as never } }),
      '$.workspace.ingestion: expected "azure" or a number of minutes',
    ],
    ["an end before the start", v2([], { end: at("00:00") }), "$.end: expected a time after start"],
    [
      "another format version",
      { ...v2([]), format: "vaultwatch/scenario/v9" as never },
      '$.format: expected "vaultwatch/scenario/v1" or "vaultwatch/scenario/v2"',
    ],
  ])("%s", (_, scenario, expected) => {
    const problems = problemsOf(scenario);
    expect(
      problems.some((p) => p.startsWith(expected)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("names a problem of a repeated entry once, not once per repetition", () => {
    const problems = problemsOf(v2([entry({ vaultResourceId: "nope", every: 5, until: at("01:00") })]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\$\.records\[0\]: the record at 2026-03-02T00:30:00.000Z: not an Azure resource ID/);
  });
});

describe("a v2 scenario's records", () => {
  it("take their template's fields, the entry's own winning, with `count` identical records", () => {
    const world = load(v2([entry({ status: 403, denial: "rbac", count: 7 }), entry({ at: at("00:31") })]));
    const kv = recordsOf(world, "AzureDiagnostics");
    expect(kv.map((r) => [r.record.TimeGenerated, kvClassOf(r.record), r.count])).toEqual([
      ["2026-03-02T00:30:00.000Z", "403 rbac", 7],
      ["2026-03-02T00:31:00.000Z", "200", 1],
    ]);
    expect(kv[0]!.record).toMatchObject({
      _ResourceId: VAULT.toLowerCase(),
      OperationName: "SecretGet",
      identity_claim_oid_g: ORDERS_GET.callerObjectId,
    });
  });

  it("repeat every few minutes until a time, or once per element of counts (0: none that time)", () => {
    const world = load(
      v2([
        entry({ every: 10, until: at("01:00"), count: 2 }),
        entry({ status: 429, at: at("01:00"), every: 5, counts: [3, 0, 4] }),
      ]),
    );
    const kv = recordsOf(world, "AzureDiagnostics");
    expect(kv.map((r) => [String(r.record.TimeGenerated).slice(11, 16), kvClassOf(r.record), r.count])).toEqual([
      ["00:30", "200", 2],
      ["00:40", "200", 2],
      ["00:50", "200", 2],
      ["01:00", "429", 3],
      ["01:10", "429", 4],
    ]);
  });

  it("become queryable the workspace's fixed delay after they happen, unless the entry or its template says otherwise", () => {
    const world = load(
      v2(
        [
          entry({}),
          entry({ at: at("00:40"), ingestionDelayMinutes: 9 }),
          entry({ at: at("00:50"), ingestedAt: at("01:30") }),
          { template: "late", at: at("00:55"), status: 200 },
        ],
        { templates: { orders: ORDERS_GET, late: { ...ORDERS_GET, ingestionDelayMinutes: 12 } } },
      ),
    );
    expect(
      recordsOf(world, "AzureDiagnostics").map(
        (r) => (r.ingestedAt - Date.parse(String(r.record.TimeGenerated))) / MINUTE,
      ),
    ).toEqual([3, 9, 40, 12]);
    expect(world.workspace.ingestion).toBe(3);
  });

  it("follow Azure's documented delays by default: resource logs 3 to 10 minutes, a few stragglers up to 30", () => {
    const world = load(v2([entry({ every: 1, until: at("04:30") })], { workspace: {} }));
    const delays = recordsOf(world, "AzureDiagnostics").map(
      (r) => (r.ingestedAt - Date.parse(String(r.record.TimeGenerated))) / MINUTE,
    );
    expect(world.workspace.ingestion).toBe("azure");
    expect(delays).toHaveLength(240);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...delays)).toBeLessThanOrEqual(30);
    expect(delays.filter((d) => d <= 10).length).toBeGreaterThan(230);
  });

  it("are built by kind into their tables", () => {
    const world = load(
      v2(
        [
          {
            kind: "kv-audit",
            table: "AZKVAuditLogs",
            vaultResourceId: VAULT,
            operation: "SecretGet",
            status: 401,
            at: at("00:30"),
          },
          { kind: "kv-challenge", table: "AzureDiagnostics", vaultResourceId: VAULT, at: at("00:30") },
          {
            kind: "activity",
            operation: "Microsoft.Authorization/roleAssignments/delete",
            scope: VAULT,
            principalId: ORDERS_GET.callerObjectId!,
            caller: "deploy@contoso.com",
            at: at("00:31"),
          },
          { kind: "other-diagnostics", service: "appgw", at: at("00:30"), count: 5 },
          {
            kind: "app-dependency",
            appRoleName: "func-orders",
            target: "kv-orders-prod.vault.azure.net",
            dependencyType: "Azure Key Vault",
            resultCode: 403,
            success: false,
            at: at("00:30"),
          },
          {
            kind: "kv-challenge-dependency",
            appRoleName: "func-orders",
            vaultHost: "kv-orders-prod.vault.azure.net",
            at: at("00:30"),
          },
          { kind: "app-trace", appRoleName: "func-orders", message: "hello", severityLevel: 1, at: at("00:30") },
          {
            kind: "app-request",
            appRoleName: "func-orders",
            name: "OrdersQueueTrigger",
            success: true,
            resultCode: "0",
            at: at("00:30"),
          },
          {
            kind: "listener-failure",
            appName: "func-orders",
            functionName: "OrdersQueueTrigger",
            innerException: "Unauthorized",
            at: at("00:30"),
          },
          {
            kind: "raw",
            table: "Operation",
            columns: { OperationCategory: "Data Collection Status" },
            at: at("00:30"),
          },
        ],
        { workspace: { ingestion: 3, tables: ["AppExceptions"] } },
      ),
    );
    const count = (table: string) => recordsOf(world, table).reduce((n, r) => n + r.count, 0);
    expect(world.workspace.tables.sort()).toEqual(
      [
        "AZKVAuditLogs",
        "AppDependencies",
        "AppExceptions",
        "AppRequests",
        "AppTraces",
        "AzureActivity",
        "AzureDiagnostics",
        "FunctionAppLogs",
        "Operation",
      ].sort(),
    );
    expect(count("AZKVAuditLogs")).toBe(1);
    expect(count("AzureDiagnostics")).toBe(6);
    expect(recordsOf(world, "AzureActivity").map((r) => r.record.ActivityStatusValue)).toEqual(["Start", "Success"]);
    // The challenge is two calls in one operation: the token-less 401 and the retry with a token.
    expect(recordsOf(world, "AppDependencies").map((r) => r.record.ResultCode)).toEqual(["403", "401", "200"]);
    expect(count("AppExceptions")).toBe(0);
    expect(recordsOf(world, "FunctionAppLogs")[0]!.record.Message).toMatch(
      /listener for function 'Functions.OrdersQueueTrigger' was unable to start/,
    );
  });

  it("give the world its control-plane changes, in time order: writes and deletes that succeeded", () => {
    const change = (
      hhmm: string,
      outcome?: "Failed",
      operation = "Microsoft.KeyVault/vaults/write",
    ): RecordEntryInput => ({
      kind: "activity",
      operation,
      scope: VAULT,
      caller: "platform@contoso.com",
      at: at(hhmm),
      ...(outcome ? { outcome } : {}),
    });
    const world = load(
      v2([
        change("00:50"),
        change("00:40", "Failed"),
        change("00:45", undefined, "Microsoft.KeyVault/vaults/listKeys/action"),
        change("00:30"),
      ]),
    );
    expect(recordsOf(world, "AzureActivity")).toHaveLength(8);
    expect(world.activity.map((a) => [a.at.getTime(), a.operation, a.principalId])).toEqual([
      [ms("00:30"), "Microsoft.KeyVault/vaults/write", ""],
      [ms("00:50"), "Microsoft.KeyVault/vaults/write", ""],
    ]);
  });

  it("are what the monitor's query reads: the SDK's challenge is left out, a caller's requests are counted per status", () => {
    const world = load(
      v2([
        entry({ count: 40 }),
        entry({ status: 403, denial: "rbac", count: 3 }),
        entry({ status: 403, denial: "firewall", count: 2 }),
        { kind: "kv-challenge", table: "AzureDiagnostics", vaultResourceId: VAULT, at: at("00:31"), count: 4 },
        { kind: "other-diagnostics", service: "sql", at: at("00:31"), count: 9 },
      ]),
    );
    const rows = signalRows(world.logs, "kv-requests", { from: new Date(ms("00:30")), to: new Date(ms("00:35")) });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.counts).toMatchObject({
      total: 45,
      succeeded: 40,
      forbiddenRbac: 3,
      forbiddenFirewall: 2,
      unauthorized: 0,
    });
    // At 00:32 nothing is ingested yet (a 3-minute delay): the window is empty.
    expect(signalRows(world.logs, "kv-requests", { from: new Date(ms("00:30")), to: new Date(ms("00:32")) })).toEqual(
      [],
    );
  });

  it("hold a week of 5-minute traffic in one entry: a stored record per repetition, standing for its count", () => {
    const counts = Array.from({ length: 7 * 288 }, (_, k) => 100 + (k % 50));
    const world = load(v2([entry({ at: at("00:00"), every: 5, counts })]));
    const kv = recordsOf(world, "AzureDiagnostics");
    expect(kv).toHaveLength(counts.length);
    expect(
      tally(
        kv,
        () => "all",
        (r) => r.count,
      ),
    ).toEqual({ all: counts.reduce((a, b) => a + b, 0) });
  });
});

describe("the example in docs/scenarios.md", () => {
  const doc = readFileSync("docs/scenarios.md", "utf8");
  const example = /## The file[\s\S]*?```json\n([\s\S]*?)\n```/.exec(doc)![1]!;

  it("loads, and the monitor's query sees its story: every read denied from 01:03", () => {
    const world = load(JSON.parse(example));
    const rows = signalRows(world.logs, "kv-requests", {
      from: new Date("2026-03-04T01:00:00Z"),
      to: new Date("2026-03-04T01:10:00Z"),
      now: new Date("2026-03-04T02:00:00Z"),
    });
    expect(
      rows.map((r) => [r.binStart.toISOString().slice(11, 16), r.counts.succeeded, r.counts.forbiddenRbac]),
    ).toEqual([
      ["01:00", 36, 36],
      ["01:05", 0, 90],
    ]);
    expect(world.activity.map((a) => a.operation)).toEqual(["Microsoft.Authorization/roleAssignments/delete"]);
  });
});
