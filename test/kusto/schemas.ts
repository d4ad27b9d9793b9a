/**
 * Column schemas of the Log Analytics tables vaultwatch reads, for the Kusto language service:
 * the emulator's table schemas (tools/emulator/schemas.ts, where the sources are cited) written
 * as schema strings "(Col:type, ...)", so the product's queries are checked against the same
 * columns the emulator holds records in. docs/signals.md says which diagnostic settings
 * populate them.
 */
import type { ColumnSpec } from "../../tools/kusto/types.js";
import {
  AZURE_DIAGNOSTICS_OPTIONAL_COLUMNS,
  CLASSIC_APP_INSIGHTS_TABLES,
  TABLE_SCHEMAS,
  withoutAzureDiagnosticsColumns,
} from "../../tools/emulator/schemas.js";

const schema = (cols: readonly ColumnSpec[]) => `(${cols.map((c) => `${c.name}:${c.type}`).join(", ")})`;

function schemaStrings(tables: Readonly<Record<string, readonly ColumnSpec[]>>, names: readonly string[]) {
  return Object.fromEntries(names.map((name) => [name, schema(tables[name]!)]));
}

const WORKSPACE_TABLES = Object.keys(TABLE_SCHEMAS).filter((t) => !CLASSIC_APP_INSIGHTS_TABLES.includes(t));

/** A workspace whose AzureDiagnostics has seen Key Vault identity and authorization columns. */
export const WORKSPACE_FULL: Record<string, string> = schemaStrings(TABLE_SCHEMAS, WORKSPACE_TABLES);

/** A workspace whose AzureDiagnostics has only the guaranteed base columns. */
export const WORKSPACE_BASE_COLUMNS: Record<string, string> = schemaStrings(
  withoutAzureDiagnosticsColumns(AZURE_DIAGNOSTICS_OPTIONAL_COLUMNS),
  WORKSPACE_TABLES,
);

/** A classic Application Insights resource. */
export const CLASSIC_APP_INSIGHTS: Record<string, string> = schemaStrings(TABLE_SCHEMAS, CLASSIC_APP_INSIGHTS_TABLES);
