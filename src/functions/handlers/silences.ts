import type { HttpResponseInit } from "@azure/functions";
import { UPDATE_ATTEMPTS } from "../../app/common/update-with-retry.js";
import { createSilence } from "../../app/silences/create.js";
import { expireSilence } from "../../app/silences/expire.js";
import { listSilences } from "../../app/silences/list.js";
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
    // The request's times are checked against the same instant the silence is created at.
    const now = rt.clock();
    const body = await parseBody(request, silenceBody(now));
    if (!body.ok) return body.response;
    const r = await createSilence({ silences: rt.silences }, body.value, now);
    if (r.status === "exists")
      return { status: 409, headers: NO_STORE, jsonBody: { error: `silence ${r.id} exists already, try again` } };
    const view = silenceJson(r.silence, now);
    context.log(
      `silence-create ${r.silence.id}: ${view.status} from ${view.startsAt} to ${view.endsAt}, by ${r.silence.createdBy}`,
    );
    return { status: 201, headers: { ...NO_STORE, location: `/api/silences/${r.silence.id}` }, jsonBody: view };
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
    const found = await listSilences({ silences: rt.silences, clock: rt.clock }, wanted);
    const silences = found.silences.map((s) => silenceJson(s, found.at));
    context.log(`silences: ${silences.length} ${wanted.join("/")} silence(s), ${found.unreadable.length} unreadable`);
    return { status: 200, headers: NO_STORE, jsonBody: { silences, unreadable: found.unreadable } };
  });

  const expire = endpoint("silence-expire", "DELETE", getRuntime, async (rt, request, context) => {
    const id = silenceIdOf(request);
    if (!id.ok) return id.response;
    const r = await expireSilence({ silences: rt.silences, clock: rt.clock }, id.value);
    for (let attempt = 1; attempt <= r.conflicts; attempt++)
      context.warn(
        `silence-expire ${id.value}: the silence changed while expiring it (attempt ${attempt} of ${UPDATE_ATTEMPTS})`,
      );
    switch (r.status) {
      case "missing":
        return notFound(id.value);
      case "unreadable":
        return {
          status: 503,
          headers: NO_STORE,
          jsonBody: { error: "unavailable", reason: `silence ${id.value} is stored but its record cannot be read` },
        };
      case "conflict":
        return {
          status: 409,
          headers: NO_STORE,
          jsonBody: { error: `silence ${id.value} changed concurrently, try again` },
        };
      case "expired":
        context.log(`silence-expire ${id.value}: expired at ${r.at.toISOString()}`);
        break;
    }
    return { status: 200, headers: NO_STORE, jsonBody: silenceJson(r.silence, r.at) };
  });

  return { create, list, expire };
}
