import { evaluate } from "../../../tools/kusto/engine.js";
import type { ColumnSpec, Database, ResultTable, Row, TableSource } from "../../../tools/kusto/types.js";

/**
 * A table given literally: its columns, its rows in the value forms of types.ts, and optionally
 * each row's multiplicity (default 1).
 */
export interface LiteralTable {
  columns: ColumnSpec[];
  rows: unknown[][];
  counts?: number[];
}

/** What `now()` reads in every reference test: a fixed instant, never the clock. */
export const NOW = new Date("2026-01-15T12:00:00Z");

/** A TableSource over literal rows. */
export function tableOf(t: LiteralTable): TableSource {
  return {
    columns: t.columns,
    *scan(): Iterable<Row> {
      for (const [i, values] of t.rows.entries()) yield { values, count: t.counts?.[i] ?? 1 };
    },
  };
}

/** Runs a query over literal tables (most tests use `datatable` and pass none). */
export function run(query: string, tables: Record<string, LiteralTable> = {}, now: Date = NOW): ResultTable {
  const db: Database = new Map(Object.entries(tables).map(([name, t]) => [name, tableOf(t)]));
  return evaluate(query, db, { now });
}

/** The rows of a query's result. */
export const rowsOf = (query: string, tables: Record<string, LiteralTable> = {}): unknown[][] =>
  run(query, tables).rows;

/** The single value of a one-row, one-column result (e.g. `| project r = ...` over one row). */
export function valueOf(query: string, tables: Record<string, LiteralTable> = {}): unknown {
  const { rows } = run(query, tables);
  if (rows.length !== 1 || rows[0]!.length !== 1) throw new Error(`expected one value, got ${JSON.stringify(rows)}`);
  return rows[0]![0];
}

/** The result's columns as `name:type`, in order. */
export const columnsOf = (query: string, tables: Record<string, LiteralTable> = {}): string[] =>
  run(query, tables).columns.map((c) => `${c.name}:${c.type}`);

/** One row to evaluate scalar expressions over: `${ONE} | project r = <expr>`. */
export const ONE = "datatable(x:long)[1]";

/** Milliseconds of an ISO 8601 instant (the value form of a datetime). */
export const ms = (iso: string): number => Date.parse(iso);

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
