import { kqlDatetime, kqlString } from "./kql.js";
import type { RawTable } from "../signals/from-rows.js";
import { INGESTION_SIGNAL, type IngestionReading, type TableIngestion } from "../signals/ingestion.js";

/*
 * The ingestion leg: per table, over the look-back, how many records arrived, the newest
 * TimeGenerated, the newest ingestion_time() (when the table last received anything) and the 95th
 * percentile of ingestion_time() − TimeGenerated; and the Operation table's newest data-capping
 * warning. Its rows name INGESTION_SIGNAL and are read apart from the signals (`readIngestion`):
 * they say how complete the other legs' data is, not what happened to a vault.
 */

/** The tables whose delay the leg measures when the workspace has them. */
export const INGESTION_TABLES = ["AzureDiagnostics", "AZKVAuditLogs", "AzureActivity", "FunctionAppLogs"] as const;

/** The table that records the workspace's own operational events, daily-cap warnings among them. */
export const OPERATION_TABLE = "Operation";

/**
 * The data-capping warning: `OperationCategory == "Data Collection Status"` with "OverQuota" in
 * Detail, as Microsoft's daily-cap alert reads it (azure-monitor-docs logs/monitor-workspace.md;
 * tools/emulator/records/operation.ts has the record and its sources).
 */
const DAILY_CAP = '| where OperationCategory == "Data Collection Status" and Detail has "OverQuota"';

/**
 * AzureDiagnostics is shared by about forty services: its delay is measured on Key Vault's
 * AuditEvent rows, the ones the monitor judges.
 */
const FILTERS: Record<string, string> = {
  AzureDiagnostics: '| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"',
};

/** The leg's union members for the tables the workspace has, over [start, end). */
export function ingestionMembers(tables: ReadonlySet<string>, start: Date, end: Date): string[] {
  const range = `| where TimeGenerated >= ${kqlDatetime(start)} and TimeGenerated < ${kqlDatetime(end)}`;
  const members = INGESTION_TABLES.filter((t) => tables.has(t)).map((t) =>
    [
      `// leg: ${INGESTION_SIGNAL} ${t}`,
      `(${t}`,
      range,
      ...(FILTERS[t] ? [FILTERS[t]] : []),
      "| extend Ingested = ingestion_time()",
      "| summarize Events = count(), NewestEvent = max(TimeGenerated), NewestIngested = max(Ingested), DelayP95 = percentile(Ingested - TimeGenerated, 95)",
      `| project Signal = ${kqlString(INGESTION_SIGNAL)}, RowKind = "delay", BinStart = NewestEvent, Dims = bag_pack("table", ${kqlString(t)}), Counts = bag_pack("events", Events, "delayP95Ms", tolong(DelayP95 / 1ms)), Sample = "", FirstAt = NewestEvent, LastAt = NewestIngested)`,
    ].join("\n"),
  );
  if (tables.has(OPERATION_TABLE))
    members.push(
      [
        `// leg: ${INGESTION_SIGNAL} ${OPERATION_TABLE}`,
        `(${OPERATION_TABLE}`,
        range,
        DAILY_CAP,
        "| summarize Events = count(), Newest = max(TimeGenerated)",
        `| project Signal = ${kqlString(INGESTION_SIGNAL)}, RowKind = "daily-cap", BinStart = Newest, Dims = bag_pack("table", ${kqlString(OPERATION_TABLE)}), Counts = bag_pack("events", Events), Sample = "", FirstAt = Newest, LastAt = Newest)`,
      ].join("\n"),
    );
  return members;
}

const dateOf = (v: unknown): Date | undefined => {
  if (v === null || v === undefined || v === "") return undefined;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? undefined : d;
};
const countOf = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;

/**
 * The ingestion rows of an answer; undefined when it has none (the leg was not asked, or the
 * answer is not readable). A row that does not read is left out, so a table without a readable
 * row is not judged: never "stopped" from a row the monitor could not read.
 */
export function readIngestion(table: RawTable): IngestionReading | undefined {
  const index = new Map(table.columns.map((c, i) => [c, i]));
  const get = (row: unknown[], column: string) => row[index.get(column) ?? -1];
  const tables: TableIngestion[] = [];
  let dailyCapAt: Date | undefined;
  let answered = false;
  if (!Array.isArray(table.rows)) return undefined;
  for (const row of table.rows) {
    if (!Array.isArray(row) || get(row, "Signal") !== INGESTION_SIGNAL) continue;
    answered = true;
    const dims = get(row, "Dims") as Record<string, unknown> | null;
    const counts = get(row, "Counts") as Record<string, unknown> | null;
    const events = countOf(counts?.events);
    const name = dims?.table;
    if (typeof name !== "string" || events === undefined) continue;
    if (get(row, "RowKind") === "daily-cap") {
      if (events > 0) dailyCapAt = dateOf(get(row, "LastAt"));
      continue;
    }
    tables.push({
      table: name,
      events,
      newestEvent: dateOf(get(row, "FirstAt")),
      newestIngested: dateOf(get(row, "LastAt")),
      delayP95Ms: countOf(counts?.delayP95Ms),
    });
  }
  return answered ? { tables, dailyCapAt } : undefined;
}
