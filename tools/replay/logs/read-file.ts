import type { ColumnSpec, KustoType } from "../../kusto/types.js";
import { fromJson, ValueError } from "../../kusto/values.js";
import { type LogStore, RecordError } from "../../emulator/store.js";
import type { RawRecord } from "../../emulator/records/raw-record.js";
import { ExportFileError, parseExport, type ExportFormat, type ExportRow, type ExportTable } from "./export-file.js";
import { exportedTime, TIME_EXAMPLES } from "./export-time.js";
import type { Problems } from "./problems.js";

/**
 * Columns that carry a record's ingestion time, first found wins: what `| extend IngestedAt =
 * ingestion_time()` adds (docs/replay-logs.md), other names people give it, and the standard
 * `_TimeReceived` (when the pipeline received the record: a little before it became queryable).
 */
export const INGESTION_COLUMNS = ["IngestedAt", "IngestionTime", "ingestion_time", "_TimeReceived"] as const;

export type Schemas = Readonly<Record<string, readonly ColumnSpec[]>>;

/** What one export file gave. */
export interface FileSummary {
  /** The file's name in the exports directory. */
  file: string;
  format: ExportFormat;
  /** Rows in the file, loaded or not. */
  rows: number;
  /** Records loaded, by table. */
  loaded: Record<string, number>;
  /** The column ingestion times were read from; undefined when the table's default delays decide. */
  ingestionColumn: string | undefined;
  /** Rows whose exported ingestion time is before their TimeGenerated (a source's clock ahead): taken as ingested at TimeGenerated. */
  ingestedEarly: number;
  /** Columns the table's schema does not know, dropped, with how many rows held a value in each. */
  dropped: { column: string; values: number }[];
  /** Rows of tables vaultwatch does not read (by their Type column), skipped, by table. */
  otherTables: Record<string, number>;
}

/** Called for each record loaded: its table, TimeGenerated and exported ingestion time (epoch ms). */
export type OnLoaded = (table: string, time: number, ingestedAt: number | undefined) => void;

/**
 * Reads one export file into `store`, reporting what is wrong with it to `problems` (file, row,
 * column); undefined when the file as a whole cannot be read. `store` is the caller's to discard
 * when any problem was found.
 */
export function readExportFile(
  store: LogStore,
  schemas: Schemas,
  file: string,
  text: string,
  problems: Problems,
  onLoaded: OnLoaded,
): FileSummary | undefined {
  let parsed: ExportTable;
  try {
    parsed = parseExport(text, /\.csv$/i.test(file) ? "csv" : "json");
  } catch (error) {
    if (!(error instanceof ExportFileError)) throw error;
    problems.add(`${file}: ${error.message}`);
    return undefined;
  }
  const reader = FileReader.open(store, schemas, file, parsed, problems, onLoaded);
  return reader?.read();
}

/** How one table's columns map onto an export's columns. */
interface Plan {
  timeName: string;
  /** Export column index → the schema column it fills. */
  cols: { index: number; name: string; type: KustoType }[];
}

class FileReader {
  readonly #plans = new Map<string, Plan>();
  /** Columns some table a row went to knows, the Type column and the ingestion column: not dropped. */
  readonly #known: Set<number>;
  readonly #droppedValues = new Map<number, number>();
  readonly #summary: FileSummary;

