import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import type { ColumnSpec, TimeRange } from "../kusto/types.js";
import { toWire } from "../kusto/values.js";
import type { LogStore } from "./store.js";

/**
 * The column an export carries each record's ingestion time in: what `| extend IngestedAt =
 * ingestion_time()` adds to a real export (docs/replay-logs.md), so that a replay of the export
 * sees each record become visible when it did.
 */
export const INGESTED_AT_COLUMN = "IngestedAt";

/** Bytes gathered before a write: one write per row would make a large table slow to write. */
const FLUSH_BYTES = 1 << 20;

export interface ExportedTable {
  table: string;
  file: string;
  rows: number;
}

/**
 * Writes the store's tables, records with TimeGenerated in `range`, as the query API's JSON
 * answer (REST API v1: `{"tables": [{"name": "PrimaryResult", "columns": [...], "rows": [...]}]}`),
 * one `<Table>.json` file per table in `dir`: what `az rest` or a script calling the query API
 * would save, so `vaultwatch replay --logs dir` replays it. The schema's columns that hold a value
 * in some record are written (a column left out reads back as empty); a record standing for
 * `count` identical ones is written `count` times (the API has no multiplicity).
 */
export async function writeExports(
  store: LogStore,
  range: Required<TimeRange>,
  dir: string,
  tables: readonly string[] = store.tables(),
): Promise<ExportedTable[]> {
  if (!Number.isFinite(range.from) || !Number.isFinite(range.to))
    throw new Error("an export needs a bounded time range (records made on demand have no beginning)");
  await mkdir(dir, { recursive: true });
  const out: ExportedTable[] = [];
  for (const table of tables) {
    const file = join(dir, `${table}.json`);
    out.push({ table, file, rows: await writeTableExport(store, table, range, file) });
  }
  return out;
}

/** Writes one table as the query API's JSON answer; returns the number of rows written. */
export async function writeTableExport(
  store: LogStore,
  table: string,
  range: Required<TimeRange>,
  file: string,
): Promise<number> {
  const schema = store.schemaOf(table);
  if (!schema) throw new Error(`${table}: no such table in the emulated workspace (see tools/emulator/schemas.ts)`);
  // Columns empty in every record are left out, as `| project` would: AzureDiagnostics has hundreds.
  const used = new Set<string>(["TimeGenerated", "timestamp"]);
  for (const { record } of store.records(table, range)) for (const k of Object.keys(record)) used.add(k);
  const kept = schema.filter((c) => used.has(c.name));
  const columns = [
    ...kept.map((c) => ({ name: c.name, type: c.type })),
    { name: INGESTED_AT_COLUMN, type: "datetime" },
  ];
  const fh = await open(file, "w");
  let rows = 0;
  try {
    let chunk = `{"tables":[{"name":"PrimaryResult","columns":${JSON.stringify(columns)},"rows":[`;
    for (const { record, count, ingestedAt } of store.records(table, range)) {
      const line = JSON.stringify([...kept.map((c) => wire(c, record[c.name])), new Date(ingestedAt).toISOString()]);
      for (let k = 0; k < count; k++) {
        chunk += `${rows === 0 ? "" : ","}\n${line}`;
        rows++;
        if (chunk.length >= FLUSH_BYTES) {
          await fh.write(chunk);
          chunk = "";
        }
      }
    }
    await fh.write(`${chunk}\n]}]}\n`);
  } finally {
    await fh.close();
  }
  return rows;
}

/**
 * A record's value (its JSON form: datetimes as ISO text) as the query API writes the cell:
 * dynamic objects and arrays as JSON text, a dynamic string as itself, timespans as Kusto's text.
 */
function wire(c: ColumnSpec, v: unknown): unknown {
  if (v === undefined || v === null) return c.type === "string" ? "" : null;
  if (c.type === "datetime") return v;
  if (c.type === "dynamic") return typeof v === "object" ? JSON.stringify(v) : v;
  return toWire(c.type, v);
}
