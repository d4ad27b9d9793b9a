import type { KeyVaultAuditTable } from "./kv-requests.js";
import type { Leg } from "./leg.js";
import { project } from "./leg.js";

/**
 * Per vault and hour, over the longest alerting window (3 days, `sloStart`): how many AuditEvent
 * records the vault sent and the newest one's time. About forty services write to
 * AzureDiagnostics, so "the table has rows" says nothing about a given vault: this is what tells a
 * vault that went silent from one that never logged much (core/coverage/vault-silence.ts).
 *
 * Read every tick: it scans the same Key Vault rows the slo-windows leg already scans each tick
 * (3 days), reads two columns of them, and answers at most 72 small rows per vault (one per
 * active hour).
 */
export function vaultCoverageLeg(table: KeyVaultAuditTable): Leg {
  return {
    signal: "vault-coverage",
    table,
    // Every AuditEvent record counts, the SDK's challenge too: any record shows the vault's
    // diagnostic setting still sends here. Nothing about the caller is read, so nothing is extracted.
    source: [
      table,
      "| where TimeGenerated >= sloStart and TimeGenerated < windowEnd",
      ...(table === "AzureDiagnostics"
        ? ['| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"']
        : []),
    ].join("\n"),
    aggregate: [
      "| summarize Events = count(), LastAt = max(TimeGenerated) by BinStart = bin(TimeGenerated, 1h), VaultResourceId = tolower(_ResourceId)",
      project(
        "vault-coverage",
        { vaultResourceId: "VaultResourceId", source: `"${table}"` },
        { events: "Events" },
        { lastAt: "LastAt" },
      ),
    ].join("\n"),
  };
}
