import { randomUUID } from "node:crypto";
import type { HttpResponseInit } from "@azure/functions";
import type { Runtime } from "../../app/runtime.js";
import { silenceStatus, type Silence, type SilenceStatus } from "../../core/notify/silence.js";
import {
  endpoint,
  NO_STORE,
  parseBody,
  parseQuery,
  silenceBody,
  silenceIdOf,
  SilencesQuery,
} from "../http/requests.js";

/** Reads and saves of one expiry: the first try and three retries after ETag conflicts. */
const EXPIRE_ATTEMPTS = 4;

const STATUS_RANK: Record<SilenceStatus, number> = { active: 0, scheduled: 1, expired: 2 };

/** A silence as the API shows it: dates as ISO, and its status now. */
export function silenceJson(s: Silence, now: Date) {
  return {
    id: s.id,
    status: silenceStatus(s, now),
    // Only the matchers given: an absent one matches anything.
    matchers: Object.fromEntries(Object.entries(s.matchers).filter(([, v]) => v !== undefined)),
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    createdBy: s.createdBy,
    comment: s.comment,
    createdAt: s.createdAt.toISOString(),
    expiredAt: s.expiredAt?.toISOString() ?? null,
  };
}

const notFound = (id: string): HttpResponseInit => ({
  status: 404,
  headers: NO_STORE,
  jsonBody: { error: `no silence ${id}` },
});

/** POST /api/silences, GET /api/silences, DELETE /api/silences/{id}. */
export function createSilencesHandlers(getRuntime: () => Runtime) {
  const create = endpoint("silence-create", "POST", getRuntime, async (rt, request, context) => {
    const now = rt.clock();
    const body = await parseBody(request, silenceBody(now));
    if (!body.ok) return body.response;
    const silence: Silence = { id: randomUUID(), ...body.value, createdAt: now, expiredAt: undefined };
    const saved = await rt.silences.save(silence, undefined);
    if (saved.status === "conflict") {
      // Only a UUID collision gets here.
      return { status: 409, headers: NO_STORE, jsonBody: { error: `silence ${silence.id} exists already, try again` } };
    }
    const view = silenceJson(silence, now);
    context.log(
      `silence-create ${silence.id}: ${view.status} from ${view.startsAt} to ${view.endsAt}, by ${silence.createdBy}`,
    );
    return { status: 201, headers: { ...NO_STORE, location: `/api/silences/${silence.id}` }, jsonBody: view };
  });

  const list = endpoint("silences", "GET", getRuntime, async (rt, request, context) => {
    const q = parseQuery(request, SilencesQuery);
    if (!q.ok) return q.response;
    const wanted: readonly SilenceStatus[] =
      q.value.status === undefined
        ? ["active", "scheduled"]
        : q.value.status === "all"
          ? ["active", "scheduled", "expired"]
          : [q.value.status];
    const now = rt.clock();
    const read = await rt.silences.list();
    const silences = read.silences
      .map((s) => silenceJson(s.value, now))
      .filter((s) => wanted.includes(s.status))
      .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || b.createdAt.localeCompare(a.createdAt));
    context.log(`silences: ${silences.length} ${wanted.join("/")} silence(s), ${read.unreadable.length} unreadable`);
    return { status: 200, headers: NO_STORE, jsonBody: { silences, unreadable: read.unreadable } };
  });

  // Expiring keeps the record: it is the audit trail of who muted what, and when.
  const expire = endpoint("silence-expire", "DELETE", getRuntime, async (rt, request, context) => {
    const id = silenceIdOf(request);
    if (!id.ok) return id.response;
    for (let attempt = 1; attempt <= EXPIRE_ATTEMPTS; attempt++) {
      const now = rt.clock();
      const found = await rt.silences.get(id.value);
      if (found.status === "missing") return notFound(id.value);
      if (found.status === "unreadable") {
        return {
          status: 503,
          headers: NO_STORE,
          jsonBody: { error: "unavailable", reason: `silence ${id.value} is stored but its record cannot be read` },
        };
      }
      const current = found.stored.value;
      if (silenceStatus(current, now) === "expired")
        return { status: 200, headers: NO_STORE, jsonBody: silenceJson(current, now) };
      const expired: Silence = { ...current, expiredAt: now };
      const saved = await rt.silences.save(expired, found.stored.etag);
      if (saved.status === "saved") {
        context.log(`silence-expire ${id.value}: expired at ${now.toISOString()}`);
        return { status: 200, headers: NO_STORE, jsonBody: silenceJson(expired, now) };
      }
      context.warn(
        `silence-expire ${id.value}: the silence changed while expiring it (attempt ${attempt} of ${EXPIRE_ATTEMPTS})`,
      );
    }
    return {
      status: 409,
      headers: NO_STORE,
      jsonBody: { error: `silence ${id.value} changed concurrently, try again` },
    };
  });

  return { create, list, expire };
}
