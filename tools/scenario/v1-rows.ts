import type { SignalRow } from "../../src/core/signals/signal-set.js";
import {
  APP_SIGNAL_TABLES,
  DEP_COUNTS,
  KV_COUNTS,
  ROW_SIGNALS,
  type ParsedScenarioFileV1,
  type RowSignal,
} from "./format-v1.js";
import { SCENARIO_BIN_MINUTES } from "./format.js";
import { MAX_SPAN_DAYS, type Problem } from "./world-checks.js";

/** The rows of one bin, in the signal model's shapes, merged per dims as Kusto would group them. */
export interface BinRows {
  "kv-requests": SignalRow<"kv-requests">[];
  "dependency-calls": SignalRow<"dependency-calls">[];
  "credential-traces": SignalRow<"credential-traces">[];
  "host-startup": SignalRow<"host-startup">[];
}

/** A v1 timeline as signal rows per bin start (epoch ms), and the series name of each set of dims. */
export interface V1Rows {
  bins: Map<number, BinRows>;
  /** `signal|JSON(dims)` → the first series that has these dims. */
  seriesOf: Map<string, string>;
}

const BIN_MS = SCENARIO_BIN_MINUTES * 60_000;
const DAY_MS = 86_400_000;

export const dimsKey = (signal: RowSignal, dims: unknown) => `${signal}|${JSON.stringify(dims)}`;

/**
 * Expands a v1 timeline (`until` repeats, series references, missing counts) into rows per bin,
 * rows with the same dims in the same bin added up: exactly what v1's stand-in workspace answered
 * from. Problems name the v1 file's JSON paths.
 */
export function v1Rows(f: ParsedScenarioFileV1, problem: Problem): V1Rows {
  const tables = new Set(f.workspace.tables);
  const bins = new Map<number, BinRows>();
  const seriesOf = new Map<string, string>();
  for (const [name, s] of Object.entries(f.series)) {
    const key = dimsKey(s.signal, s.dims);
    if (!seriesOf.has(key)) seriesOf.set(key, name);
  }
  f.timeline.forEach((entry, i) => {
    const from = entry.at.getTime();
    if (from % BIN_MS !== 0)
      problem(
        ["timeline", i, "at"],
        `expected the start of a ${SCENARIO_BIN_MINUTES}-minute bin (minutes divisible by ${SCENARIO_BIN_MINUTES}, no seconds)`,
      );
    const until = entry.until?.getTime() ?? from + BIN_MS;
    if (entry.until && (until <= from || until % BIN_MS !== 0))
      problem(["timeline", i, "until"], `expected a ${SCENARIO_BIN_MINUTES}-minute boundary after at`);
    if (until - from > MAX_SPAN_DAYS * DAY_MS)
      return problem(["timeline", i, "until"], `expected at most ${MAX_SPAN_DAYS} days after at`);
    for (const signal of ROW_SIGNALS) {
      entry[signal].forEach((row, j) => {
        const path = ["timeline", i, signal, j];
        const dims = dimsOf(f, signal, row, path, problem);
        if (!dims) return;
        const table = signal === "kv-requests" ? (dims as { source: string }).source : APP_SIGNAL_TABLES[signal];
        if (!tables.has(table)) problem(path, `the workspace has no ${table} table: add it to workspace.tables`);
        const counts = countsOf(signal, row.counts as Record<string, number | undefined>, path, problem);
        if (!counts) return;
        for (let t = from; t < until; t += BIN_MS)
          add(bins, t, signal, dims, counts, "sample" in row ? row.sample : undefined);
      });
    }
  });
  return { bins, seriesOf };
}

type Row = { series?: string | undefined; dims?: unknown };

function dimsOf(
  f: ParsedScenarioFileV1,
  signal: RowSignal,
  row: Row,
  path: PropertyKey[],
  problem: Problem,
): Record<string, unknown> | undefined {
  if ((row.series === undefined) === (row.dims === undefined)) {
    problem(path, "expected exactly one of series (a name from `series`) or dims");
    return undefined;
  }
  if (row.dims !== undefined) return row.dims as Record<string, unknown>;
  const s = f.series[row.series!];
  if (!s) {
    problem(
      [...path, "series"],
      `no series named ${JSON.stringify(row.series)}${Object.keys(f.series).length ? `; known: ${Object.keys(f.series).join(", ")}` : ""}`,
    );
    return undefined;
  }
  if (s.signal !== signal) {
    problem([...path, "series"], `series ${JSON.stringify(row.series)} is a ${s.signal} series, not ${signal}`);
    return undefined;
  }
  return s.dims as Record<string, unknown>;
}

/** Fills the counts in: missing ones are 0, a missing total is the sum of the status counts. */
function countsOf(
  signal: RowSignal,
  given: Record<string, number | undefined>,
  path: PropertyKey[],
  problem: Problem,
): Record<string, number> | undefined {
  const keys = signal === "kv-requests" ? KV_COUNTS : signal === "dependency-calls" ? DEP_COUNTS : ["events"];
  const counts = Object.fromEntries(keys.map((k) => [k, given[k] ?? 0]));
  if (signal === "credential-traces" || signal === "host-startup") return counts;
  const parts = keys.filter((k) => k !== "total").reduce((n, k) => n + counts[k]!, 0);
  if (given.total === undefined) counts.total = parts;
  else if (parts > counts.total!) {
    problem([...path, "counts"], `the status counts add up to ${parts}, more than total ${counts.total}`);
    return undefined;
  }
  return counts;
}

function add(
  bins: Map<number, BinRows>,
  t: number,
  signal: RowSignal,
  dims: Record<string, unknown>,
  counts: Record<string, number>,
  sample: string | undefined,
): void {
  let b = bins.get(t);
  if (!b) {
    b = { "kv-requests": [], "dependency-calls": [], "credential-traces": [], "host-startup": [] };
    bins.set(t, b);
  }
  const rows = b[signal] as { dims: unknown; counts: Record<string, number>; sample?: string }[];
  const key = JSON.stringify(dims);
  const same = rows.find((r) => JSON.stringify(r.dims) === key);
  if (same) {
    for (const [k, v] of Object.entries(counts)) same.counts[k] = (same.counts[k] ?? 0) + v;
    return;
  }
  rows.push({
    binStart: new Date(t),
    dims,
    counts: { ...counts },
    ...(sample !== undefined ? { sample } : {}),
  } as (typeof rows)[number]);
}
