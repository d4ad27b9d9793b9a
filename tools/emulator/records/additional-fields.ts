import type { ColumnSpec } from "../../kusto/types.js";
import type { RawRecord } from "./raw-record.js";

/**
 * An AzureDiagnostics record as a workspace without some of its columns stores it. Once the
 * table has 500 columns, fields without a column go into the dynamic AdditionalFields bag
 * instead, under their names without the type suffix (MicrosoftDocs/azure-reference-other
 * azure-monitor-ref/tables/azurediagnostics.md, "AdditionalFields column": NewInfo2_s → {"NewInfo2": …}).
 * Use with a schema from `withoutAzureDiagnosticsColumns` to build such a workspace.
 */
export function fitAzureDiagnostics(record: RawRecord, schema: readonly ColumnSpec[]): RawRecord {
  const known = new Set(schema.map((c) => c.name));
  const kept: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(record)) {
    if (known.has(column)) kept[column] = value;
    else extra[column.replace(/_[sdbgt]$/, "")] = value;
  }
  if (Object.keys(extra).length === 0) return record;
  const existing = record.AdditionalFields;
  kept.AdditionalFields = { ...(existing && typeof existing === "object" ? existing : {}), ...extra };
  return kept;
}
