import { SIGNAL_NAMES, SIGNAL_ROWS, type SignalName, type SignalRow } from "./signal-set.js";
import { answerSchemaProblem } from "./answer-columns.js";
import { scrubSample } from "../common/scrub.js";
import { issuePath } from "../common/zod-issues.js";
import { INGESTION_SIGNAL } from "./ingestion.js";

/** A query result table as the SDK returns it: column names, and rows of values. */
export interface RawTable {
  columns: string[];
  rows: unknown[][];
  /** The Kusto type of each column, when the answer said (the REST answer always does). */
  types?: string[] | undefined;
}

/** How many items were unreadable, and the first one's reason. */
export interface Unreadable {
  count: number;
  first: string | undefined;
}

export interface MappedRows {
  rows: { [K in SignalName]: SignalRow<K>[] };
  malformed: Record<SignalName, Unreadable>;
  /** Per signal, the tables that answered and how many events their filter matched. */
  coverage: Record<SignalName, Record<string, number>>;
  /**
   * Rows naming no known signal (a misspelt or missing Signal, a row that is not a list): they
   * could have been any signal's, so every signal of the answer is in doubt.
   */
  unknown: Unreadable;
  /**
   * Why the answer as a whole cannot be read (columns missing, renamed or of another type, rows
   * that are not a list); undefined when it can. Such an answer is refused, not read row by row.
   */
  schema: string | undefined;
}

const isSignal = (s: unknown): s is SignalName =>
  typeof s === "string" && (SIGNAL_NAMES as readonly string[]).includes(s);

const emptyBy = <T>(make: () => T) => Object.fromEntries(SIGNAL_NAMES.map((n) => [n, make()])) as Record<SignalName, T>;

const count = (u: Unreadable, reason: () => string) => {
  u.count++;
  if (!u.first) u.first = reason();
};

/** A value as it appears in a problem text: short, and never more than a line. */
const shown = (v: unknown) => {
  const s = v === undefined ? "nothing" : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/**
 * Maps the combined query's rows into the canonical model. An answer whose columns are not the
 * legs' (a column missing, renamed or retyped) is refused whole, with the column named. Every row
 * is validated; one that does not fit is counted against its signal with the first reason kept,
 * never read as zero, and a row naming no known signal is counted apart (it casts doubt on all).
 */
export function mapSignalRows(table: RawTable): MappedRows {
  const out: MappedRows = {
    rows: emptyBy(() => []) as MappedRows["rows"],
    malformed: emptyBy(() => ({ count: 0, first: undefined })),
    coverage: emptyBy(() => ({})),
    unknown: { count: 0, first: undefined },
    schema: answerSchemaProblem(table.columns, table.types),
  };
  if (out.schema) return out;
  if (!Array.isArray(table.rows)) {
    out.schema = `the answer's rows are not a list (got ${shown(table.rows)})`;
    return out;
  }
  const index = new Map(table.columns.map((c, i) => [c, i]));
  const get = (row: unknown[], column: string) => row[index.get(column) ?? -1];

  table.rows.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) {
      count(out.unknown, () => `row ${i} is not a list of values (got ${shown(row)})`);
      return;
    }
    const signal = get(row, "Signal");
    // The ingestion leg's rows say how complete the data is; queries/ingestion-leg.ts reads them.
    if (signal === INGESTION_SIGNAL) return;
    if (!isSignal(signal)) {
      count(out.unknown, () => `row ${i}: Signal ${shown(signal)} is no signal vaultwatch asks for`);
      return;
    }
    const malformed = (reason: string) => count(out.malformed[signal], () => `row ${i}: ${reason}`);
    // A short (or long) row has its values under the wrong columns: none of them can be trusted.
    if (row.length !== table.columns.length) {
      malformed(`has ${row.length} values for ${table.columns.length} columns`);
      return;
    }
    const dims = get(row, "Dims") as Record<string, unknown> | null;
    const counts = get(row, "Counts") as Record<string, unknown> | null;
    const kind = get(row, "RowKind");
    if (kind === "coverage") {
      const tableName = dims?.table;
      const events = counts?.events;
      if (typeof tableName !== "string" || tableName === "")
        malformed(`coverage row names no table (Dims ${shown(dims)})`);
      else if (typeof events !== "number" || !Number.isInteger(events) || events < 0)
        malformed(`coverage row for ${tableName} has no event count (Counts ${shown(counts)})`);
      else out.coverage[signal][tableName] = (out.coverage[signal][tableName] ?? 0) + events;
      return;
    }
    if (kind !== "data") {
      malformed(`RowKind ${shown(kind)} is neither "data" nor "coverage"`);
      return;
    }
    const sample = get(row, "Sample");
    const candidate = {
      binStart: get(row, "BinStart"),
      dims,
      counts,
      firstAt: get(row, "FirstAt"),
      lastAt: get(row, "LastAt"),
      sample: typeof sample === "string" ? scrubSample(sample) : sample,
    };
    const parsed = SIGNAL_ROWS[signal].safeParse(candidate);
    if (parsed.success) {
      (out.rows[signal] as unknown[]).push(parsed.data);
      return;
    }
    const issue = parsed.error.issues[0];
    malformed(`${issue ? issuePath(issue.path, { whole: "row" }) : "row"} ${issue?.message ?? "is malformed"}`);
  });
  return out;
}
