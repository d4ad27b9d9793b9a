import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INGESTED_AT_COLUMN, writeExports } from "../../tools/emulator/export.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { LogStore } from "../../tools/emulator/store.js";
import { parseScenario } from "../../tools/scenario/load.js";
import { readExports } from "../../tools/replay/logs/read-export.js";
import { at, deniedBetween, ordersScenario } from "./builder.js";

const ALL = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
const VAULT =
  "/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61/resourcegroups/rg-orders-prod/providers/microsoft.keyvault/vaults/kv-orders-prod";

/** Every record of every table, one per record (a record of count n is n records), with its ingestion time, sorted. */
function flat(store: LogStore, range = ALL): string[] {
  const out: string[] = [];
  for (const table of store.tables())
    for (const { record, count, ingestedAt } of store.records(table, range))
      for (let k = 0; k < count; k++) out.push(JSON.stringify([table, record, ingestedAt]));
  return out.sort();
}

describe("an export written by the emulator", () => {
  it("reads back to the same records, values and ingestion times", async () => {
    const store = new LogStore({ delays: fixedDelays(4) });
    store.add("AzureDiagnostics", {
      TimeGenerated: "2026-03-04T01:03:12.345Z",
      ResourceProvider: "MICROSOFT.KEYVAULT",
      Category: "AuditEvent",
      OperationName: "SecretGet",
      ResultDescription: 'Caller was not authorized, see "RBAC",\nline two',
      httpStatusCode_d: 403,
      identity_claim_oid_g: "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93",
      isRbacAuthorized_b: false,
      DurationMs: 12,
      AdditionalFields: { sku: { Family: "A" }, tags: ["a", "b"] },
      _ResourceId: VAULT,
    });
    // A record standing for 3 identical ones is written three times: the query API has no multiplicity.
    store.add(
      "AzureDiagnostics",
      { TimeGenerated: "2026-03-04T01:04:00Z", OperationName: "SecretGet", httpStatusCode_d: 200, _ResourceId: VAULT },
      { count: 3, ingestedAt: new Date("2026-03-04T01:10:00Z") },
    );
    store.add("AZKVAuditLogs", {
      TimeGenerated: "2026-03-04T01:05:00Z",
      HttpStatusCode: 403,
      Identity: { claim: { oid: "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93" } },
      IsRbacAuthorized: false,
    });
    // A table that exists with no records in range is still exported (and so still exists).
    store.declare("AzureActivity");
    const dir = mkdtempSync(join(tmpdir(), "vw-export-"));
    const range = { from: Date.parse("2026-03-04T00:00:00Z"), to: Date.parse("2026-03-05T00:00:00Z") };
    const written = await writeExports(store, range, dir);
    expect(written.map((w) => [w.table, w.rows])).toEqual([
      ["AzureDiagnostics", 4],
      ["AZKVAuditLogs", 1],
      ["AzureActivity", 0],
    ]);

    const api = JSON.parse(readFileSync(join(dir, "AzureDiagnostics.json"), "utf8"));
    expect(api.tables[0].name).toBe("PrimaryResult");
    const columns = api.tables[0].columns.map((c: { name: string }) => c.name);
    expect(columns.at(-1)).toBe(INGESTED_AT_COLUMN);
    // Dynamic cells travel as JSON text, as the query API sends them.
    const row = api.tables[0].rows.find((r: unknown[]) => r[columns.indexOf("httpStatusCode_d")] === 403);
    expect(row[columns.indexOf("AdditionalFields")]).toBe('{"sku":{"Family":"A"},"tags":["a","b"]}');

    const { store: back, summary } = await readExports(dir);
    expect(flat(back)).toEqual(flat(store));
    expect(back.tables().sort()).toEqual(store.tables().sort());
    expect(summary.files.every((f) => f.dropped.length === 0 && f.ingestionColumn === INGESTED_AT_COLUMN)).toBe(true);
  });

  it("carries a scenario's whole workspace: every table, record and ingestion time of the exported range", async () => {
    const scenario = ordersScenario({ end: at("02:00"), traffic: deniedBetween("01:00", "01:15") });
    const { world } = parseScenario(JSON.stringify(scenario));
    const range = { from: Date.parse(at("00:00", -1)), to: world.end.getTime() };
    const dir = mkdtempSync(join(tmpdir(), "vw-export-"));
    await writeExports(world.logs, range, dir);
    const { store } = await readExports(dir);
    const original = flat(world.logs, range);
    expect(original.length).toBeGreaterThan(1000);
    expect(flat(store)).toEqual(original);
  });
});
