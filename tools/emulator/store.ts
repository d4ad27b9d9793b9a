import type { ColumnSpec, Database, Row, TableSource, TimeRange } from "../kusto/types.js";
import { fromJson, ValueError } from "../kusto/values.js";
import { AZURE_DELAYS, type IngestionDelays } from "./ingestion.js";
import type { RawRecord } from "./records/raw-record.js";
import { TABLE_SCHEMAS } from "./schemas.js";

/** A record the store will not hold; names the table and, when one is at fault, the column. */
export class RecordError extends Error {
  override readonly name = "RecordError";
  constructor(
    readonly table: string,
    message: string,
    readonly column?: string,
  ) {
    super(column ? `${table}.${column}: ${message}` : `${table}: ${message}`);
  }
}

export interface AddOptions {
  /** Multiplicity: this many identical records (1 when absent). */
  count?: number;
  /** When the record became queryable; the table's delay distribution decides when absent. */
  ingestedAt?: Date;
}

/**
 * A stretch during which the workspace ingests nothing into some tables: records that would be
 * ingested from `from` up to (not including) `until` are dropped, never queryable. This is what a
 * daily cap does: once reached, "data collection stops for billable data for the rest of the day"
 * and "resumes at the reset time" (learn.microsoft.com/azure/azure-monitor/logs/daily-cap, "How
 * the daily cap works"); what was sent meanwhile is not collected, not delayed.
 */
export interface IngestionStop {
  from: number;
  /** Ingestion resumes here (the daily reset, or the cap raised); never within the store's time when absent. */
  until?: number;
  /** The tables that stop; every table but the ones no cap applies to (FREE_TABLES) when absent. */
  tables?: readonly string[];
}

/**
 * Tables whose ingestion is free, which the daily cap does not stop: the activity log and the
 * workspace's own Operation, Usage and Heartbeat records (azure-monitor-docs logs/cost-logs.md,
 * "Excluded tables"); the Operation table is where the cap's own warning is written.
 */
export const FREE_TABLES: readonly string[] = ["AzureActivity", "Operation", "Usage", "Heartbeat"];

/** Whether a record of `table` ingested at `ingestedAt` (ms) is dropped by one of `stops`. */
export function stoppedAt(stops: readonly IngestionStop[], table: string, ingestedAt: number): boolean {
  return stops.some(
    (s) =>
      ingestedAt >= s.from &&
      (s.until === undefined || ingestedAt < s.until) &&
      (s.tables ? s.tables.includes(table) : !FREE_TABLES.includes(table)),
  );
}

/**
 * Records made on demand for a time range: a traffic model too large to hold. A record given with a
 * `key` is built and converted once per key; later records of that key differ only in their time.
 * A source is a pure function of the range: the store keeps what it made, by hour, and does not
 * ask again.
 */
export type RecordSource = (
  range: Required<TimeRange>,
) => Iterable<{ record: RawRecord | (() => RawRecord); count?: number; key?: string; at?: number }>;

const HOUR_MS = 3_600_000;

/** Generated rows by table, source, projection and hour, with their times (see `#scan`). */
type ChunkCache = Map<string, { time: number; row: Row }[]>;

/**
 * How many generated rows the store keeps: about 60 MB, several days of a busy simulated
 * workspace in every projection the monitor's legs ask for.
 */
const GENERATED_ROWS_KEPT = 300_000;

interface Table {
  schema: readonly ColumnSpec[];
  index: Map<string, number>;
  time: number;
  timeName: string;
  rows: Row[];
  sorted: boolean;
  sources: RecordSource[];
  /** Converted rows of keyed source records, by projection then key, with where their time goes. */
  templates: Map<string, Map<string, { values: unknown[]; timeAt: number }>>;
}

/**
 * The records of a Log Analytics workspace: tables with Azure's column sets (schemas.ts), each
 * record with its TimeGenerated and the time it was ingested. `view(now)` is what a query at `now`
 * can see: only records already ingested, as in a real workspace where the last minutes are
 * still on their way.
 */
export class LogStore {
  readonly #schemas: Readonly<Record<string, readonly ColumnSpec[]>>;
  readonly #delays: IngestionDelays;
  readonly #tables = new Map<string, Table>();
  readonly #stops: readonly IngestionStop[];
  #seq = 0;
  #dropped = 0;
  readonly #generated: ChunkCache = new Map();
  #generatedRows = 0;

