import type { HttpResponseInit } from "@azure/functions";
import type { z } from "zod";
import { UPDATE_ATTEMPTS } from "../../app/common/update-with-retry.js";
import { type AcknowledgeResult, acknowledgeIncident } from "../../app/incidents/acknowledge.js";
import { type CloseResult, closeIncident } from "../../app/incidents/close.js";
import { getIncident } from "../../app/incidents/get.js";
import { listIncidents } from "../../app/incidents/list.js";
import type { Runtime } from "../../app/runtime.js";
import type { Incident } from "../../core/model/index.js";
import { incidentRecord } from "../../core/model/incident-record.js";
import { namedHypothesis } from "../../core/diagnosis/index.js";
import { dedupKeyOf } from "../../core/notify/plan.js";
import { callerName, vaultName } from "../../core/model/names.js";
import { appFor } from "../../core/model/spec-lookup.js";
import { appOf, callerOf, vaultOf } from "../../core/model/subject.js";
import type { MonitorSpec } from "../../core/spec/monitor-spec.js";
import type { Person } from "../../core/notify/silence.js";
import {
  AckBody,
  CloseBody,
  type HttpHandler,
  IncidentsQuery,
  incidentIdOf,
  NO_STORE,
  parseBody,
  parseQuery,
  plain,
} from "../http/requests.js";
import {
  authorizedEndpoint,
  callerLabel,
  type PersonCaller,
  type PrincipalTrust,
  personOf,
  trustFromEnv,
} from "./access.js";

/** One incident as the list shows it: what on-call scans for, without the bookkeeping. */
export function summarize(i: Incident, spec: MonitorSpec) {
  // The hypothesis every channel names: the first, when likely or possible.
  const top = namedHypothesis(i.diagnosis);
  const vault = vaultOf(i.subject);
  const caller = callerOf(i.subject);
  return {
    id: i.id,
    rule: i.rule,
    state: i.state,
    severity: i.severity,
    subject: {
      vault: vault ? vaultName(vault).name : null,
      identity:
        caller && (caller.callerObjectId || caller.callerAppId || caller.callerResourceId)
          ? callerName(caller).label
          : null,
      app: appOf(i.subject) ?? appFor(caller, spec)?.name ?? null,
    },
    openedAt: i.openedAt.toISOString(),
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    responder: {
      state: i.responder.state,
      by: i.responder.by ?? null,
      byObjectId: i.responder.byObjectId ?? null,
      at: i.responder.at?.toISOString() ?? null,
      note: i.responder.note ?? null,
      closedByHand: i.responder.closedByHand === true,
    },
    mutedBy: i.mutedBy ?? null,
    flapping: i.flapping,
    hypothesis: top ? { id: top.id, title: top.title } : null,
    // Incidents told of on one thread share a cause (docs/adr/0022-notification-groups.md).
    thread: i.notified.group?.key ?? dedupKeyOf(i),
    pendingNotices: i.outbox.length,
  };
}

/** The whole record; optional fields are spelled out so that absent ones read as null, not missing. */
export function detail(i: Incident): unknown {
  const { responder: r, notified: n } = i;
  return plain({
    // The record's shape (key, counts) is what this endpoint has always answered.
    ...incidentRecord(i),
    resolvedAt: i.resolvedAt,
    lastFailureAt: i.lastFailureAt,
    lastFiringAt: i.lastFiringAt,
    mutedBy: i.mutedBy,
    diagnosis: i.diagnosis,
    responder: {
      state: r.state,
      by: r.by,
      byObjectId: r.byObjectId,
      at: r.at,
      note: r.note,
      closedByHand: r.closedByHand === true,
    },
    notified: {
      state: n.state,
      severity: n.severity,
      at: n.at,
      acknowledged: n.acknowledged,
      pagedAt: n.pagedAt,
      unacknowledgedAt: n.unacknowledgedAt,
    },
  });
}

const ok = (jsonBody: unknown, status = 200): HttpResponseInit => ({ status, headers: NO_STORE, jsonBody });
const notFound = (id: string): HttpResponseInit => ({
  status: 404,
  headers: NO_STORE,
  jsonBody: { error: `no incident ${id}` },
});
const unreadable = (id: string): HttpResponseInit => ({
  status: 503,
  headers: NO_STORE,
  jsonBody: {
    error: "unavailable",
    reason: `incident ${id} is stored but its record cannot be read (it does not match the expected format)`,
  },
});

