import type { ExportFormat } from "./export-file.js";
import type { FileSummary, LogsSummary } from "./read-export.js";

const FORMAT_NAMES: Record<ExportFormat, string> = {
  "query-api": "query API JSON",
  "azure-cli": "Azure CLI JSON",
  "portal-csv": "portal CSV",
};
/** Dropped columns named one by one; the rest are counted. */
const NAMED_COLUMNS = 12;

/**
 * What the exports gave, for stderr: per file its format, rows and tables, where ingestion times
 * came from, and everything left out — columns the schema does not know, rows of other tables,
 * files not read — so nothing is dropped without a word.
 */
export function describeLoad(s: LogsSummary): string[] {
  const lines = [`read ${s.files.length} export${s.files.length === 1 ? "" : "s"} from ${s.dir}:`];
  for (const f of s.files) lines.push(...describeFile(f));
  if (s.skipped.length > 0) lines.push(`  not read (not a .json or .csv file): ${s.skipped.join(", ")}`);
  for (const [table, t] of Object.entries(s.tables))
    lines.push(`  ${table}: ${n(t.records)} records, ${minute(t.first)} to ${minute(t.last)}`);
  return lines;
}

function describeFile(f: FileSummary): string[] {
  const tables = Object.entries(f.loaded);
  const into = tables.length === 0 ? "no records" : tables.map(([t, k]) => `${n(k)} into ${t}`).join(", ");
  const ingestion = f.ingestionColumn
    ? `ingestion times from ${f.ingestionColumn}`
    : "no ingestion-time column: the default ingestion delays apply";
  const lines = [`  ${f.file} (${FORMAT_NAMES[f.format]}): ${n(f.rows)} rows, ${into}; ${ingestion}`];
  if (f.dropped.length > 0) {
    const withValues = f.dropped.filter((d) => d.values > 0).sort((a, b) => b.values - a.values);
    const named = withValues.slice(0, NAMED_COLUMNS).map((d) => `${d.column} (${n(d.values)})`);
    const more = withValues.length - named.length;
    lines.push(
      `    dropped ${n(f.dropped.length)} column${f.dropped.length === 1 ? "" : "s"} the table's schema does not know` +
        (withValues.length === 0
          ? ", none holding a value"
          : `; ${withValues.length} held values (rows): ${named.join(", ")}${more > 0 ? `, and ${more} more` : ""}`),
    );
  }
  const others = Object.entries(f.otherTables);
  if (others.length > 0)
    lines.push(
      `    skipped rows of tables vaultwatch does not read: ${others.map(([t, k]) => `${t} (${n(k)})`).join(", ")}`,
    );
  if (f.ingestedEarly > 0)
    lines.push(
      `    ${n(f.ingestedEarly)} row${f.ingestedEarly === 1 ? " was" : "s were"} ingested before ${f.ingestedEarly === 1 ? "its" : "their"} TimeGenerated (a source's clock ahead): taken as ingested at TimeGenerated`,
    );
  return lines;
}

function n(k: number): string {
  return k.toLocaleString("en-US");
}

function minute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}
