import type { SignalName, SignalRow } from "./signal-set.js";

/**
 * The Key Vault signals whose data rows split exactly the events their coverage row counts: both
 * read the same filtered source (queries/signals/leg.ts), and the data rows group every event by
 * bin, vault and caller with `count()` as the total. So, per table, the rows' totals add up to the
 * coverage count, and an answer where they do not (events counted but no rows, rows dropped or
 * altered) has lost something on the way.
 */
const EXACT: ReadonlySet<SignalName> = new Set(["kv-requests", "kv-history"]);

type KvRows = SignalRow<"kv-requests">[] | SignalRow<"kv-history">[];

/**
 * Why a signal's rows disagree with its coverage, or undefined when they agree (or the signal
 * has no such rule). Read only on rows that all parsed: malformed ones already say why.
 */
export function coverageDisagreement(
  name: SignalName,
  rows: readonly unknown[],
  coverage: Readonly<Record<string, number>>,
): string | undefined {
  // No coverage at all is its own problem, named where the signal is assembled.
  if (!EXACT.has(name) || Object.keys(coverage).length === 0) return undefined;
  const totals: Record<string, number> = {};
  for (const r of rows as KvRows) totals[r.dims.source] = (totals[r.dims.source] ?? 0) + r.counts.total;
  const problems: string[] = [];
  for (const table of new Set([...Object.keys(coverage), ...Object.keys(totals)])) {
    const events = coverage[table];
    const total = totals[table] ?? 0;
    if (events === undefined) problems.push(`rows from ${table} (${total} requests) but no coverage row for it`);
    else if (events !== total)
      problems.push(
        total === 0
          ? `the coverage row counted ${events} events in ${table} but the answer has no rows for them`
          : `the coverage row counted ${events} events in ${table} but its rows add up to ${total}`,
      );
  }
  return problems.length > 0 ? `the answer does not add up: ${problems.join("; ")}` : undefined;
}
