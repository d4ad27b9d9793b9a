import { SIGNAL_NAMES, SIGNAL_ROWS, type SignalName, type SignalRow } from "./signal-set.js";
import { scrubSample } from "../common/scrub.js";
import { issuePath } from "../common/zod-issues.js";

/** A query result table as the SDK returns it: column names, and rows of values. */
export interface RawTable {
  columns: string[];
  rows: unknown[][];
}

export interface MappedRows {
  rows: { [K in SignalName]: SignalRow<K>[] };
  malformed: Record<SignalName, { count: number; first: string | undefined }>;
  /** Per signal, the tables that answered and how many events their filter matched. */
  coverage: Record<SignalName, Record<string, number>>;
  /** Rows naming no known signal (a newer query against an older mapper, say). */
  unknown: number;
}

const isSignal = (s: unknown): s is SignalName =>
  typeof s === "string" && (SIGNAL_NAMES as readonly string[]).includes(s);

const emptyBy = <T>(make: () => T) => Object.fromEntries(SIGNAL_NAMES.map((n) => [n, make()])) as Record<SignalName, T>;

/**
 * Maps the combined query's rows into the canonical model. Every row is validated; one that does
 * not fit is counted against its signal with the first reason kept, never read as zero.
 */
export function mapSignalRows(table: RawTable): MappedRows {
  const out: MappedRows = {
    rows: emptyBy(() => []) as MappedRows["rows"],
    malformed: emptyBy(() => ({ count: 0, first: undefined })),
    coverage: emptyBy(() => ({})),
    unknown: 0,
  };
  const index = new Map(table.columns.map((c, i) => [c, i]));
  const get = (row: unknown[], column: string) => row[index.get(column) ?? -1];

  table.rows.forEach((row, i) => {
    const signal = get(row, "Signal");
    if (!isSignal(signal)) {
      out.unknown++;
      return;
    }
    const dims = get(row, "Dims") as Record<string, unknown> | null;
    const counts = get(row, "Counts") as Record<string, unknown> | null;
    if (get(row, "RowKind") === "coverage") {
      const tableName = typeof dims?.table === "string" ? dims.table : "?";
      const events = Number(counts?.events);
      out.coverage[signal][tableName] = (out.coverage[signal][tableName] ?? 0) + (Number.isFinite(events) ? events : 0);
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
    const m = out.malformed[signal];
    m.count++;
    if (!m.first) {
      const issue = parsed.error.issues[0];
      m.first = `row ${i}: ${issue ? issuePath(issue.path, { whole: "row" }) : "row"} ${issue?.message ?? "is malformed"}`;
    }
  });
  return out;
}
