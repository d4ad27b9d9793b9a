import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { isRestError } from "@azure/core-rest-pipeline";
import type { Incident } from "../core/model/index.js";
import type { StateStore, Stored } from "../core/ports/ports.js";
import { conditionalWrite } from "./conditional-write.js";
import { ensureTables } from "./ensure-tables.js";
import { fromEntity, toEntity } from "./incident-entity.js";
import { heartbeatFromEntity, heartbeatToEntity } from "./heartbeat-entity.js";

/**
 * Incidents and the heartbeat in Azure Tables. Writes are conditional on the ETag read (or create
 * when there is none), so two overlapping runs can never both win the same change. A create that
 * finds the row taken is a conflict: whether an earlier episode may be replaced is the caller's
 * decision, not the store's. The row layouts are in incident-entity.ts and heartbeat-entity.ts.
 */
export function createTableStateStore(incidents: TableClient, monitor: TableClient): StateStore {
  const ready = ensureTables(incidents, monitor);

  return {
    async loadActive(since) {
      await ready();
      // Recently resolved ones too: a relapse within the flap window must see the history.
      const filter = odata`state ne ${"resolved"} or pending gt ${0} or updatedAt ge ${since}`;
      return readAll(incidents.listEntities<Record<string, unknown>>({ queryOptions: { filter } }));
    },

    async list({ activeOnly, limit }) {
      await ready();
      const filter = activeOnly ? odata`state ne ${"resolved"}` : undefined;
      const all = await readAll(
        incidents.listEntities<Record<string, unknown>>(filter ? { queryOptions: { filter } } : {}),
        limit,
      );
      return { incidents: all.incidents.map((s) => s.value), unreadable: all.unreadable };
    },

    async get(id) {
      await ready();
      const found = await readAll(
        incidents.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`RowKey eq ${id}` } }),
        1,
      );
      if (found.unreadable.length > 0) return { status: "unreadable" };
      const first = found.incidents[0];
      return first ? { status: "found", stored: first } : { status: "missing" };
    },

    async save(incident, etag) {
      await ready();
      return conditionalWrite(incidents, toEntity(incident), etag);
    },

    async loadHeartbeat() {
      await ready();
      try {
        return heartbeatFromEntity(await monitor.getEntity<Record<string, unknown>>("monitor", "heartbeat"));
      } catch (error) {
        if (isRestError(error) && error.statusCode === 404) return undefined;
        throw error;
      }
    },

    async saveHeartbeat(h) {
      await ready();
      await monitor.upsertEntity(heartbeatToEntity(h), "Replace");
    },
  };
}
async function readAll(
  pages: AsyncIterable<TableEntityResult<Record<string, unknown>>>,
  limit = Number.POSITIVE_INFINITY,
): Promise<{ incidents: Stored<Incident>[]; unreadable: string[] }> {
  const out: Stored<Incident>[] = [];
  const unreadable: string[] = [];
  for await (const entity of pages) {
    const parsed = fromEntity(entity);
    if (parsed) out.push({ value: parsed, etag: entity.etag });
    else unreadable.push(`${entity.partitionKey}/${entity.rowKey}`);
    if (out.length >= limit) break;
  }
  return { incidents: out, unreadable };
}
