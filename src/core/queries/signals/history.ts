import { BIN_MINUTES } from "../../signals/bin.js";
import type { KeyVaultAuditTable } from "./kv-requests.js";
import { kvSource } from "./kv-requests.js";
import type { Leg } from "./leg.js";
import { project } from "./leg.js";

/** The signals' bins in an hour: one bit each in `DeniedBins`. */
const BINS_PER_HOUR = 60 / BIN_MINUTES;

/**
 * The bit of a bin of the hour: `case(Slot == 0, 1, Slot == 1, 2, …)`, spelled out because Kusto's
 * bit and power functions are not in every engine the query runs on (the Log Analytics emulator
 * included), and a sum of distinct powers of two is their bitwise or.
 */
const BIT_OF_SLOT = `case(${Array.from({ length: BINS_PER_HOUR }, (_, i) => `Slot == ${i}, ${2 ** i}`).join(", ")}, 0)`;

/**
 * Hourly history per vault and caller, for the baselines: denials (401, 403 but for a refused
 * object state), throttles (429) and all requests, and which of the hour's 5-minute bins had
 * denials (a bit each: how long a burst of calls without a token lasted, baselines/bursts.ts).
 * Fourteen days on the first run (one backfill instead of days of waiting), then the last few
 * whole hours once an hour (historyStart is on an hour boundary: baselines/absorb.ts
 * historyStartFor). Summed per 5-minute bin first, then per hour: the same events, so the hour's
 * total still adds up to the leg's coverage count.
 */
export function kvHistoryLeg(table: KeyVaultAuditTable): Leg {
  // The signals' bin, a constant whole number of minutes (signals/bin.ts): no parameter to escape.
  const bin = `${BIN_MINUTES}m`;
  return {
    signal: "kv-history",
    table,
    source: kvSource(table, "historyStart"),
    aggregate: [
      // A 403 that refused an object's state (Refusal in kvSource) is no denial of the caller.
      '| summarize BinDenied = countif(Status == 401 or (Status == 403 and Refusal != "state")), BinThrottled = countif(Status == 429), BinTotal = count()',
      `    by Bin = bin(TimeGenerated, ${bin}), VaultResourceId = tolower(_ResourceId), CallerObjectId, CallerAppId, CallerResourceId`,
      `| extend Slot = toint((Bin - bin(Bin, 1h)) / ${bin})`,
      `| summarize Denied = sum(BinDenied), Throttled = sum(BinThrottled), Total = sum(BinTotal), DeniedBins = sumif(${BIT_OF_SLOT}, BinDenied > 0)`,
      "    by BinStart = bin(Bin, 1h), VaultResourceId, CallerObjectId, CallerAppId, CallerResourceId",
      project(
        "kv-history",
        {
          vaultResourceId: "VaultResourceId",
          callerObjectId: "CallerObjectId",
          callerAppId: "CallerAppId",
          callerResourceId: "CallerResourceId",
          source: `"${table}"`,
        },
        { denied: "Denied", throttled: "Throttled", total: "Total", deniedBins: "DeniedBins" },
      ),
    ].join("\n"),
  };
}
