import type { CountPoint } from "./baseline.js";

/** One row of a backfill query: a series' failures and calls in one bin (e.g. `summarize ... by bin(TimeGenerated, 1h), series`). */
export interface BackfillRow {
  seriesKey: string;
  /** Bin start: a Date, or the ISO text a query returns. */
  at: Date | string;
  failures: number;
  total: number;
}

/**
 * Splits the rows of one backfill query over many series into each series' points, oldest first.
 * Rows of one series and bin (one per operation, say) add up. A row whose time does not parse
 * throws: a backfill that silently lost rows would learn a wrong normal.
 */
export function pointsBySeries(rows: Iterable<BackfillRow>): Map<string, CountPoint[]> {
  const bySeries = new Map<string, Map<number, CountPoint>>();
  let i = 0;
  for (const row of rows) {
    const at = row.at instanceof Date ? row.at : new Date(row.at);
    if (Number.isNaN(at.getTime()))
      throw new RangeError(`backfill row ${i} (${row.seriesKey}): "at" is not a valid time: ${String(row.at)}`);
    let bins = bySeries.get(row.seriesKey);
    if (!bins) bySeries.set(row.seriesKey, (bins = new Map()));
    const same = bins.get(at.getTime());
    if (same) {
      same.failures += row.failures;
      same.total += row.total;
    } else {
      bins.set(at.getTime(), { at: new Date(at.getTime()), failures: row.failures, total: row.total });
    }
    i++;
  }
  const out = new Map<string, CountPoint[]>();
  for (const [key, bins] of bySeries)
    out.set(
      key,
      [...bins.values()].sort((a, b) => a.at.getTime() - b.at.getTime()),
    );
  return out;
}
