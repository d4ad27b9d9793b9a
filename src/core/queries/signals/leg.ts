import type { SignalName } from "../../signals/signal-set.js";

/**
 * One signal read from one table: the rows it contributes to the combined query, and a coverage
 * row counting the events its filter matched (so "no rows" can be told apart from "no table").
 * Both are complete tabular expressions over the same source, projected onto LEG_COLUMNS, and may
 * use the window parameters the combined query declares (see signals-query.ts).
 */
export interface Leg {
  signal: SignalName;
  table: string;
  /** The source table with its filters, shared by data and coverage. */
  source: string;
  /** Pipes after `source` that aggregate and project the data rows. */
  aggregate: string;
}

/** The `let`-bound datetimes a leg may start from (declared by the combined query). */
export type WindowBound = "windowStart" | "priorStart" | "changesStart" | "sloStart" | "periodStart" | "historyStart";

/**
 * Where a leg's read ends: the tick (`windowEnd`), or the data horizon (`sloEnd`), before which
 * every record has arrived (signals/ingestion.ts): the SLO sums are ratios, and a ratio over bins
 * still filling up is not the ratio.
 */
export type WindowEnd = "windowEnd" | "sloEnd";

/**
 * The columns every leg projects, in order, with their Kusto types: the same list the mapper
 * checks an answer against (signals/answer-columns.ts), so the two cannot drift apart.
 */
export { ANSWER_COLUMNS as LEG_COLUMNS } from "../../signals/answer-columns.js";

/** The tail that projects aggregated columns onto LEG_COLUMNS. */
export function project(
  signal: SignalName,
  dims: Record<string, string>,
  counts: Record<string, string>,
  extra: { sample?: string; firstAt?: string; lastAt?: string; binStart?: string } = {},
): string {
  const bag = (fields: Record<string, string>) =>
    `bag_pack(${Object.entries(fields)
      .map(([k, v]) => `"${k}", ${v}`)
      .join(", ")})`;
  return [
    `| project Signal = "${signal}", RowKind = "data", BinStart = ${extra.binStart ?? "BinStart"},`,
    `    Dims = ${bag(dims)},`,
    `    Counts = ${bag(counts)},`,
    `    Sample = ${extra.sample ?? '""'}, FirstAt = ${extra.firstAt ?? "datetime(null)"}, LastAt = ${extra.lastAt ?? "datetime(null)"}`,
  ].join("\n");
}

/** The coverage row of a leg: how many events its filter matched in the window. */
export function coverage(leg: Leg): string {
  return [
    leg.source,
    "| summarize Events = count()",
    `| project Signal = "${leg.signal}", RowKind = "coverage", BinStart = windowStart, Dims = bag_pack("table", "${leg.table}"), Counts = bag_pack("events", Events), Sample = "", FirstAt = windowStart, LastAt = windowEnd`,
  ].join("\n");
}
