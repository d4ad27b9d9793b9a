import type { HttpResponseInit } from "@azure/functions";
import type { Runtime } from "../../app/runtime.js";
import type { Incident, Policy } from "../../core/model/index.js";
import { SEVERITY_RANK } from "../../core/model/severity.js";
import type { MonitorSpec } from "../../core/spec/monitor-spec.js";
import { acknowledge, closeByHand } from "../../core/lifecycle/responder.js";
import { isActive } from "../../core/model/incidents.js";
import { callerName, vaultName } from "../../core/model/names.js";
import { appFor } from "../../core/model/spec-lookup.js";
import {
  AckBody,
  CloseBody,
  endpoint,
  IncidentsQuery,
  incidentIdOf,
  NO_STORE,
  parseBody,
  parseQuery,
  plain,
} from "../http/requests.js";
import type { HttpHandler } from "../http/requests.js";
import type { z } from "zod";

/** Reads and saves of one responder action: the first try and three retries after ETag conflicts. */
const RESPONDER_ATTEMPTS = 4;
/** The list sorts what it reads; reading more than it returns keeps "newest" true for big tables. */
const LIST_SCAN = 5000;

/** One incident as the list shows it: what on-call scans for, without the bookkeeping. */
export function summarize(i: Incident, spec: MonitorSpec) {
  const top = i.diagnosis?.top[0];
  return {
    id: i.id,
    rule: i.rule,
    state: i.state,
    severity: i.severity,
    subject: {
      vault: i.key.vaultResourceId ? vaultName(i.key.vaultResourceId).name : null,
      identity: i.key.callerObjectId || i.key.callerAppId || i.key.callerResourceId ? callerName(i.key).label : null,
      app: i.key.app ?? appFor(i.key, spec)?.name ?? null,
    },
    openedAt: i.openedAt.toISOString(),
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    responder: {
      state: i.responder.state,
      by: i.responder.by ?? null,
      at: i.responder.at?.toISOString() ?? null,
      note: i.responder.note ?? null,
      closedByHand: i.responder.closedByHand === true,
    },
    mutedBy: i.mutedBy ?? null,
    flapping: i.flapping,
    hypothesis: top ? { id: top.id, title: top.title } : null,
    pendingNotices: i.outbox.length,
  };
}

/** The whole record; optional fields are spelled out so that absent ones read as null, not missing. */
export function detail(i: Incident): unknown {
  const { responder: r, notified: n } = i;
  return plain({
    ...i,
    resolvedAt: i.resolvedAt,
    lastFailureAt: i.lastFailureAt,
    lastFiringAt: i.lastFiringAt,
    mutedBy: i.mutedBy,
    diagnosis: i.diagnosis,
    responder: { state: r.state, by: r.by, at: r.at, note: r.note, closedByHand: r.closedByHand === true },
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

/** Active first, then the most severe, then the newest. */
function byUrgency(a: Incident, b: Incident): number {
  return (
    Number(isActive(b)) - Number(isActive(a)) ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    b.openedAt.getTime() - a.openedAt.getTime()
  );
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

/** GET /api/incidents, GET /api/incidents/{id}, POST /api/incidents/{id}/ack. */
export function createIncidentsHandlers(getRuntime: () => Runtime) {
  const list = endpoint("incidents", "GET", getRuntime, async (rt, request, context) => {
    const q = parseQuery(request, IncidentsQuery);
    if (!q.ok) return q.response;
    const { state, limit } = q.value;
    const read = await rt.store.list({ activeOnly: state === "active", limit: LIST_SCAN });
    const sorted = [...read.incidents].sort(byUrgency);
    context.log(`incidents: ${sorted.length} ${state} incident(s), ${read.unreadable.length} unreadable`);
    return ok({
      incidents: sorted.slice(0, limit).map((i) => summarize(i, rt.policy.spec)),
      truncated: sorted.length > limit,
      unreadable: read.unreadable,
    });
  });

  const get = endpoint("incident", "GET", getRuntime, async (rt, request) => {
    const id = incidentIdOf(request);
    if (!id.ok) return id.response;
    const found = await rt.store.get(id.value);
    if (found.status === "missing") return notFound(id.value);
    if (found.status === "unreadable") return unreadable(id.value);
    return ok(detail(found.stored.value));
  });

  const ack = responderAction(getRuntime, "incident-ack", "acknowledged", AckBody, (incident, { by, note }, now) => {
    const o = acknowledge(incident, by, now, note);
    return o.status === "rejected"
      ? o
      : { status: o.status === "acknowledged" ? "changed" : "unchanged", said: o.status, incident: o.incident };
  });
  const close = responderAction(
    getRuntime,
    "incident-close",
    "closed",
    CloseBody,
    (incident, { by, note }, now, policy) => {
      const o = closeByHand(incident, by, now, note, policy.notify);
      return o.status === "rejected" ? o : { status: "changed", said: o.status, incident: o.incident };
    },
  );

  return { list, get, ack, close };
}

/** What a responder action decided: `said` is the answer's status ("acknowledged", "already-acknowledged", "closed"). */
type ResponderDecision =
  | { status: "rejected"; reason: string }
  | { status: "changed" | "unchanged"; said: string; incident: Incident };

/**
 * POST /api/incidents/{id}/<action>: read, decide in the core, write with the read's ETag. The timer
 * may rewrite the incident between our read and write; the ETag catches that, and we decide again
 * on a fresh read. The notice itself goes out on the next tick, through the outbox.
 */
function responderAction<B extends { by: string }>(
  getRuntime: () => Runtime,
  name: string,
  participle: "acknowledged" | "closed",
  schema: z.ZodType<B>,
  decide: (incident: Incident, body: B, now: Date, policy: Policy) => ResponderDecision,
): HttpHandler {
  return endpoint(name, "POST", getRuntime, async (rt, request, context) => {
    const id = incidentIdOf(request);
    if (!id.ok) return id.response;
    const body = await parseBody(request, schema);
    if (!body.ok) return body.response;
    const { by } = body.value;
    for (let attempt = 1; attempt <= RESPONDER_ATTEMPTS; attempt++) {
      const found = await rt.store.get(id.value);
      if (found.status === "missing") return notFound(id.value);
      if (found.status === "unreadable") return unreadable(id.value);
      const d = decide(found.stored.value, body.value, rt.clock(), rt.policy);
      if (d.status === "rejected") {
        context.log(`${name} ${id.value}: refused for ${by}: ${d.reason}`);
        return {
          status: 409,
          headers: NO_STORE,
          jsonBody: { error: `incident ${id.value} cannot be ${participle}: ${d.reason}`, reason: d.reason },
        };
      }
      const answer = ok({ status: d.said, incident: summarize(d.incident, rt.policy.spec) });
      if (d.status === "unchanged") {
        context.log(`${name} ${id.value}: already ${participle} by ${d.incident.responder.by ?? "someone"}`);
        return answer;
      }
      const saved = await rt.store.save(d.incident, found.stored.etag);
      if (saved.status === "saved") {
        context.log(`${name} ${id.value}: ${participle} by ${by}`);
        return answer;
      }
      context.warn(`${name} ${id.value}: the incident changed meanwhile (attempt ${attempt} of ${RESPONDER_ATTEMPTS})`);
    }
    return {
      status: 409,
      headers: NO_STORE,
      jsonBody: { error: `incident ${id.value} changed concurrently, try again` },
    };
  });
}
