import type { LogStore } from "../emulator/store.js";

/**
 * The TimeGenerated of the store's earliest and latest records, over every table; undefined when
 * there are none. The history a scenario gives the monitor starts at `from`.
 */
export function recordSpan(logs: LogStore): { from: Date; to: Date } | undefined {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  const all = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
  // Records come in TimeGenerated order: the first is the earliest; the last needs the whole walk.
  for (const table of logs.tables())
    for (const { record } of logs.records(table, all)) {
      const t = Date.parse(String(record.TimeGenerated));
      if (t < from) from = t;
      if (t > to) to = t;
    }
  return Number.isFinite(from) ? { from: new Date(from), to: new Date(to) } : undefined;
}
