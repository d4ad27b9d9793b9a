import type { HttpResponseInit } from "@azure/functions";
import type { Runtime } from "../../app/runtime.js";
import type { Incident } from "../../core/model.js";
import { SEVERITY_RANK } from "../../core/severity.js";
import type { MonitorSpec } from "../../config/monitor-spec.js";
import { acknowledge } from "../../core/lifecycle/responder.js";
import { isActive } from "../../core/incidents.js";
import { callerName, vaultName } from "../../core/names.js";
import { appFor } from "../../core/spec-lookup.js";
import { AckBody, endpoint, IncidentsQuery, incidentIdOf, NO_STORE, parseBody, parseQuery, plain } from "../../http/requests.js";

/** Reads and saves of one acknowledgement: the first try and three retries after ETag conflicts. */
const ACK_ATTEMPTS = 4;
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
    responder: { state: i.responder.state, by: i.responder.by ?? null, at: i.responder.at?.toISOString() ?? null, note: i.responder.note ?? null },
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
    responder: { state: r.state, by: r.by, at: r.at, note: r.note },
    notified: { state: n.state, severity: n.severity, at: n.at, acknowledged: n.acknowledged, pagedAt: n.pagedAt, unacknowledgedAt: n.unacknowledgedAt },
  });
}

/** Active first, then the most severe, then the newest. */
function byUrgency(a: Incident, b: Incident): number {
  return Number(isActive(b)) - Number(isActive(a)) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.openedAt.getTime() - a.openedAt.getTime();
}

const ok = (jsonBody: unknown, status = 200): HttpResponseInit => ({ status, headers: NO_STORE, jsonBody });
const notFound = (id: string): HttpResponseInit => ({ status: 404, headers: NO_STORE, jsonBody: { error: `no incident ${id}` } });
const unreadable = (id: string): HttpResponseInit => ({
  status: 503,
  headers: NO_STORE,
  jsonBody: { error: "unavailable", reason: `incident ${id} is stored but its record cannot be read (it does not match the expected format)` },
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

  const ack = endpoint("incident-ack", "POST", getRuntime, async (rt, request, context) => {
    const id = incidentIdOf(request);
    if (!id.ok) return id.response;
    const body = await parseBody(request, AckBody);
    if (!body.ok) return body.response;
    const { by, note } = body.value;
    // The timer may rewrite the incident between our read and write; the ETag catches that.
    for (let attempt = 1; attempt <= ACK_ATTEMPTS; attempt++) {
      const found = await rt.store.get(id.value);
      if (found.status === "missing") return notFound(id.value);
      if (found.status === "unreadable") return unreadable(id.value);
      const outcome = acknowledge(found.stored.value, by, rt.clock(), note);
      if (outcome.status === "rejected") {
        context.log(`incident-ack ${id.value}: refused for ${by}: ${outcome.reason}`);
        return { status: 409, headers: NO_STORE, jsonBody: { error: `incident ${id.value} cannot be acknowledged: ${outcome.reason}`, reason: outcome.reason } };
      }
      if (outcome.status === "already-acknowledged") {
        context.log(`incident-ack ${id.value}: already acknowledged by ${outcome.incident.responder.by ?? "someone"}`);
        return ok({ status: outcome.status, incident: summarize(outcome.incident, rt.policy.spec) });
      }
      const saved = await rt.store.save(outcome.incident, found.stored.etag);
      if (saved.status === "saved") {
        context.log(`incident-ack ${id.value}: acknowledged by ${by}`);
        return ok({ status: outcome.status, incident: summarize(outcome.incident, rt.policy.spec) });
      }
      context.warn(`incident-ack ${id.value}: the incident changed while acknowledging (attempt ${attempt} of ${ACK_ATTEMPTS})`);
    }
    return { status: 409, headers: NO_STORE, jsonBody: { error: `incident ${id.value} changed concurrently, try again` } };
  });

  return { list, get, ack };
}
