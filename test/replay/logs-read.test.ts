import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExportError, MAX_PROBLEMS, readExports, tableOfName } from "../../tools/replay/logs/read-export.js";
import { describeLoad } from "../../tools/replay/logs/summary.js";
import { TABLE_SCHEMAS } from "../../tools/emulator/schemas.js";
import type { LogStore } from "../../tools/emulator/store.js";

const VAULT =
  "/SUBSCRIPTIONS/4A7E6F10-52C1-4D7B-9A1F-3C2B8E0D9F61/RESOURCEGROUPS/RG-ORDERS-PROD/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV-ORDERS-PROD";
const OID = "7D4C2A91-3F5E-4B8A-9C61-0E2F5A7B8C93";
const ALL = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };

/** A directory holding `files` (name → text). */
function exportsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "vw-logs-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const records = (store: LogStore, table: string) => [...store.records(table, ALL)];

/** What the query API answers for `AzureDiagnostics | where ... | extend IngestedAt = ingestion_time()`. */
const queryApiExport = {
  tables: [
    {
      name: "PrimaryResult",
      columns: [
        { name: "TenantId", type: "string" },
        { name: "TimeGenerated", type: "datetime" },
        { name: "ResourceProvider", type: "string" },
        { name: "Category", type: "string" },
        { name: "OperationName", type: "string" },
        { name: "ResultDescription", type: "string" },
        { name: "httpStatusCode_d", type: "real" },
        { name: "identity_claim_oid_g", type: "guid" },
        { name: "isRbacAuthorized_b", type: "bool" },
        { name: "DurationMs", type: "long" },
        { name: "AdditionalFields", type: "dynamic" },
        { name: "_ResourceId", type: "string" },
        { name: "Type", type: "string" },
        // A column of another resource type that this workspace's AzureDiagnostics happens to have.
        { name: "SqlDatabaseHint_s", type: "string" },
        { name: "IngestedAt", type: "datetime" },
      ],
      rows: [
        [
          "6d0e4a1b-8c2f-4e3a-9b5d-7f1a2c3e4d5f",
          "2026-03-04T01:03:12.3456789Z",
          "MICROSOFT.KEYVAULT",
          "AuditEvent",
          "SecretGet",
          "Caller was not authorized to perform action on resource",
          403,
          OID,
          false,
          7,
          '{"sku":{"Family":"A","Name":"standard"},"enabledForDeployment":false}',
          VAULT,
          "AzureDiagnostics",
          "",
          "2026-03-04T01:07:40.1Z",
        ],
        [
          "6d0e4a1b-8c2f-4e3a-9b5d-7f1a2c3e4d5f",
          "2026-03-04T01:04:00Z",
          "MICROSOFT.KEYVAULT",
          "AuditEvent",
          "SecretGet",
          "",
          200,
          OID,
          true,
          null,
          null,
          VAULT,
          "AzureDiagnostics",
          "kept out",
          "2026-03-04T01:09:02Z",
        ],
      ],
    },
  ],
};

/**
 * The portal's "Export to CSV (all columns)" of AZKVAuditLogs: datetime headers suffixed [UTC],
 * times in the grid's English (United States) format, a dynamic column as JSON text with its
 * quotes doubled, and a description holding commas, a quote and a line break.
 */
const portalCsv = [
  '"TimeGenerated [UTC]",OperationName,HttpStatusCode,ResultDescription,Identity,IsRbacAuthorized,"_ResourceId",Type,"_TimeReceived [UTC]"',
  `"3/4/2026, 1:03:12.345 AM",SecretGet,403,"Caller was not authorized, see ""RBAC"",\nline two","{""claim"":{""oid"":""${OID.toLowerCase()}"",""appid"":""c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14""}}",False,${VAULT},AZKVAuditLogs,"3/4/2026, 1:06:00.000 AM"`,
  `"3/4/2026, 1:15:00.500 PM",SecretList,200,,"{}",True,${VAULT},AZKVAuditLogs,"3/4/2026, 1:18:30.000 PM"`,
  "",
].join("\r\n");

