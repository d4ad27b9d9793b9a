import type { SignalName, SignalResult, SignalRow } from "../signals/signal-set.js";

type Table = SignalRow<"kv-history">["dims"]["source"];

/** On a tie the resource-specific table: the one Microsoft recommends and the one being migrated to. */
const PREFERRED: Table = "AZKVAuditLogs";

/**
 * A vault whose events reach both Key Vault tables (two diagnostic settings, or mid-migration)
 * logs each request twice. For every Key Vault leg, per vault and per reading (a bin, or an
 * alerting window or SLO period of the sums), only the table that saw more events counts; on a tie
 * the resource-specific one. Per reading rather than per vault: the two tables' ingestion delays
 * differ, so the newest bin may have arrived in one table only, and a vault that moved from one
 * table to the other keeps the hours it logged before the move. A window that spans a move counts
 * the larger side, never both.
 */
export function oneTablePerVault(signals: { [K in SignalName]: SignalResult<K> }): void {
  signals["kv-requests"].rows = perBin(signals["kv-requests"].rows);
  signals["kv-history"].rows = perBin(signals["kv-history"].rows);
  signals["slo-windows"].rows = perWindow(signals["slo-windows"].rows);
  signals["slo-period"].rows = perWindow(signals["slo-period"].rows);
}

/** Per vault and reading, the table with more events (PREFERRED on a tie). */
function winners(readings: Iterable<[key: string, table: Table, events: number]>): Map<string, Table> {
  const events = new Map<string, Record<Table, number>>();
  for (const [key, table, n] of readings) {
    const seen = events.get(key) ?? { AzureDiagnostics: 0, AZKVAuditLogs: 0 };
    seen[table] += n;
    events.set(key, seen);
  }
  const out = new Map<string, Table>();
  for (const [key, seen] of events) {
    const other: Table = PREFERRED === "AZKVAuditLogs" ? "AzureDiagnostics" : "AZKVAuditLogs";
    out.set(key, seen[other] > seen[PREFERRED] ? other : PREFERRED);
  }
  return out;
}

interface Binned {
  binStart: Date;
  dims: { vaultResourceId: string; source: Table };
  counts: { total: number };
}

/** Rows in time bins (requests, hourly history): the winning table per vault and bin. */
function perBin<R extends Binned>(rows: R[]): R[] {
  const key = (r: R) => `${r.dims.vaultResourceId}|${r.binStart.getTime()}`;
  const won = winners(rows.map((r) => [key(r), r.dims.source, r.counts.total]));
  return rows.filter((r) => won.get(key(r)) === r.dims.source);
}

type Summed = SignalRow<"slo-windows"> | SignalRow<"slo-period">;

/**
 * Sums over windows (bad5m/total5m …, bad30d/total30d …): per vault and window, the losing
 * table's pair is zeroed; a row left with no calls in any window is dropped. App→dependency rows
 * are not Key Vault's and pass unchanged.
 */
function perWindow<R extends Summed>(rows: R[]): R[] {
  const windowsOf = (r: R) =>
    Object.keys(r.counts)
      .filter((k) => k.startsWith("total"))
      .map((k) => k.slice("total".length));
  const readings: [string, Table, number][] = [];
  for (const r of rows) {
    if (r.dims.subject !== "identity-vault") continue;
    const counts = r.counts as Record<string, number>;
    for (const w of windowsOf(r))
      readings.push([`${r.dims.vaultResourceId}|${w}`, r.dims.source, counts[`total${w}`]!]);
  }
  const won = winners(readings);
  return rows.flatMap((r) => {
    const dims = r.dims;
    if (dims.subject !== "identity-vault") return [r];
    const lost = windowsOf(r).filter((w) => won.get(`${dims.vaultResourceId}|${w}`) !== dims.source);
    if (lost.length === 0) return [r];
    const counts = { ...r.counts } as Record<string, number>;
    for (const w of lost) {
      counts[`bad${w}`] = 0;
      counts[`total${w}`] = 0;
    }
    if (windowsOf(r).every((w) => counts[`total${w}`] === 0)) return [];
    return [{ ...r, counts } as R];
  });
}
