import { odata, type TableClient, type TableEntityResult, type TableServiceClientOptions } from "@azure/data-tables";
import { isRestError, RestError, type PipelinePolicy } from "@azure/core-rest-pipeline";
import type { Incident } from "../core/model/index.js";
import type { StateStore, Stored } from "../core/ports/ports.js";
import { conditionalWrite } from "./conditional-write.js";
import { ensureTables } from "./ensure-tables.js";
import { fromEntity, needsBodies, noticeBody, toEntity } from "./incident-entity.js";
import { createNoticeStore, type NoticeStore, type StoredBody } from "./notice-store.js";
import { heartbeatFromEntity, heartbeatToEntity } from "./heartbeat-entity.js";

/**
 * How long one try of a Table request may take. The service itself gives up on an insert, update
 * or delete at 30 s (its maximum and default server timeout) and answers a query page within 5 s
 * (learn.microsoft.com/rest/api/storageservices/setting-timeouts-for-table-service-operations):
 * a request still unanswered at 30 s is a hung connection, not a slow service.
 */
export const TABLES_TRY_TIMEOUT_MS = 30_000;

/**
 * Tries after the first, on a timeout, a reset connection or a 5xx: two, as the Log Analytics
 * client makes (composition.ts). With the SDK's exponential waits (about 1 s, then 2 s), one Table
 * call takes at most 3 × 30 s + 3 s, within the 5-minute function timeout (host.json).
 */
export const TABLES_MAX_RETRIES = 2;

/**
 * The TableClient options every state table is opened with: a fuse on each try, so that a hung
 * request fails (and is retried, boundedly) instead of holding the tick until the host kills it.
 * `timeoutMs` is shorter in tests and the fault matrix only.
 */
export function tableClientOptions(timeoutMs: number = TABLES_TRY_TIMEOUT_MS): TableServiceClientOptions {
  return {
    retryOptions: { maxRetries: TABLES_MAX_RETRIES },
    // Per retry: each try gets its own fuse.
    additionalPolicies: [{ policy: tryTimeout(timeoutMs), position: "perRetry" }],
  };
}

/**
 * Aborts a try that has not been answered (headers and body) within `ms`, and says so as a
 * timeout the SDK's retry strategy knows (ETIMEDOUT), naming the store rather than "aborted".
 * The caller's own abort still ends the call as an abort.
 */
function tryTimeout(ms: number): PipelinePolicy {
  return {
    name: "vaultwatchTablesTryTimeout",
    async sendRequest(request, next) {
      const outer = request.abortSignal;
      const fuse = new AbortController();
      const forward = () => fuse.abort();
      outer?.addEventListener("abort", forward);
      let blown = false;
      const timer = setTimeout(() => {
        blown = true;
        fuse.abort();
      }, ms);
      request.abortSignal = fuse.signal;
      try {
        return await next(request);
      } catch (error) {
        if (!blown || outer?.aborted) throw error;
        const where = new URL(request.url).pathname.split("(")[0];
        throw new RestError(`Azure Tables did not answer ${request.method} ${where} within ${ms / 1000} s`, {
          code: "ETIMEDOUT",
          request,
        });
      } finally {
        clearTimeout(timer);
        request.abortSignal = outer;
        outer?.removeEventListener("abort", forward);
      }
    },
  };
}

/**
 * Incidents and the heartbeat in Azure Tables. Writes are conditional on the ETag read (or create
 * when there is none), so two overlapping runs can never both win the same change. A create that
 * finds the row taken is a conflict: whether an earlier episode may be replaced is the caller's
 * decision, not the store's. The row layouts are in incident-entity.ts and heartbeat-entity.ts;
 * what queued notices render is in the notices table (notice-store.ts), joined on every read.
 */
