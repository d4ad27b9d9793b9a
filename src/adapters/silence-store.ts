import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { isRestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import type { Lookup, SaveResult, SilenceStore, Stored } from "../core/ports/ports.js";
import type { Silence } from "../core/notify/silence.js";
import { orAbsent, safeJson } from "./json.js";
import { conditionalWrite } from "./conditional-write.js";
import { ensureTables } from "./ensure-tables.js";

const PARTITION = "silence";

/**
 * Silences in Azure Tables: one row each (PartitionKey "silence", RowKey its ID), matchers as
 * JSON. Expired silences are kept as the record of who muted what and who ended it (rows from
 * before sign-in have no object IDs and no `expiredBy`); writes are ETag-conditional.
 */
export function createTableSilenceStore(table: TableClient): SilenceStore {
  const ready = ensureTables(table);
  return {
    async list() {
      await ready();
      const silences: Stored<Silence>[] = [];
      const unreadable: string[] = [];
      for await (const e of table.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${PARTITION}` },
      })) {
        const parsed = fromEntity(e);
        if (parsed) silences.push({ value: parsed, etag: e.etag });
        else unreadable.push(`${e.partitionKey}/${e.rowKey}`);
      }
      return { silences, unreadable };
    },

    async get(id): Promise<Lookup<Silence>> {
      await ready();
      try {
        const e = await table.getEntity<Record<string, unknown>>(PARTITION, id);
        const parsed = fromEntity(e);
        return parsed ? { status: "found", stored: { value: parsed, etag: e.etag } } : { status: "unreadable" };
      } catch (error) {
        if (isRestError(error) && error.statusCode === 404) return { status: "missing" };
        throw error;
      }
    },

    async save(silence, etag): Promise<SaveResult> {
      await ready();
      const entity = {
        partitionKey: PARTITION,
        rowKey: silence.id,
        matchers: JSON.stringify(silence.matchers),
        startsAt: silence.startsAt,
        endsAt: silence.endsAt,
        createdBy: silence.createdBy,
        ...(silence.createdByObjectId ? { createdByObjectId: silence.createdByObjectId } : {}),
        comment: silence.comment,
        createdAt: silence.createdAt,
        ...(silence.expiredAt ? { expiredAt: silence.expiredAt } : {}),
        ...(silence.expiredBy ? { expiredBy: silence.expiredBy } : {}),
        ...(silence.expiredByObjectId ? { expiredByObjectId: silence.expiredByObjectId } : {}),
      };
      return conditionalWrite(table, entity, etag);
    },
  };
}

const Severity = z.enum(["SEV-1", "SEV-2", "SEV-3", "SEV-4"]);
export const SilenceMatchersJson = z.object({
  rule: orAbsent(z.enum(["kv-auth-denied", "kv-throttled", "control-plane", "network", "monitor"])),
  vault: orAbsent(z.string()),
  identity: orAbsent(z.string()),
  app: orAbsent(z.string()),
  severities: orAbsent(z.array(Severity)),
});

const SilenceEntity = z.object({
  rowKey: z.string(),
  matchers: z.string(),
  startsAt: z.date(),
  endsAt: z.date(),
  createdBy: z.string(),
  createdByObjectId: orAbsent(z.string()),
  comment: z.string(),
  createdAt: z.date(),
  expiredAt: z.date().optional().nullable(),
  expiredBy: orAbsent(z.string()),
  expiredByObjectId: orAbsent(z.string()),
});

function fromEntity(e: TableEntityResult<Record<string, unknown>>): Silence | undefined {
  const p = SilenceEntity.safeParse(e);
  if (!p.success) return undefined;
  const m = SilenceMatchersJson.safeParse(safeJson(p.data.matchers));
  if (!m.success) return undefined;
  const { rowKey, startsAt, endsAt, createdBy, createdByObjectId, comment, createdAt, expiredAt } = p.data;
  return {
    id: rowKey,
    matchers: m.data,
    startsAt,
    endsAt,
    createdBy,
    createdByObjectId,
    comment,
    createdAt,
    expiredAt: expiredAt ?? undefined,
    expiredBy: p.data.expiredBy,
    expiredByObjectId: p.data.expiredByObjectId,
  };
}
