import type { TableClient } from "@azure/data-tables";
import { isRestError } from "@azure/core-rest-pipeline";
import type { BaselineStore } from "../core/ports/ports.js";
import type { Baseline } from "../core/baselines/index.js";
import { digest64 } from "../core/common/hash.js";
import { ensureTables } from "./ensure-tables.js";

/**
 * Learned baselines in Azure Tables: one row per series and rule (PartitionKey "baseline", RowKey
 * the series key, with characters Tables forbids in keys replaced), the baseline as one JSON
 * string (a 14-day hourly baseline is about 5 KB; Tables allows 32K characters per string), and a
 * meta row recording when history was last read. Last writer wins: two runs learn the same thing.
 */
export function createTableBaselineStore(table: TableClient): BaselineStore {
  const ensure = ensureTables(table);
  return {
    async load() {
      await ensure();
      const baselines = new Map<string, Baseline>();
      let historyReadAt: Date | undefined;
      for await (const e of table.listEntities<{ key?: string; baseline?: string; historyReadAt?: Date }>()) {
        if (e.partitionKey === "meta" && e.rowKey === "history")
          historyReadAt = e.historyReadAt instanceof Date ? e.historyReadAt : undefined;
        if (e.partitionKey !== "baseline" || typeof e.key !== "string" || typeof e.baseline !== "string") continue;
        try {
          baselines.set(e.key, JSON.parse(e.baseline) as Baseline);
        } catch {
          // An unreadable baseline is relearned from history; it never blocks a tick.
        }
      }
      return { baselines, historyReadAt };
    },
    async save(key, baseline) {
      await ensure();
      await table.upsertEntity(
        { partitionKey: "baseline", rowKey: rowKey(key), key, baseline: JSON.stringify(baseline) },
        "Replace",
      );
    },
    async saveHistoryReadAt(at) {
      await ensure();
      try {
        await table.upsertEntity({ partitionKey: "meta", rowKey: "history", historyReadAt: at }, "Replace");
      } catch (error) {
        if (!isRestError(error)) throw error;
        throw new Error(`could not record the baseline history time: ${error.message}`, { cause: error });
      }
    },
  };
}

/** Table keys may not contain / \\ # ? or control characters, and series keys hold ARM IDs. */
function rowKey(key: string): string {
  return digest64(key);
}
