import { BACKFILL_HOURS } from "../../src/core/baselines/index.js";
import type { EmulatorThroughput, QueryThroughput } from "./emulator-throughput.js";

/**
 * The README's "Emulator throughput" section: how fast the Log Analytics emulator answers the
 * monitor's combined signals query over a busy workspace. Pure: results in, lines out.
 */
export function emulatorSection(e: EmulatorThroughput | { error: string } | undefined): string[] {
  if (e === undefined) return [];
  const out = ["## Emulator throughput", ""];
  if ("error" in e) {
    out.push(`Not measured: ${e.error.replace(/\s*\n\s*/g, "; ")}`, "");
    return out;
  }
  const s = e.size;
  out.push(
    "vaultwatch's combined signals query, rendered as the adapter renders it (every table present, every leg planned), " +
      "answered by the Log Analytics emulator (`tools/emulator`) over a busy workspace (`tools/bench/busy-workspace.ts`): " +
      `${s.callers} managed identities reading from ${s.vaults} vaults for ${s.days} days, one Key Vault audit record per identity every ${s.everyMinutes} minutes ` +
      "with the requests it stands for as its multiplicity, a few 403s and 429s, the SDK's challenges, other services' AzureDiagnostics rows and AzureActivity Start/Success pairs: " +
      `${count(e.storedRows)} stored rows standing for ${count(e.storedRecords)} records. ` +
      `Building the store took ${secs(e.buildSeconds)} and grew the heap by ${fixed(e.heapBytes / 2 ** 20, 0)} MB (${fixed(e.heapBytes / 1024 / Math.max(1, e.storedRows), 1)} KB a row).`,
    "",
    "| query | legs | rows scanned | records scanned | result rows | first answer | warm answer | rows/s | records/s |",
    "|---|---|---|---|---|---|---|---|---|",
    row("tick (every 5 minutes)", e.tick),
    row(`first tick: ${BACKFILL_HOURS / 24}-day history backfill and SLO period sums`, e.backfill),
    "",
    `A first answer parses and binds the query (${secs(e.parseSeconds)} for the tick query alone, in Kusto.Language) and warms the evaluator up; ` +
      "later ticks send the same query with other datetimes and reuse the bound tree. Rows scanned count every row a leg read (a row read by two legs counts twice); " +
      "records scanned weigh each row by its multiplicity. The throughput figures in results.json (`emulator.rowsPerSecond`, `emulator.recordsPerSecond`) are the warm first-tick answer's: " +
      `${rate(e.rowsPerSecond)} rows/s, ${rate(e.recordsPerSecond)} records/s.`,
    "",
  );
  return out;
}

function row(title: string, q: QueryThroughput): string {
  return (
    `| ${title} | ${q.legs} | ${count(q.rowsScanned)} | ${count(q.recordsScanned)} | ${count(q.resultRows)} | ` +
    `${secs(q.firstSeconds)} | ${secs(q.warmSeconds)} | ${rate(q.rowsScanned / q.warmSeconds)} | ${rate(q.recordsScanned / q.warmSeconds)} |`
  );
}

const fixed = (v: number, digits: number) => v.toFixed(digits);
const count = (n: number) => Math.round(n).toLocaleString("en-US");
const secs = (s: number) => `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;

/** "870", "131 k", "27.6 M": a rate to three significant figures or so. */
export function rate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "–";
  if (perSecond >= 1e6) return `${fixed(perSecond / 1e6, 1)} M`;
  if (perSecond >= 1e4) return `${fixed(perSecond / 1e3, 0)} k`;
  return fixed(perSecond, 0);
}
