import { ANSWER_COLUMNS } from "../../src/core/signals/answer-columns.js";
import type { QueryAnswer, Workspace } from "../emulator/emulator.js";
import type { AnswerDrift } from "../scenario/format-v2.js";

interface AnswerTable {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

/** The drift in force at `t` (ms): from inclusive, until exclusive. */
export function driftAt(drifts: readonly AnswerDrift[], t: number): AnswerDrift | undefined {
  return drifts.find((d) => d.from.getTime() <= t && (d.until === undefined || t < d.until.getTime()));
}

/** Whether a REST answer is the signals query's: its first table has every column the legs project. */
function signalsTable(body: unknown): AnswerTable | undefined {
  const table = (body as { tables?: AnswerTable[] } | null)?.tables?.[0];
  const names = new Set(table?.columns?.map((c) => c.name));
  return table && ANSWER_COLUMNS.every(([c]) => names.has(c)) ? table : undefined;
}

/** The signals query's answer with `drift` applied to its first table, in the REST shape; the rest as it was. */
export function driftedAnswer(body: unknown, drift: AnswerDrift): unknown {
  const copy = structuredClone(body);
  const table = signalsTable(copy);
  if (!table) return copy;
  const i = table.columns.findIndex((c) => c.name === drift.column);
  const column = table.columns[i]!;
  if (drift.kind === "column-renamed") column.name = drift.to!;
  else if (drift.kind === "column-retyped") column.type = drift.type!;
  else {
    table.columns.splice(i, 1);
    for (const row of table.rows) row.splice(i, 1);
  }
  return copy;
}

/**
 * A workspace whose answers to the monitor's signals query drift while one of `drifts` is in force
 * at the workspace's clock (`now`); every other query, and every failed one, is answered as it is.
 */
export function driftingWorkspace(workspace: Workspace, drifts: readonly AnswerDrift[], now: () => Date): Workspace {
  if (drifts.length === 0) return workspace;
  return {
    answer(query, timespan, options): QueryAnswer {
      const real = workspace.answer(query, timespan, options);
      const drift = driftAt(drifts, now().getTime());
      if (!drift || real.status !== 200 || !signalsTable(real.body)) return real;
      return { ...real, body: driftedAnswer(real.body, drift) };
    },
  };
}
