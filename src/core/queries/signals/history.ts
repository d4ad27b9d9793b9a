import type { KeyVaultAuditTable } from "./kv-requests.js";
import { kvSource } from "./kv-requests.js";
import type { Leg } from "./leg.js";
import { project } from "./leg.js";

/**
 * Hourly history per vault and caller, for the baselines: denials (401, 403 but for a refused
 * object state), throttles (429) and all requests. Fourteen days on the first run (one backfill
 * instead of days of waiting), then the last few whole hours once an hour (historyStart is on an
 * hour boundary: baselines/absorb.ts historyStartFor).
 */
export function kvHistoryLeg(table: KeyVaultAuditTable): Leg {
  return {
    signal: "kv-history",
    table,
    source: kvSource(table, "historyStart"),
    aggregate: [
      // A 403 that refused an object's state (Refusal in kvSource) is no denial of the caller.
      '| summarize Denied = countif(Status == 401 or (Status == 403 and Refusal != "state")), Throttled = countif(Status == 429), Total = count()',
      "    by BinStart = bin(TimeGenerated, 1h), VaultResourceId = tolower(_ResourceId), CallerObjectId, CallerAppId, CallerResourceId",
      project(
        "kv-history",
        {
          vaultResourceId: "VaultResourceId",
          callerObjectId: "CallerObjectId",
          callerAppId: "CallerAppId",
          callerResourceId: "CallerResourceId",
          source: `"${table}"`,
        },
        { denied: "Denied", throttled: "Throttled", total: "Total" },
      ),
    ].join("\n"),
  };
}