  constructor(
    options: {
      schemas?: Readonly<Record<string, readonly ColumnSpec[]>>;
      delays?: IngestionDelays;
      /** Stretches with no ingestion (a daily cap): records that would arrive then are dropped. */
      stops?: readonly IngestionStop[];
    } = {},
  ) {
    this.#schemas = options.schemas ?? TABLE_SCHEMAS;
    this.#delays = options.delays ?? AZURE_DELAYS;
    this.#stops = options.stops ?? [];
  }

  /** Records (counting multiplicity) added but dropped because they would have arrived during a stop. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Declares a table that exists but may have no rows (a table that never got data does not exist). */
  declare(table: string): void {
    this.#table(table);
  }

  tables(): string[] {
    return [...this.#tables.keys()];
  }

  schemaOf(table: string): readonly ColumnSpec[] | undefined {
    return this.#schemas[table];
  }

  /** Adds one record (or `count` identical ones). Throws RecordError naming the table and column at fault. */
  add(table: string, record: RawRecord, options: AddOptions = {}): void {
    const t = this.#table(table);
    const count = options.count ?? 1;
    if (!Number.isInteger(count) || count < 1)
      throw new RecordError(table, `a record's count must be a whole number of at least 1, got ${count}`);
    const row = this.#row(table, t, record, count);
    const time = row.values[t.time] as number;
    if (options.ingestedAt) {
      const at = options.ingestedAt.getTime();
      if (Number.isNaN(at)) throw new RecordError(table, "the ingestion time is not a valid date");
      if (at < time)
        throw new RecordError(table, "a record cannot be ingested before its TimeGenerated", "TimeGenerated");
      row.ingestedAt = at;
    } else row.ingestedAt = time + this.#delays.delayMs(table, time, this.#seq++);
    if (this.#stops.length > 0 && stoppedAt(this.#stops, table, row.ingestedAt)) {
      // The table still exists (it had data before): only this record is never collected.
      this.#dropped += count;
      return;
    }
    t.rows.push(row);
    t.sorted = false;
  }

  /** Adds records made on demand (a traffic model); their ingestion follows the table's delays. */
  addSource(table: string, source: RecordSource): void {
    this.#table(table).sources.push(source);
  }

  /** The stored records of a table in JSON form, with count and ingestion time (for exports and peers). */
  *records(
    table: string,
    range: Required<TimeRange>,
  ): Generator<{ record: RawRecord; count: number; ingestedAt: number }> {
    const t = this.#tables.get(table);
    if (!t) return;
    for (const row of this.#scan(table, t, range)) {
      const record: Record<string, unknown> = {};
      t.schema.forEach((c, i) => {
        const v = row.values[i];
        if (v !== null && v !== "") record[c.name] = c.type === "datetime" ? new Date(v as number).toISOString() : v;
      });
      yield { record, count: row.count, ingestedAt: row.ingestedAt ?? 0 };
    }
  }

  /** What a query at `now` sees: every table, holding only what was ingested by then. */
  view(now: Date): Database {
    const at = now.getTime();
    const db = new Map<string, TableSource>();
    for (const [name, t] of this.#tables) {
      const scan = (range: Required<TimeRange>, columns?: readonly number[]) =>
        this.#scan(name, t, range, columns, true);
      db.set(name, {
        columns: t.schema,
        timeColumn: t.timeName,
        projects: true,
        *scan(range?: TimeRange, columns?: readonly number[]) {
          const bounds = { from: range?.from ?? -Infinity, to: Math.min(range?.to ?? Infinity, at + 1) };
          for (const row of scan(bounds, columns)) if ((row.ingestedAt ?? 0) <= at) yield row;
        },
      });
    }
    return db;
  }

  *#scan(
    name: string,
    t: Table,
    range: Required<TimeRange>,
    columns?: readonly number[],
    cached = false,
  ): Generator<Row> {
    // Rows narrowed to the columns a query reads: stored rows keep every column of the schema.
    const narrow = columns ? (values: unknown[]) => columns.map((i) => values[i]) : undefined;
    if (!t.sorted) {
      t.rows.sort((a, b) => (a.values[t.time] as number) - (b.values[t.time] as number));
      t.sorted = true;
    }
    let i = lowerBound(t.rows, t.time, range.from);
    for (; i < t.rows.length; i++) {
      const row = t.rows[i]!;
      if ((row.values[t.time] as number) >= range.to) break;
      yield narrow ? { values: narrow(row.values), count: row.count, ingestedAt: row.ingestedAt, owned: true } : row;
    }
    if (t.sources.length === 0) return;
    // Generated records are bounded: an unbounded range asks for none (a source has no beginning).
    if (!Number.isFinite(range.from) || !Number.isFinite(range.to)) return;
    const projection = columns?.join(",") ?? "";
    if (cached) {
      // Whole hours, generated once and shared by every scan that reads them: the legs of a query
      // read overlapping ranges (the SLO sums, the vault coverage and their coverage rows read 3
      // days each), and the next tick reads the same hours again.
      for (let s = 0; s < t.sources.length; s++)
        for (let from = Math.floor(range.from / HOUR_MS) * HOUR_MS; from < range.to; from += HOUR_MS) {
          const id = `${name}|${s}|${projection}|${from}`;
          let rows = this.#generated.get(id);
          if (!rows) {
            rows = [...this.#generate(name, t, [t.sources[s]!], { from, to: from + HOUR_MS }, columns)];
            // Rows shared between scans are never the consumer's to change.
            for (const entry of rows) entry.row.owned = false;
            this.#remember(id, rows);
          }
          for (const { time, row } of rows) if (time >= range.from && time < range.to) yield row;
        }
      return;
    }
    for (const { row } of this.#generate(name, t, t.sources, range, columns)) yield row;
  }

  /** Rows of `sources` in `range`, narrowed to `columns`, each with its ingestion time. */
  *#generate(
    name: string,
    t: Table,
    sources: readonly RecordSource[],
    range: Required<TimeRange>,
    columns?: readonly number[],
  ): Generator<{ time: number; row: Row }> {
    const narrow = columns ? (values: unknown[]) => columns.map((i) => values[i]) : undefined;
    let seq = 0;
    const projection = columns?.join(",") ?? "";
    let templates = t.templates.get(projection);
    if (!templates) t.templates.set(projection, (templates = new Map()));
    for (const source of sources)
      for (const { record, count, key, at } of source(range)) {
        let row: Row;
        let time: number;
        const template = key === undefined ? undefined : templates.get(key);
        if (template && at !== undefined) {
          // The template of this key, narrowed as asked; only its time differs.
          const values = template.values.slice();
          if (template.timeAt >= 0) values[template.timeAt] = at;
          row = { values, count: count ?? 1, owned: true };
          time = at;
        } else {
          const whole = this.#row(name, t, typeof record === "function" ? record() : record, count ?? 1);
          time = whole.values[t.time] as number;
          row = narrow ? { values: narrow(whole.values), count: whole.count, owned: true } : whole;
          if (key !== undefined)
            templates.set(key, {
              values: row.values.slice(),
              timeAt: columns ? columns.indexOf(t.time) : t.time,
            });
        }
        if (time < range.from || time >= range.to) continue;
        row.ingestedAt = time + this.#delays.delayMs(name, time, seq++);
        if (this.#stops.length > 0 && stoppedAt(this.#stops, name, row.ingestedAt)) continue;
        yield { time, row };
      }
  }

  /** Keeps a generated hour, forgetting the oldest ones past GENERATED_ROWS_KEPT rows. */
  #remember(id: string, rows: { time: number; row: Row }[]): void {
    this.#generated.set(id, rows);
    this.#generatedRows += rows.length;
    for (const [old, kept] of this.#generated) {
      if (this.#generatedRows <= GENERATED_ROWS_KEPT) break;
      this.#generated.delete(old);
      this.#generatedRows -= kept.length;
    }
  }

  #table(name: string): Table {
    let t = this.#tables.get(name);
    if (t) return t;
    const schema = this.#schemas[name];
    if (!schema) throw new RecordError(name, "no such table in the emulated workspace (see tools/emulator/schemas.ts)");
    const index = new Map(schema.map((c, i) => [c.name, i]));
    // Classic Application Insights tables call their time column `timestamp`.
    const timeName = index.has("TimeGenerated") ? "TimeGenerated" : "timestamp";
    const time = index.get(timeName);
    if (time === undefined) throw new RecordError(name, "the table has no TimeGenerated column");
    t = { schema, index, time, timeName, rows: [], sorted: true, sources: [], templates: new Map() };
    this.#tables.set(name, t);
    return t;
  }

  #row(name: string, t: Table, record: RawRecord, count: number): Row {
    const values: unknown[] = t.schema.map((c) => (c.type === "string" ? "" : null));
    for (const [column, value] of Object.entries(record)) {
      const i = t.index.get(column);
      if (i === undefined) throw new RecordError(name, "no such column in the table's schema", column);
      try {
        values[i] = fromJson(t.schema[i]!.type, value);
      } catch (error) {
        if (error instanceof ValueError) throw new RecordError(name, error.message, column);
        throw error;
      }
    }
    if (values[t.time] === null) throw new RecordError(name, `every record needs a ${t.timeName}`, t.timeName);
    return { values, count };
  }
}

function lowerBound(rows: readonly Row[], col: number, x: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((rows[mid]!.values[col] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