describe("reading exports into the store", () => {
  it("loads the query API's JSON with each value in its column's type and the exported ingestion time", async () => {
    const dir = exportsDir({ "AzureDiagnostics.json": JSON.stringify(queryApiExport) });
    const { store, summary } = await readExports(dir);
    const rows = records(store, "AzureDiagnostics");
    expect(rows).toHaveLength(2);
    expect(rows[0]!.record).toMatchObject({
      TimeGenerated: "2026-03-04T01:03:12.345Z",
      ResourceProvider: "MICROSOFT.KEYVAULT",
      httpStatusCode_d: 403,
      identity_claim_oid_g: OID.toLowerCase(),
      isRbacAuthorized_b: false,
      DurationMs: 7,
      AdditionalFields: { sku: { Family: "A", Name: "standard" }, enabledForDeployment: false },
      _ResourceId: VAULT,
    });
    expect(rows[0]!.ingestedAt).toBe(Date.parse("2026-03-04T01:07:40.100Z"));
    // Nulls and empty strings are absent values, as in Kusto.
    expect(rows[1]!.record).not.toHaveProperty("DurationMs");
    expect(rows[1]!.record).not.toHaveProperty("ResultDescription");
    expect(rows[1]!.ingestedAt).toBe(Date.parse("2026-03-04T01:09:02Z"));
    expect(summary.files[0]).toMatchObject({
      file: "AzureDiagnostics.json",
      format: "query-api",
      rows: 2,
      loaded: { AzureDiagnostics: 2 },
      ingestionColumn: "IngestedAt",
    });
  });

  it("loads the portal's CSV: [UTC] headers, US-format times, quoted commas, quotes and line breaks, dynamic JSON text", async () => {
    const dir = exportsDir({ "AZKVAuditLogs.csv": portalCsv });
    const { store, summary } = await readExports(dir);
    const rows = records(store, "AZKVAuditLogs");
    expect(rows).toHaveLength(2);
    expect(rows[0]!.record).toMatchObject({
      TimeGenerated: "2026-03-04T01:03:12.345Z",
      OperationName: "SecretGet",
      HttpStatusCode: 403,
      ResultDescription: 'Caller was not authorized, see "RBAC",\nline two',
      Identity: { claim: { oid: OID.toLowerCase(), appid: "c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14" } },
      IsRbacAuthorized: false,
      _ResourceId: VAULT,
    });
    // 1:15 PM is 13:15; _TimeReceived gives the ingestion time.
    expect(rows[1]!.record).toMatchObject({ TimeGenerated: "2026-03-04T13:15:00.500Z", IsRbacAuthorized: true });
    expect(rows[0]!.ingestedAt).toBe(Date.parse("2026-03-04T01:06:00Z"));
    expect(rows[1]!.ingestedAt).toBe(Date.parse("2026-03-04T13:18:30Z"));
    expect(summary.files[0]).toMatchObject({ format: "portal-csv", ingestionColumn: "_TimeReceived", dropped: [] });
  });

  it("reads year-first grid times and ISO times in CSV, and the Azure CLI's JSON where every value is a string", async () => {
    const dir = exportsDir({
      "AzureActivity.csv":
        "TimeGenerated [UTC],OperationNameValue,ActivityStatusValue,Caller\n" +
        "2026/03/04 0:59:58.120,MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/DELETE,Success,deploy@contoso.com\n" +
        "2026-03-04T01:14:00Z,MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE,Success,oncall@contoso.com\n",
      "azkvauditlogs-cli.json": JSON.stringify([
        {
          TableName: "PrimaryResult",
          TimeGenerated: "2026-03-04T01:03:12.345Z",
          HttpStatusCode: "403",
          IsRbacAuthorized: "False",
          Identity: `{"claim":{"oid":"${OID}"}}`,
          DurationMs: "",
          Type: "AZKVAuditLogs",
        },
      ]),
    });
    const { store, summary } = await readExports(dir);
    expect(records(store, "AzureActivity").map((r) => r.record.TimeGenerated)).toEqual([
      "2026-03-04T00:59:58.120Z",
      "2026-03-04T01:14:00.000Z",
    ]);
    const [kv] = records(store, "AZKVAuditLogs");
    expect(kv!.record).toMatchObject({
      HttpStatusCode: 403,
      IsRbacAuthorized: false,
      Identity: { claim: { oid: OID } },
    });
    expect(kv!.record).not.toHaveProperty("DurationMs");
    expect(summary.files.map((f) => [f.file, f.format, f.ingestionColumn])).toEqual([
      ["AzureActivity.csv", "portal-csv", undefined],
      ["azkvauditlogs-cli.json", "azure-cli", undefined],
    ]);
    // Without an exported ingestion time, the table's documented delays apply (3 to 20 minutes for the activity log).
    for (const r of records(store, "AzureActivity")) {
      const delay = r.ingestedAt - Date.parse(r.record.TimeGenerated as string);
      expect(delay).toBeGreaterThanOrEqual(3 * 60_000);
      expect(delay).toBeLessThanOrEqual(45 * 60_000);
    }
  });

  it("drops columns the schema does not know, counts them, and says so in the summary", async () => {
    const dir = exportsDir({ "AzureDiagnostics.json": JSON.stringify(queryApiExport), "notes.txt": "not an export" });
    const { store, summary } = await readExports(dir);
    expect(summary.files[0]!.dropped).toEqual([{ column: "SqlDatabaseHint_s", values: 1 }]);
    expect(summary.skipped).toEqual(["notes.txt"]);
    expect(records(store, "AzureDiagnostics")[1]!.record).not.toHaveProperty("SqlDatabaseHint_s");
    const text = describeLoad(summary).join("\n");
    expect(text).toContain(
      "dropped 1 column the table's schema does not know; 1 held values (rows): SqlDatabaseHint_s (1)",
    );
    expect(text).toContain("not read (not a .json or .csv file): notes.txt");
    expect(text).toContain("ingestion times from IngestedAt");
  });

  it("routes rows by their Type column when the file's name names no table, and counts rows of other tables", async () => {
    const csv =
      "TimeGenerated [UTC],Type,OperationName,HttpStatusCode,OperationNameValue\n" +
      "2026-03-04T01:00:00Z,AZKVAuditLogs,SecretGet,200,\n" +
      "2026-03-04T01:00:05Z,AzureActivity,,,MICROSOFT.KEYVAULT/VAULTS/WRITE\n" +
      "2026-03-04T01:00:09Z,StorageBlobLogs,GetBlob,,\n";
    const { store, summary } = await readExports(exportsDir({ "incident.csv": csv }));
    expect(records(store, "AZKVAuditLogs")).toHaveLength(1);
    expect(records(store, "AzureActivity")).toHaveLength(1);
    expect(summary.files[0]!.otherTables).toEqual({ StorageBlobLogs: 1 });
    expect(describeLoad(summary).join("\n")).toContain(
      "skipped rows of tables vaultwatch does not read: StorageBlobLogs (1)",
    );
  });

  it("takes a record ingested before its TimeGenerated (a source's clock ahead) as ingested at TimeGenerated, and says how many", async () => {
    const csv = "TimeGenerated [UTC],HttpStatusCode,IngestedAt [UTC]\n2026-03-04T01:00:00Z,200,2026-03-04T00:59:30Z\n";
    const { store, summary } = await readExports(exportsDir({ "AZKVAuditLogs.csv": csv }));
    expect(records(store, "AZKVAuditLogs")[0]!.ingestedAt).toBe(Date.parse("2026-03-04T01:00:00Z"));
    expect(summary.files[0]!.ingestedEarly).toBe(1);
  });

  it("names a file by its table in any case, with a suffix after a separator", () => {
    const tables = Object.keys(TABLE_SCHEMAS);
    expect(tableOfName("azurediagnostics.JSON", tables)).toBe("AzureDiagnostics");
    expect(tableOfName("AZKVAuditLogs-2026-03-04.csv", tables)).toBe("AZKVAuditLogs");
    expect(tableOfName("AppTraces (1).csv", tables)).toBe("AppTraces");
    expect(tableOfName("AppTracesExtra.csv", tables)).toBeUndefined();
    expect(tableOfName("incident.json", tables)).toBeUndefined();
  });
});