/**
 * GET /api/incidents, GET /api/incidents/{id} (Reader, or a function key alone), POST
 * /api/incidents/{id}/ack and /close (a signed-in Responder). `getTrust` says whether the
 * principal headers can be believed: from the platform when deployed, the local host on `npm start`.
 */
export function createIncidentsHandlers(
  getRuntime: () => Runtime,
  getTrust: () => PrincipalTrust = () => trustFromEnv(process.env),
) {
  const list = authorizedEndpoint("incidents", "GET", "read", getRuntime, getTrust, async (rt, request, context) => {
    const q = parseQuery(request, IncidentsQuery);
    if (!q.ok) return q.response;
    const { state, limit } = q.value;
    const found = await listIncidents({ store: rt.store }, { activeOnly: state === "active", limit });
    context.log(`incidents: ${found.matched} ${state} incident(s), ${found.unreadable.length} unreadable`);
    return ok({
      incidents: found.incidents.map((i) => summarize(i, rt.policy.spec)),
      truncated: found.truncated,
      unreadable: found.unreadable,
    });
  });

  const get = authorizedEndpoint("incident", "GET", "read", getRuntime, getTrust, async (rt, request) => {
    const id = incidentIdOf(request);
    if (!id.ok) return id.response;
    const found = await getIncident({ store: rt.store }, id.value);
    if (found.status === "missing") return notFound(id.value);
    if (found.status === "unreadable") return unreadable(id.value);
    return ok(detail(found.incident));
  });

  const ack = responderAction(getRuntime, getTrust, "incident-ack", "acknowledged", AckBody, (rt, id, by, body) =>
    acknowledgeIncident({ store: rt.store, clock: rt.clock }, id, { by, note: body.note }),
  );
  const close = responderAction(getRuntime, getTrust, "incident-close", "closed", CloseBody, (rt, id, by, body) =>
    closeIncident({ store: rt.store, clock: rt.clock, policy: rt.policy.notify }, id, { by, note: body.note }),
  );

  return { list, get, ack, close };
}

/**
 * POST /api/incidents/{id}/<action>: authorizes the signed-in Responder, parses the request, runs
 * the action's use case for that person and answers what it did: 200 with the incident
 * ("acknowledged", "already-acknowledged", "closed"), 409 when refused or when the incident kept
 * changing, 404 and 503 when there is none to read.
 */
function responderAction<B>(
  getRuntime: () => Runtime,
  getTrust: () => PrincipalTrust,
  name: string,
  participle: "acknowledged" | "closed",
  schema: z.ZodType<B>,
  run: (rt: Runtime, id: string, by: Person, body: B) => Promise<AcknowledgeResult | CloseResult>,
): HttpHandler {
  return authorizedEndpoint<PersonCaller>(
    name,
    "POST",
    "respond",
    getRuntime,
    getTrust,
    async (rt, request, context, caller) => {
      const id = incidentIdOf(request);
      if (!id.ok) return id.response;
      const body = await parseBody(request, schema);
      if (!body.ok) return body.response;
      const by = callerLabel(caller);
      const r = await run(rt, id.value, personOf(caller.principal), body.value);
      for (let attempt = 1; attempt <= r.conflicts; attempt++)
        context.warn(`${name} ${id.value}: the incident changed meanwhile (attempt ${attempt} of ${UPDATE_ATTEMPTS})`);
      switch (r.status) {
        case "missing":
          return notFound(id.value);
        case "unreadable":
          return unreadable(id.value);
        case "refused":
          context.log(`${name} ${id.value}: refused for ${by}: ${r.reason}`);
          return {
            status: 409,
            headers: NO_STORE,
            jsonBody: { error: `incident ${id.value} cannot be ${participle}: ${r.reason}`, reason: r.reason },
          };
        case "conflict":
          return {
            status: 409,
            headers: NO_STORE,
            jsonBody: { error: `incident ${id.value} changed concurrently, try again` },
          };
        case "already-acknowledged":
          context.log(`${name} ${id.value}: already ${participle} by ${r.incident.responder.by ?? "someone"}`);
          break;
        default:
          context.log(`${name} ${id.value}: ${participle} by ${by}`);
      }
      return ok({ status: r.status, incident: summarize(r.incident, rt.policy.spec) });
    },
  );
}
