import { odata, type TableClient } from "@azure/data-tables";
import { isRestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import { safeJson } from "./json.js";
import type { NoticeBody } from "./incident-entity.js";
import { GroupListingJson, isoDate, SnapshotJson } from "./incident-row-schema.js";

/**
 * What queued notices render, in their own table: PartitionKey = incident ID, RowKey = notice ID
 * (`<incident>-<episode>-<kind>[-detail]`, the same for every channel, so it is stored once and an
 * upsert of it is idempotent). Written before the incident row that queues the notice, whose
 * ETag-conditional write stays the commit point: a crash in between leaves a body nobody
 * references, swept later. Deleted once no channel has the notice queued.
 */

/**
 * A string property holds at most 32K characters (learn.microsoft.com/rest/api/storageservices/
 * understanding-the-table-service-data-model); a body is cut into parts of this size, so a group
 * listing of many incidents still fits (an entity holds 1 MiB and 252 properties).
 */
const PART_CHARS = 30_000;

const BodyJson = z.object({ snapshot: SnapshotJson, group: GroupListingJson.optional() });

/** A body as read back: the JSON text the row was written with (the entity module parses it). */
export interface StoredBody {
  incidentId: string;
  noticeId: string;
  decidedAt: Date;
  /** Undefined when it does not parse: swept like a leftover once old enough. */
  body: NoticeBody | undefined;
}

export interface NoticeStore {
  /** Writes (upserts) the bodies of notices, each once. */
  write(incidentId: string, notices: readonly { id: string; decidedAt: Date; body: NoticeBody }[]): Promise<void>;
  /** Every body in the table, in one listing (pages of 1,000); unreadable ones are left out. */
  readAll(): Promise<StoredBody[]>;
  /** The bodies of one incident, in one partition query. */
  readIncident(incidentId: string): Promise<StoredBody[]>;
  /** Best effort: a body that is already gone is fine. */
  delete(incidentId: string, noticeId: string): Promise<void>;
}

export function createNoticeStore(table: TableClient): NoticeStore {
  const read = async (filter: string | undefined): Promise<StoredBody[]> => {
    const out: StoredBody[] = [];
    const pages = table.listEntities<Record<string, unknown>>(filter ? { queryOptions: { filter } } : {});
    for await (const e of pages) {
      const parts = typeof e.parts === "number" ? e.parts : 0;
      const text = Array.from({ length: parts }, (_, i) => e[`body${i}`]).join("");
      const body = BodyJson.safeParse(safeJson(text));
      const decidedAt = isoDate.safeParse(e.decidedAt);
      if (typeof e.partitionKey !== "string" || typeof e.rowKey !== "string") continue;
      out.push({
        incidentId: e.partitionKey,
        noticeId: e.rowKey,
        // Without a readable date, the service's own timestamp says how old it is.
        decidedAt: decidedAt.success ? decidedAt.data : new Date(e.timestamp ?? 0),
        // An unreadable body is as good as a missing one: its notice renders the incident as it is now.
        body: body.success ? (body.data as unknown as NoticeBody) : undefined,
      });
    }
    return out;
  };
  return {
    async write(incidentId, notices) {
      await Promise.all(
        notices.map(({ id, decidedAt, body }) => {
          const text = JSON.stringify(body);
          const parts: Record<string, string> = {};
          for (let i = 0; i * PART_CHARS < text.length; i++)
            parts[`body${i}`] = text.slice(i * PART_CHARS, (i + 1) * PART_CHARS);
          return table.upsertEntity(
            {
              partitionKey: incidentId,
              rowKey: id,
              decidedAt: decidedAt.toISOString(),
              parts: Object.keys(parts).length,
              ...parts,
            },
            "Replace",
          );
        }),
      );
    },
    readAll: () => read(undefined),
    readIncident: (incidentId) => read(odata`PartitionKey eq ${incidentId}`),
    async delete(incidentId, noticeId) {
      try {
        await table.deleteEntity(incidentId, noticeId);
      } catch (error) {
        if (isRestError(error) && error.statusCode === 404) return;
        throw error;
      }
    },
  };
}