export function createTableStateStore(incidents: TableClient, monitor: TableClient, notices: TableClient): StateStore {
  const ready = ensureTables(incidents, monitor, notices);
  const bodies = createNoticeStore(notices);
  // Bodies known to be stored, by incident: a save writes only those of notices new to it, and
  // deletes those no channel has queued any more. A process that does not know a body writes it
  // again, which the upsert makes harmless.
  const known = new Map<string, Set<string>>();
  const remember = (incidentId: string, ids: Iterable<string>) => {
    const set = known.get(incidentId) ?? new Set<string>();
    for (const id of ids) set.add(id);
    if (set.size > 0) known.set(incidentId, set);
  };

  /** Rows read, their outboxes joined with bodies read in `query` (skipped when no row has any queued). */
  const load = async (
    rows: AsyncIterable<TableEntityResult<Record<string, unknown>>>,
    query: () => Promise<StoredBody[]>,
    limit = Number.POSITIVE_INFINITY,
  ) => {
    const entities: TableEntityResult<Record<string, unknown>>[] = [];
    for await (const e of rows) {
      entities.push(e);
      if (entities.length >= limit) break;
    }
    const found = entities.some(needsBodies) ? await query() : [];
    const byNotice = new Map(found.flatMap((b) => (b.body ? [[`${b.incidentId}|${b.noticeId}`, b] as const] : [])));
    const out: Stored<Incident>[] = [];
    const unreadable: string[] = [];
    for (const entity of entities) {
      const parsed = fromEntity(entity, (id) => byNotice.get(`${entity.rowKey}|${id}`)?.body);
      if (!parsed) {
        unreadable.push(`${entity.partitionKey}/${entity.rowKey}`);
        continue;
      }
      out.push({ value: parsed, etag: entity.etag });
      remember(
        parsed.id,
        parsed.outbox.filter((n) => !n.snapshotMissing && byNotice.has(`${parsed.id}|${n.id}`)).map((n) => n.id),
      );
    }
    return { incidents: out, unreadable, bodies: found };
  };

  return {
    async loadActive(since) {
      await ready();
      // Recently resolved ones too: a relapse within the flap window must see the history.
      const filter = odata`state ne ${"resolved"} or pending gt ${0} or updatedAt ge ${since}`;
      // One listing of the notices table rather than one query per incident with notices queued:
      // the table holds only queued notices, so it is one request while there are fewer than 1,000.
      const loaded = await load(incidents.listEntities<Record<string, unknown>>({ queryOptions: { filter } }), () =>
        bodies.readAll(),
      );
      await sweepWith(bodies, loaded, since);
      return { incidents: loaded.incidents, unreadable: loaded.unreadable };
    },

    async list({ activeOnly, limit }) {
      await ready();
      const filter = activeOnly ? odata`state ne ${"resolved"}` : undefined;
      const all = await load(
        incidents.listEntities<Record<string, unknown>>(filter ? { queryOptions: { filter } } : {}),
        () => bodies.readAll(),
        limit,
      );
      return { incidents: all.incidents.map((s) => s.value), unreadable: all.unreadable };
    },

    async get(id) {
      await ready();
      const found = await load(
        incidents.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`RowKey eq ${id}` } }),
        () => bodies.readIncident(id),
        1,
      );
      if (found.unreadable.length > 0) return { status: "unreadable" };
      const first = found.incidents[0];
      return first ? { status: "found", stored: first } : { status: "missing" };
    },

    async save(incident, etag) {
      await ready();
      const mine = known.get(incident.id) ?? new Set<string>();
      const queued = new Map(incident.outbox.map((n) => [n.id, n]));
      // Bodies first: the row that references them is the commit point.
      const fresh = [...queued.values()].filter((n) => !mine.has(n.id));
      if (fresh.length > 0) {
        await bodies.write(
          incident.id,
          fresh.map((n) => ({ id: n.id, decidedAt: n.decidedAt, body: noticeBody(n) })),
        );
        remember(
          incident.id,
          fresh.map((n) => n.id),
        );
      }
      const saved = await conditionalWrite(incidents, toEntity(incident), etag);
      if (saved.status === "saved") {
        const done = [...(known.get(incident.id) ?? [])].filter((id) => !queued.has(id));
        for (const id of done) known.get(incident.id)?.delete(id);
        if (known.get(incident.id)?.size === 0) known.delete(incident.id);
        // Best effort: a body left behind is swept once it is older than the flap window.
        await Promise.all(done.map((id) => bodies.delete(incident.id, id).catch(() => undefined)));
      }
      return saved;
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
/**
 * Bodies no loaded incident references, older than `since` (the flap window ago, longer than any
 * tick runs, so a body written just before its incident row is never taken for a leftover), are
 * deleted, best effort. Bodies of rows that could not be read are kept: their notices may be due.
 */
async function sweepWith(
  bodies: NoticeStore,
  loaded: { incidents: Stored<Incident>[]; unreadable: string[]; bodies: StoredBody[] },
  since: Date,
): Promise<void> {
  const referenced = new Set(loaded.incidents.flatMap((s) => s.value.outbox.map((n) => `${s.value.id}|${n.id}`)));
  const unreadable = new Set(loaded.unreadable.map((k) => k.slice(k.indexOf("/") + 1)));
  const left = loaded.bodies.filter(
    (b) =>
      !referenced.has(`${b.incidentId}|${b.noticeId}`) &&
      !unreadable.has(b.incidentId) &&
      b.decidedAt.getTime() < since.getTime(),
  );
  await Promise.all(left.map((b) => bodies.delete(b.incidentId, b.noticeId).catch(() => undefined)));
}
