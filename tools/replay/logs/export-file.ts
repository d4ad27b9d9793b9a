import { CsvError, parseCsv } from "./csv.js";

/** The export formats `vaultwatch replay --logs` reads (docs/replay-logs.md). */
export type ExportFormat = "query-api" | "azure-cli" | "portal-csv";

/** One row of an export: its cells in column order, its 1-based number, and for CSV the line it starts on. */
export interface ExportRow {
  cells: unknown[];
  row: number;
  line?: number;
  /** Why the row cannot be read at all (its cells are then empty). */
  problem?: string;
}

/** An export file's table, before its columns are matched to a schema. */
export interface ExportTable {
  format: ExportFormat;
  /** Column names as the export names them (the portal's ` [UTC]` suffix removed). */
  columns: string[];
  /** Columns the portal wrote in the browser's local time (` [Local Time]`): they cannot be read as UTC. */
  localTime: string[];
  /** The rows, read once (a CSV is parsed as it is read). */
  rows: Iterable<ExportRow>;
}

/** A file that is not an export at all (not JSON, no header, an unclosed quote); names the line when known. */
export class ExportFileError extends Error {
  override readonly name = "ExportFileError";
}

/**
 * The table an export file holds, by its content: the query API's JSON (`{"tables": [...]}`,
 * REST API v1), the Azure CLI's JSON (`az monitor log-analytics query`: an array of objects,
 * every value a string), or the portal's CSV.
 */
export function parseExport(text: string, kind: "json" | "csv"): ExportTable {
  return kind === "json" ? parseJsonExport(text) : parseCsvExport(text);
}

function parseJsonExport(text: string): ExportTable {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ExportFileError(`not JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(doc)) return cliExport(doc);
  const tables = (doc as { tables?: unknown } | null)?.tables;
  if (!Array.isArray(tables) || tables.length === 0)
    throw new ExportFileError(
      'expected the query API\'s answer ({"tables": [{"name": "PrimaryResult", "columns": [...], "rows": [...]}]}) or the Azure CLI\'s (an array of rows)',
    );
  // v1 answers hold one table, PrimaryResult; take it by name when there are more.
  const t = (tables.find((x) => (x as { name?: unknown } | null)?.name === "PrimaryResult") ?? tables[0]) as {
    columns?: unknown;
    rows?: unknown;
  } | null;
  if (!Array.isArray(t?.columns) || !Array.isArray(t.rows))
    throw new ExportFileError("the answer's table has no columns array or no rows array");
  const columns = t.columns.map((c, i) => {
    const name = (c as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || name === "") throw new ExportFileError(`column ${i + 1} has no name`);
    return name;
  });
  return withRows(columns, t.rows as unknown[]);
}

/** The query API's rows, each an array of cells. */
function withRows(columns: string[], rows: unknown[]): ExportTable {
  return {
    format: "query-api",
    columns,
    localTime: [],
    rows: {
      *[Symbol.iterator]() {
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i];
          yield Array.isArray(r)
            ? { cells: r, row: i + 1 }
            : { cells: [], row: i + 1, problem: "expected an array of cells" };
        }
      },
    },
  };
}

/** `az monitor log-analytics query` writes each row as an object, every value a string, plus `TableName`. */
function cliExport(doc: unknown[]): ExportTable {
  const columns: string[] = [];
  const seen = new Set<string>();
  doc.forEach((r) => {
    // A row that is not an object is reported with its number when the rows are read.
    if (typeof r !== "object" || r === null || Array.isArray(r)) return;
    for (const k of Object.keys(r))
      if (k !== "TableName" && !seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
  });
  return {
    format: "azure-cli",
    columns,
    localTime: [],
    rows: {
      *[Symbol.iterator]() {
        for (let i = 0; i < doc.length; i++) {
          const r = doc[i];
          yield typeof r === "object" && r !== null && !Array.isArray(r)
            ? { cells: columns.map((c) => (r as Record<string, unknown>)[c]), row: i + 1 }
            : { cells: [], row: i + 1, problem: "expected an object (the Azure CLI writes one per row)" };
        }
      },
    },
  };
}

/** The portal's "Export to CSV": a header of column names (datetime columns suffixed ` [UTC]`), then one record per row. */
function parseCsvExport(text: string): ExportTable {
  const records = parseCsv(text);
  let header: string[];
  try {
    const first = records.next();
    if (first.done) throw new ExportFileError("empty: expected a header row of column names");
    header = first.value.fields;
  } catch (error) {
    if (error instanceof CsvError) throw new ExportFileError(`line ${error.line}: ${error.message}`);
    throw error;
  }
  const localTime: string[] = [];
  const columns = header.map((h) => {
    const m = /^(.*?)\s*\[(UTC|Local Time)\]$/i.exec(h.trim());
    if (!m) return h.trim();
    if (m[2]!.toUpperCase() !== "UTC") localTime.push(m[1]!);
    return m[1]!;
  });
  return {
    format: "portal-csv",
    columns,
    localTime,
    rows: {
      *[Symbol.iterator]() {
        let row = 0;
        try {
          for (const r of records) {
            row++;
            yield r.fields.length === columns.length
              ? { cells: r.fields, row, line: r.line }
              : {
                  cells: [],
                  row,
                  line: r.line,
                  problem: `${r.fields.length} fields, but the header names ${columns.length} columns`,
                };
          }
        } catch (error) {
          if (error instanceof CsvError) throw new ExportFileError(`line ${error.line}: ${error.message}`);
          throw error;
        }
      },
    },
  };
}