describe("a bad export", () => {
  const fail = async (files: Record<string, string>): Promise<ExportError> => {
    const error = await readExports(exportsDir(files)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    return error as ExportError;
  };

  it("names file, row and column, and keeps reading to list the others", async () => {
    const header = "TimeGenerated [UTC],ResourceProvider,httpStatusCode_d,identity_claim_oid_g";
    const good = "2026-03-04T01:00:00Z,MICROSOFT.KEYVAULT,200,";
    const lines = [header, ...Array.from({ length: 20 }, () => good)];
    lines[17] = "2026-03-04T01:00:00Z,MICROSOFT.KEYVAULT,abc,";
    lines[19] = "yesterday,MICROSOFT.KEYVAULT,200,not-a-guid";
    const error = await fail({ "AzureDiagnostics.csv": `${lines.join("\n")}\n` });
    expect(error.problems).toEqual([
      'AzureDiagnostics.csv row 17, column httpStatusCode_d: expected a number, got "abc"',
      'AzureDiagnostics.csv row 19, column TimeGenerated: expected a date-time such as 2026-03-04T01:03:12.345Z or 3/4/2026, 1:03:12.345 AM, got "yesterday"',
      'AzureDiagnostics.csv row 19, column identity_claim_oid_g: expected a GUID, got "not-a-guid"',
    ]);
  });

  it("gives the line a CSV row starts on when a quoted line break moved it", async () => {
    const csv =
      'TimeGenerated [UTC],ResultDescription,HttpStatusCode\n2026-03-04T01:00:00Z,"two\nlines",200\n2026-03-04T01:00:00Z,x,4O3\n';
    const error = await fail({ "AZKVAuditLogs.csv": csv });
    expect(error.problems).toEqual([
      'AZKVAuditLogs.csv row 2 (line 4), column HttpStatusCode: expected a number, got "4O3"',
    ]);
  });

  it("loads nothing when one file of several is bad", async () => {
    const error = await fail({
      "AzureDiagnostics.json": JSON.stringify(queryApiExport),
      "AZKVAuditLogs.json": JSON.stringify({
        tables: [
          { name: "PrimaryResult", columns: [{ name: "TimeGenerated" }], rows: [["2026-03-04T01:00:00Z"], [7]] },
        ],
      }),
    });
    expect(error.problems).toEqual([
      "AZKVAuditLogs.json row 2, column TimeGenerated: expected a date-time such as 2026-03-04T01:03:12.345Z or 3/4/2026, 1:03:12.345 AM, got 7",
    ]);
    expect(error.message).toContain("cannot be replayed");
  });

  it("stops after MAX_PROBLEMS problems and says there may be more", async () => {
    const rows = Array.from({ length: 50 }, () => "2026-03-04T01:00:00Z,many");
    const error = await fail({ "AZKVAuditLogs.csv": `TimeGenerated [UTC],HttpStatusCode\n${rows.join("\n")}` });
    expect(error.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(error.problems.at(-1)).toBe(`… stopped after ${MAX_PROBLEMS} problems; there may be more`);
  });

  it("refuses what is not an export: a file it cannot place, local-time columns, short rows, unclosed quotes, no records", async () => {
    expect(
      (await fail({ "incident.csv": "TimeGenerated [UTC],HttpStatusCode\n2026-03-04T01:00:00Z,200\n" })).problems[0],
    ).toMatch(
      /^incident\.csv: cannot tell which table it holds: name it after the table \(AzureDiagnostics, AZKVAuditLogs, .*\), or export the Type column$/,
    );
    expect(
      (await fail({ "AZKVAuditLogs.csv": "TimeGenerated [Local Time],HttpStatusCode\n3/4/2026, 1:00:00 AM,200\n" }))
        .problems,
    ).toEqual([
      "AZKVAuditLogs.csv, column TimeGenerated: exported in the browser's local time ([Local Time]); set the portal's display time zone to UTC and export again",
    ]);
    expect(
      (await fail({ "AZKVAuditLogs.csv": "TimeGenerated [UTC],HttpStatusCode\n2026-03-04T01:00:00Z\n" })).problems,
    ).toEqual(["AZKVAuditLogs.csv row 1: 1 fields, but the header names 2 columns"]);
    expect(
      (await fail({ "AZKVAuditLogs.csv": 'TimeGenerated [UTC],ResultDescription\n2026-03-04T01:00:00Z,"open\n' }))
        .problems,
    ).toEqual(["AZKVAuditLogs.csv: line 2: a quoted field is never closed"]);
    expect((await fail({ "AzureDiagnostics.json": '{"value": []}' })).problems[0]).toContain(
      "AzureDiagnostics.json: expected the query API's answer",
    );
    expect((await fail({ "AZKVAuditLogs.csv": "HttpStatusCode\n200\n" })).problems).toEqual([
      "AZKVAuditLogs.csv row 1, column TimeGenerated: empty; every record needs one",
    ]);
    expect((await fail({})).problems[0]).toContain("no exports");
  });
});
