import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { LogStore } from "../../emulator/store.js";
import { TABLE_SCHEMAS } from "../../emulator/schemas.js";
import { Problems, TooManyProblems } from "./problems.js";
import { type FileSummary, readExportFile, type Schemas } from "./read-file.js";

export { MAX_PROBLEMS } from "./problems.js";
export { cellValue, type FileSummary, INGESTION_COLUMNS, tableOfName } from "./read-file.js";

/** What a directory of exports gave, for the summary `vaultwatch replay --logs` prints. */
export interface LogsSummary {
  dir: string;
  files: FileSummary[];
  /** Entries of the directory that are not .json or .csv files, not read. */
  skipped: string[];
  /** Per table: records, and the first and last TimeGenerated (epoch ms). */
  tables: Record<string, { records: number; first: number; last: number }>;
  /** The latest exported ingestion time (epoch ms); undefined when no export carried one. */
  lastIngested: number | undefined;
}

export interface LoadedLogs {
  store: LogStore;
  summary: LogsSummary;
}

/** Exports that cannot be replayed; each problem names the file and, where one is at fault, the row and column. */
export class ExportError extends Error {
  override readonly name = "ExportError";
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`${dir}: the exports cannot be replayed:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

export interface ReadOptions {
  /** Table schemas (TABLE_SCHEMAS unless given): which tables and columns the exports may hold. */
  schemas?: Schemas;
}

/**
 * Reads a directory of exports, one file per table, into a new LogStore: the query API's JSON,
 * the Azure CLI's JSON or the portal's CSV (docs/replay-logs.md). Which table a file holds comes
 * from its name (`AzureDiagnostics.json`, `azkvauditlogs-day2.csv`) or its Type column. Columns
 * the schema does not know are dropped and counted in the summary; a value that does not fit its
 * column is a problem. Problems are collected (up to MAX_PROBLEMS) and thrown together as an
 * ExportError; the store is returned only when every file loaded, so nothing is half-loaded.
 */
export async function readExports(dir: string, options: ReadOptions = {}): Promise<LoadedLogs> {
  const schemas = options.schemas ?? TABLE_SCHEMAS;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new ExportError(dir, [
      `cannot read the directory: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    ]);
  }
  const files: string[] = [];
  const skipped: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.isFile() && /\.(json|csv)$/i.test(e.name)) files.push(e.name);
    else skipped.push(e.isDirectory() ? `${e.name}/` : e.name);
  }
  if (files.length === 0)
    throw new ExportError(dir, [
      "no exports: expected .json or .csv files named after their tables, e.g. AzureDiagnostics.json",
    ]);

  const store = new LogStore({ schemas });
  const problems = new Problems();
  const summary: LogsSummary = { dir, files: [], skipped, tables: {}, lastIngested: undefined };
  const onLoaded = (table: string, at: number, ingestedAt: number | undefined) => {
    const t = (summary.tables[table] ??= { records: 0, first: at, last: at });
    t.records++;
    t.first = Math.min(t.first, at);
    t.last = Math.max(t.last, at);
    if (ingestedAt !== undefined) summary.lastIngested = Math.max(summary.lastIngested ?? ingestedAt, ingestedAt);
  };
  try {
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(join(dir, file), "utf8");
      } catch (error) {
        problems.add(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        continue;
      }
      const s = readExportFile(store, schemas, file, text, problems, onLoaded);
      if (s) summary.files.push(s);
    }
  } catch (error) {
    if (!(error instanceof TooManyProblems)) throw error;
  }
  if (problems.list.length > 0) throw new ExportError(dir, problems.lines());
  return { store, summary };
}
