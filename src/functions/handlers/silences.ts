import type { HttpResponseInit } from "@azure/functions";
import { UPDATE_ATTEMPTS } from "../../app/common/update-with-retry.js";
import { createSilence } from "../../app/silences/create.js";
import { expireSilence } from "../../app/silences/expire.js";
import { listSilences } from "../../app/silences/list.js";
import type { Runtime } from "../../app/runtime.js";
import { silenceStatus, type Silence, type SilenceStatus } from "../../core/notify/silence.js";
import { NO_STORE, parseBody, parseQuery, silenceBody, silenceIdOf, SilencesQuery } from "../http/requests.js";
import {
  authorizedEndpoint,
  callerLabel,
  type PersonCaller,
  type PrincipalTrust,
  personOf,
  trustFromEnv,
} from "./access.js";

/**
 * A silence as the API shows it: dates as ISO, its status now, and its audit trail: who created
 * it (name and Entra object ID) and when, what it mutes, who expired it and when (null until then,
 * and on records from before sign-in).
 */
export function silenceJson(s: Silence, now: Date) {
  return {
    id: s.id,
    status: silenceStatus(s, now),
    // Only the matchers given: an absent one matches anything.
    matchers: Object.fromEntries(Object.entries(s.matchers).filter(([, v]) => v !== undefined)),
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    createdBy: s.createdBy,
    createdByObjectId: s.createdByObjectId ?? null,
    comment: s.comment,
    createdAt: s.createdAt.toISOString(),
    expiredAt: s.expiredAt?.toISOString() ?? null,
    expiredBy: s.expiredBy ?? null,
    expiredByObjectId: s.expiredByObjectId ?? null,
  };
}

const notFound = (id: string): HttpResponseInit => ({
  status: 404,
  headers: NO_STORE,
  jsonBody: { error: `no silence ${id}` },
});

/**
 * POST /api/silences and DELETE /api/silences/{id} (a signed-in Admin), GET /api/silences (Reader,
 * or a function key alone). `getTrust`: as for the incidents API.
 */
export function createSilencesHandlers(
  getRuntime: () => Runtime,
  getTrust: () => PrincipalTrust = () => trustFromEnv(process.env),
) {
  const create = authorizedEndpoint<PersonCaller>(
    "silence-create",
    "POST",
    "silence",
    getRuntime,
    getTrust,
    async (rt, request, context, caller) => {
      // The request's times are checked against the same instant the silence is created at.
      const now = rt.clock();
      const body = await parseBody(request, silenceBody(now));
      if (!body.ok) return body.response;
      const r = await createSilence({ silences: rt.silences }, body.value, personOf(caller.principal), now);
      if (r.status === "exists")
        return { status: 409, headers: NO_STORE, jsonBody: { error: `silence ${r.id} exists already, try again` } };
      const view = silenceJson(r.silence, now);
      context.log(
        `silence-create ${r.silence.id}: ${view.status} from ${view.startsAt} to ${view.endsAt}, muting ${JSON.stringify(view.matchers)}, by ${callerLabel(caller)}`,
      );
      return { status: 201, headers: { ...NO_STORE, location: `/api/silences/${r.silence.id}` }, jsonBody: view };
    },
  );

  const list = authorizedEndpoint("silences", "GET", "read", getRuntime, getTrust, async (rt, request, context) => {
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

  const expire = authorizedEndpoint<PersonCaller>(
    "silence-expire",
    "DELETE",
    "silence",
    getRuntime,
    getTrust,
    async (rt, request, context, caller) => {
      const id = silenceIdOf(request);
      if (!id.ok) return id.response;
      const r = await expireSilence({ silences: rt.silences, clock: rt.clock }, id.value, personOf(caller.principal));
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
          context.log(`silence-expire ${id.value}: expired at ${r.at.toISOString()} by ${callerLabel(caller)}`);
          break;
      }
      return { status: 200, headers: NO_STORE, jsonBody: silenceJson(r.silence, r.at) };
    },
  );

  return { create, list, expire };
}
