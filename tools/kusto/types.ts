/**
 * The evaluator's data model. Values are held in one JavaScript form per Kusto type, chosen so that
 * Kusto's arithmetic on datetimes and timespans is plain arithmetic:
 *
 * | Kusto type              | held as                                            |
 * |-------------------------|----------------------------------------------------|
 * | string                  | string (Kusto has no null string: missing is "")   |
 * | long, int, real, decimal| number, or null                                    |
 * | bool                    | boolean, or null                                   |
 * | datetime                | number: milliseconds since the Unix epoch, or null |
 * | timespan                | number: milliseconds, or null                      |
 * | guid                    | string in lower case, or null                      |
 * | dynamic                 | a JSON value (object, array, string, number, boolean), or null |
 *
 * Kusto keeps 100-nanosecond ticks; milliseconds are enough for every query here (bins are minutes).
 */
export type KustoType =
  | "string"
  | "long"
  | "int"
  | "real"
  | "decimal"
  | "bool"
  | "datetime"
  | "timespan"
  | "guid"
  | "dynamic";

export const KUSTO_TYPES: readonly KustoType[] = [
  "string",
  "long",
  "int",
  "real",
  "decimal",
  "bool",
  "datetime",
  "timespan",
  "guid",
  "dynamic",
];

export interface ColumnSpec {
  name: string;
  type: KustoType;
}

/**
 * One row. `count` is its multiplicity: a row standing for `count` identical records, honoured by
 * every aggregate (`count()` adds it, `sum(x)` adds x × count, `dcount` ignores it). Operators that
 * keep rows keep it; `summarize` produces rows of count 1. `ingestedAt` (ms) answers `ingestion_time()`.
 */
export interface Row {
  values: unknown[];
  count: number;
  ingestedAt?: number | null;
  /** True when no one else holds `values`: an operator may then write into it instead of copying. */
  owned?: boolean;
}

/** A time range in ms, [from, to): a hint a source may use to skip rows; the query still filters. */
export interface TimeRange {
  from?: number;
  to?: number;
}

/** A table the evaluator can read: its schema and its rows (in the value forms above). */
export interface TableSource {
  readonly columns: readonly ColumnSpec[];
  /**
   * Rows whose TimeGenerated (or the table's time column) lies in `range`, or all rows. With
   * `columns` (indexes into `columns`), each row may hold only those values, in that order; a
   * source that ignores it returns whole rows, and the evaluator narrows them.
   */
  scan(range?: TimeRange, columns?: readonly number[]): Iterable<Row>;
  /** True when `scan` honours `columns`. */
  readonly projects?: boolean;
  /** The name of the column `range` applies to; absent when the source ignores ranges. */
  readonly timeColumn?: string;
}

/** The tables a query may name. Names are case-sensitive, as in Kusto. */
export type Database = ReadonlyMap<string, TableSource>;

export interface EvaluateOptions {
  /** What `now()` and `ago()` read. */
  now: Date;
}

/** A query's result: columns with their types, and rows (multiplicity expanded) in the value forms above. */
export interface ResultTable {
  columns: ColumnSpec[];
  rows: unknown[][];
}

/** Where in the query text something is: 1-based line and column, and the offset. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/**
 * A query the evaluator will not answer, in the service's vocabulary: SyntaxError and SemanticError
 * are what Log Analytics reports for the same query; UnsupportedError names a construct Kusto has
 * but this evaluator does not, so a query that outgrows it fails loudly instead of answering wrong.
 */
export class KqlError extends Error {
  override readonly name = "KqlError";
  constructor(
    readonly code: "SyntaxError" | "SemanticError" | "UnsupportedError" | "EvaluationError",
    message: string,
    readonly position?: Position,
    /** The construct refused, e.g. "operator mv-expand" or "function series_decompose". */
    readonly construct?: string,
  ) {
    super(position ? `${message} (line ${position.line}, column ${position.column})` : message);
  }
}

/** A scalar function: takes evaluated arguments with their static types, returns a value of `resultType`. */
export type ScalarFunction = (args: unknown[], argTypes: readonly KustoType[], resultType: KustoType) => unknown;

/**
 * An aggregation function. `args` are the evaluated arguments for one row; `count` is the row's
 * multiplicity. `result` returns the aggregate's value, or for `arg_max`/`arg_min` an array of
 * values (the compared value, then each column asked for).
 */
export interface Aggregate<S = unknown> {
  init(): S;
  add(state: S, args: unknown[], count: number): S;
  result(state: S): unknown;
}

export type AggregateFactory = (argTypes: readonly KustoType[], resultType: KustoType) => Aggregate;