  private constructor(
    private readonly store: LogStore,
    private readonly schemas: Schemas,
    private readonly file: string,
    private readonly parsed: ExportTable,
    private readonly problems: Problems,
    private readonly onLoaded: OnLoaded,
    /** The table the file's name names, when it names one. */
    private readonly named: string | undefined,
    private readonly typeIndex: number,
    private readonly ingestionIndex: number,
  ) {
    this.#known = new Set([typeIndex, ingestionIndex]);
    this.#summary = {
      file,
      format: parsed.format,
      rows: 0,
      loaded: {},
      ingestionColumn: parsed.columns[ingestionIndex],
      ingestedEarly: 0,
      dropped: [],
      otherTables: {},
    };
  }

  /** A reader for the file, or undefined (with the problem reported) when no row of it could be placed. */
  static open(
    store: LogStore,
    schemas: Schemas,
    file: string,
    parsed: ExportTable,
    problems: Problems,
    onLoaded: OnLoaded,
  ): FileReader | undefined {
    const { columns } = parsed;
    const named = tableOfName(file, Object.keys(schemas));
    const typeIndex = columns.indexOf("Type");
    if (!named && typeIndex < 0) {
      problems.add(
        `${file}: cannot tell which table it holds: name it after the table (${Object.keys(schemas).join(", ")}), or export the Type column`,
      );
      return undefined;
    }
    for (const c of parsed.localTime)
      problems.add(
        `${file}, column ${c}: exported in the browser's local time ([Local Time]); set the portal's display time zone to UTC and export again`,
      );
    if (parsed.localTime.length > 0) return undefined;
    const twice = columns.find((c, i) => columns.indexOf(c) !== i);
    if (twice !== undefined) {
      problems.add(`${file}, column ${twice}: named twice in the header`);
      return undefined;
    }
    const ingestionColumn = INGESTION_COLUMNS.find((c) => columns.includes(c));
    // A table the file is named for exists even when the export has no rows in range.
    if (named) store.declare(named);
    return new FileReader(
      store,
      schemas,
      file,
      parsed,
      problems,
      onLoaded,
      named,
      typeIndex,
      ingestionColumn === undefined ? -1 : columns.indexOf(ingestionColumn),
    );
  }

  read(): FileSummary {
    try {
      for (const row of this.parsed.rows) this.#row(row);
    } catch (error) {
      // The CSV broke off (an unclosed quote): what came before it is not enough to replay.
      if (!(error instanceof ExportFileError)) throw error;
      this.problems.add(`${this.file}: ${error.message}`);
    }
    // A file with no rows still says which columns it had: unknown ones are reported all the same.
    if (this.#summary.rows === 0 && this.named) for (const c of this.#plan(this.named).cols) this.#known.add(c.index);
    this.#summary.dropped = this.parsed.columns
      .map((column, i) => ({ column, i }))
      .filter(({ i }) => !this.#known.has(i))
      .map(({ column, i }) => ({ column, values: this.#droppedValues.get(i) ?? 0 }));
    return this.#summary;
  }

  #row(row: ExportRow): void {
    const s = this.#summary;
    s.rows++;
    const where = whereOf(this.file, row);
    if (row.problem !== undefined) {
      this.problems.add(`${where}: ${row.problem}`);
      return;
    }
    const table = this.#tableOf(row, where);
    if (!table) return;
    const plan = this.#plan(table);
    const record: Record<string, unknown> = {};
    let ok = true;
    for (const c of plan.cols) {
      const v = this.#cell(c.type, row.cells[c.index], `${where}, column ${c.name}`);
      if (v === BAD) ok = false;
      else if (v !== undefined) record[c.name] = v;
    }
    let ingestedAt: number | undefined;
    if (this.ingestionIndex >= 0) {
      const v = this.#cell("datetime", row.cells[this.ingestionIndex], `${where}, column ${s.ingestionColumn}`);
      if (v === BAD) ok = false;
      else if (v !== undefined) ingestedAt = Date.parse(v as string);
    }
    if (!ok) return;
    const time = record[plan.timeName];
    if (time === undefined) {
      this.problems.add(`${where}, column ${plan.timeName}: empty; every record needs one`);
      return;
    }
    const at = Date.parse(time as string);
    if (ingestedAt !== undefined && ingestedAt < at) {
      ingestedAt = at;
      s.ingestedEarly++;
    }
    try {
      this.store.add(table, record as RawRecord, ingestedAt === undefined ? {} : { ingestedAt: new Date(ingestedAt) });
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      this.problems.add(`${where}${error.column ? `, column ${error.column}` : ""}: ${withoutPrefix(error)}`);
      return;
    }
    s.loaded[table] = (s.loaded[table] ?? 0) + 1;
    this.onLoaded(table, at, ingestedAt);
    for (let i = 0; i < row.cells.length; i++)
      if (!this.#known.has(i) && !isEmpty(row.cells[i]))
        this.#droppedValues.set(i, (this.#droppedValues.get(i) ?? 0) + 1);
  }

  /** The row's table: its Type when it has one, else the file's; undefined when the row is not to be loaded. */
  #tableOf(row: ExportRow, where: string): string | undefined {
    const type = this.typeIndex >= 0 ? row.cells[this.typeIndex] : undefined;
    if (typeof type !== "string" || type === "") {
      if (!this.named) this.problems.add(`${where}, column Type: empty, and the file's name names no table`);
      return this.named;
    }
    if (this.named && type !== this.named) {
      this.problems.add(`${where}, column Type: ${JSON.stringify(type)}, in a file named for ${this.named}`);
      return undefined;
    }
    if (!this.schemas[type]) {
      this.#summary.otherTables[type] = (this.#summary.otherTables[type] ?? 0) + 1;
      return undefined;
    }
    return type;
  }

  #plan(table: string): Plan {
    let p = this.#plans.get(table);
    if (p) return p;
    const byName = new Map(this.schemas[table]!.map((c) => [c.name, c]));
    const cols: Plan["cols"] = [];
    this.parsed.columns.forEach((name, index) => {
      const spec = byName.get(name);
      if (!spec) return;
      cols.push({ index, name, type: spec.type });
      this.#known.add(index);
    });
    // Classic Application Insights tables call their time column `timestamp`.
    p = { timeName: byName.has("TimeGenerated") ? "TimeGenerated" : "timestamp", cols };
    this.#plans.set(table, p);
    return p;
  }

  /** A cell's value, undefined when empty, or BAD (with the problem reported) when it does not fit its type. */
  #cell(type: KustoType, raw: unknown, where: string): unknown {
    try {
      return cellValue(type, raw);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      this.problems.add(`${where}: ${error.message}`);
      return BAD;
    }
  }
}

const BAD = Symbol("bad cell");

/** `AzureDiagnostics.csv row 17`, and the line a CSV row starts on when a quoted line break earlier moved it. */
function whereOf(file: string, row: ExportRow): string {
  return `${file} row ${row.row}${row.line !== undefined && row.line !== row.row + 1 ? ` (line ${row.line})` : ""}`;
}

/**
 * The table a file is named for: its name without the extension is the table's, in any case, or
 * starts with it and goes on after a character that is not a letter or digit
 * (`AzureDiagnostics-2026-03-04.json`, `AzureDiagnostics (1).csv` as a browser saves a second copy).
 */
export function tableOfName(file: string, tables: readonly string[]): string | undefined {
  const stem = file.replace(/\.(json|csv)$/i, "").toLowerCase();
  let best: string | undefined;
  for (const t of tables) {
    const l = t.toLowerCase();
    const fits = stem === l || (stem.startsWith(l) && /[^a-z0-9]/.test(stem[l.length]!));
    if (fits && (!best || t.length > best.length)) best = t;
  }
  return best;
}

/**
 * A cell as the record's JSON form, or undefined when empty. Exports write an absent value as
 * null (the query API) or an empty field (CSV, the Azure CLI); Kusto has no null string, so an
 * empty string is absent too. Date-times may be in the portal's display format (export-time.ts).
 */
export function cellValue(type: KustoType, raw: unknown): unknown {
  if (isEmpty(raw)) return undefined;
  if (type === "datetime") {
    const iso = typeof raw === "string" ? exportedTime(raw) : undefined;
    if (iso === undefined) throw new ValueError(`expected a date-time such as ${TIME_EXAMPLES}, got ${describe(raw)}`);
    return iso;
  }
  return fromJson(type, raw);
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === "";
}

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** RecordError's message without its `Table.column: ` prefix: the problem line names them itself. */
function withoutPrefix(error: RecordError): string {
  const prefix = error.column ? `${error.table}.${error.column}: ` : `${error.table}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
