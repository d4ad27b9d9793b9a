import { odata, TableClient, type TableEntityResult } from "@azure/data-tables";
import { isRestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import type { Heartbeat, Incident, PendingNotification, WindowCounts } from "../core/model.js";
import type { SaveResult, StateStore, Stored } from "../app/ports.js";
import { safeJson } from "./json.js";
import { ensureTables } from "./ensure-tables.js";

/**
 * Incidents and the heartbeat in Azure Tables. Writes are conditional on the ETag read (or create
 * when there is none), so two overlapping runs can never both win the same change.
 * Row layout: PartitionKey = rule, RowKey = incident fingerprint; JSON columns hold nested data.
 */
export function createTableStateStore(incidents: TableClient, monitor: TableClient): StateStore {
  const ready = ensureTables(incidents, monitor);

  async function takeOver(incident: Incident): Promise<SaveResult> {
    try {
      const existing = await incidents.getEntity<Record<string, unknown>>(incident.rule, incident.id);
      const old = fromEntity(existing);
      if (!old || old.state !== "resolved" || old.outbox.length > 0) return { status: "conflict" };
      const next = { ...incident, occurrence: old.occurrence + 1, deliveredCount: old.deliveredCount + incident.deliveredCount };
      const response = await incidents.updateEntity(toEntity(next), "Replace", { etag: existing.etag });
      return { status: "saved", etag: response.etag ?? "" };
    } catch (error) {
      if (isRestError(error) && (error.statusCode === 404 || error.statusCode === 412)) return { status: "conflict" };
      throw error;
    }
  }

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
      const all = await readAll(incidents.listEntities<Record<string, unknown>>(filter ? { queryOptions: { filter } } : {}), limit);
      return { incidents: all.incidents.map((s) => s.value), unreadable: all.unreadable };
    },

    async get(id) {
      await ready();
      const found = await readAll(incidents.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`RowKey eq ${id}` } }), 1);
      if (found.unreadable.length > 0) return { status: "unreadable" };
      const first = found.incidents[0];
      return first ? { status: "found", stored: first } : { status: "missing" };
    },

    async save(incident, etag) {
      await ready();
      const entity = toEntity(incident);
      try {
        const response = etag === undefined ? await incidents.createEntity(entity) : await incidents.updateEntity(entity, "Replace", { etag });
        return { status: "saved", etag: response.etag ?? "" } satisfies SaveResult;
      } catch (error) {
        // 409 on create: a record exists that was not loaded, which is a finished episode older
        // than the flap window. Take it over (keeping its count) unless it still holds notices.
        if (etag === undefined && isRestError(error) && error.statusCode === 409) return takeOver(incident);
        // 412: someone updated it since we read it.
        if (isRestError(error) && error.statusCode === 412) return { status: "conflict" };
        throw error;
      }
    },

    async loadHeartbeat() {
      await ready();
      try {
        const e = await monitor.getEntity<Record<string, unknown>>("monitor", "heartbeat");
        const parsed = HeartbeatEntity.safeParse(e);
        if (!parsed.success) return undefined;
        const signals = SignalsJson.safeParse(safeJson(parsed.data.signals));
        const slos = SlosJson.safeParse(safeJson(parsed.data.slos));
        const controlPlane = ControlPlaneJson.safeParse(safeJson(parsed.data.controlPlane));
        return {
          ...parsed.data,
          problem: parsed.data.problem || undefined,
          signals: signals.success ? signals.data : {},
          slos: slos.success ? slos.data : [],
          controlPlane: controlPlane.success ? controlPlane.data : undefined,
        };
      } catch (error) {
        if (isRestError(error) && error.statusCode === 404) return undefined;
        throw error;
      }
    },

    async saveHeartbeat(h) {
      await ready();
      await monitor.upsertEntity({ partitionKey: "monitor", rowKey: "heartbeat", ...h, problem: h.problem ?? "", signals: JSON.stringify(h.signals), slos: JSON.stringify(h.slos), controlPlane: JSON.stringify(h.controlPlane ?? null) }, "Replace");
    },
  };
}

const isoDate = z.iso.datetime().transform((s) => new Date(s));
const optionalIsoDate = isoDate.optional().nullable().transform((d) => d ?? undefined);

const CountsJson = z.object({
  total: z.number(),
  succeeded: z.number(),
  unauthorized: z.number(),
  forbidden: z.number(),
  forbiddenRbac: z.number().default(0),
  forbiddenPolicy: z.number().default(0),
  forbiddenFirewall: z.number().default(0),
  throttled: z.number(),
  failures: z.number(),
  failurePercent: z.number(),
  currentFailurePercent: z.number(),
  operations: z.array(z.string()),
  firstFailureAt: optionalIsoDate,
  lastFailureAt: optionalIsoDate,
});

const KeyJson = z.object({
  vaultResourceId: z.string(),
  callerObjectId: z.string(),
  callerAppId: z.string(),
  callerResourceId: z.string(),
  auditTable: z.enum(["AzureDiagnostics", "AZKVAuditLogs"]),
  app: z.string().optional().nullable().transform((v) => v ?? undefined),
});
const Severity = z.enum(["SEV-1", "SEV-2", "SEV-3", "SEV-4"]);
const Rule = z.enum(["kv-auth-denied", "kv-throttled", "control-plane", "network", "monitor"]);
// Records written before the pending state existed say "open"; they are firing.
const State = z.enum(["pending", "firing", "resolved", "open"]).transform((s) => (s === "open" ? "firing" : s));

const TriggerJson = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("threshold"), failures: z.number(), failurePercent: z.number(), baseline: z.enum(["cold", "none"]) }),
  z.object({
    kind: z.literal("slo"), slo: z.string(), tier: z.string(), action: z.enum(["page", "ticket"]), longWindow: z.string(), shortWindow: z.string(),
    longBurn: z.number(), shortBurn: z.number(), burnThreshold: z.number(),
    budgetRemaining: z.number().optional().nullable().transform((v) => v ?? undefined),
    hoursToExhaustion: z.number().optional().nullable().transform((v) => v ?? undefined),
  }),
  z.object({ kind: z.literal("baseline"), expectedRatio: z.number(), observedRatio: z.number(), pValue: z.number(), text: z.string() }),
  z.object({
    kind: z.literal("control-plane"), finding: z.string(), summary: z.string(), evidence: z.array(z.string()),
    role: z.string().optional().nullable().transform((v) => v ?? undefined),
    workspace: z.string().optional().nullable().transform((v) => v ?? undefined),
  }),
  z.object({ kind: z.literal("network"), app: z.string(), failures: z.number(), total: z.number(), targets: z.array(z.string()) }),
  z.object({ kind: z.literal("monitor"), problem: z.string() }),
]);

const optionalText = z.string().optional().nullable().transform((v) => v ?? undefined);
const ResponderJson = z.object({ state: z.enum(["new", "acknowledged", "closed"]), by: optionalText, at: optionalIsoDate, note: optionalText });
const NEW_RESPONDER = { state: "new" as const, by: undefined, at: undefined, note: undefined };

const DiagnosisJson = z
  .object({
    top: z.array(z.object({ id: z.string(), title: z.string(), verdict: z.string(), confirming: z.array(z.string()), disproving: z.array(z.string()) })),
    decidedBy: z.string(),
    propagation: z.object({ retestAt: isoDate, text: z.string() }).optional().nullable().transform((p) => p ?? undefined),
    summary: z.string(),
  })
  .optional()
  .nullable()
  .transform((d) => d ?? undefined);

const SnapshotJson = z.object({
  id: z.string(),
  rule: Rule,
  key: KeyJson,
  state: State,
  severity: Severity,
  openedAt: isoDate,
  resolvedAt: optionalIsoDate,
  counts: CountsJson,
  peakFailures: z.number(),
  lastFailureAt: optionalIsoDate,
  triggers: z.array(TriggerJson).default([]),
  severityReason: z.string().default(""),
  diagnosis: DiagnosisJson,
  responder: ResponderJson.default(NEW_RESPONDER),
  flapping: z.boolean().default(false),
});

const OutboxJson = z.array(
  z.object({
    id: z.string(),
    dedupKey: z.string(),
    kind: z.enum(["opened", "escalated", "unacknowledged", "repeated", "acknowledged", "resolved"]),
    channel: z.enum(["teams", "email", "pagerduty"]),
    decidedAt: isoDate,
    snapshot: SnapshotJson,
    attempts: z.number(),
    lastError: z.string().optional().nullable().transform((s) => s ?? undefined),
    claimedUntil: optionalIsoDate,
    nextAttemptAt: optionalIsoDate,
  }),
);

/** The lifecycle's bookkeeping: what receivers were told, flap history, responder, mute. */
const LifecycleJson = z.object({
  episode: z.string(),
  lastFiringAt: optionalIsoDate,
  conditionFiring: z.boolean(),
  changes: z.array(isoDate),
  flapping: z.boolean(),
  mutedBy: optionalText,
  responder: ResponderJson,
  notified: z.object({
    state: z.enum(["firing", "resolved"]).optional().nullable().transform((v) => v ?? undefined),
    severity: Severity.optional().nullable().transform((v) => v ?? undefined),
    at: optionalIsoDate,
    acknowledged: z.boolean(),
    pagedAt: optionalIsoDate,
    unacknowledgedAt: optionalIsoDate,
  }),
});

const IncidentEntity = z.object({
  rowKey: z.string(),
  partitionKey: Rule,
  state: State,
  severity: Severity,
  openedAt: z.date(),
  resolvedAt: z.date().optional().nullable(),
  updatedAt: z.date(),
  lastFailureAt: z.date().optional().nullable(),
  occurrence: z.number().int(),
  peakFailures: z.number(),
  deliveredCount: z.number().int(),
  key: z.string(),
  counts: z.string(),
  outbox: z.string(),
  triggers: z.string().default("[]"),
  severityReason: z.string().default(""),
  diagnosis: z.string().default("null"),
  lifecycle: z.string().default("null"),
});

const HeartbeatEntity = z.object({
  tickAt: z.date(),
  signalStatus: z.enum(["complete", "partial", "failed"]),
  problem: z.string().optional(),
  seriesObserved: z.number(),
  openIncidents: z.number(),
  undelivered: z.number(),
  signals: z.string().default("{}"),
  slos: z.string().default("[]"),
  requests: z.number().default(0),
  controlPlane: z.string().default("null"),
});

const ControlPlaneJson = z
  .object({
    checkedAt: optionalIsoDate,
    problem: z.string().optional().nullable().transform((v) => v ?? undefined),
    findings: z.array(
      z.object({
        kind: z.string(),
        summary: z.string(),
        severity: Severity,
        hypothesis: z.string().optional().nullable().transform((v) => v ?? undefined),
        vaultResourceId: z.string().optional().nullable().transform((v) => v ?? undefined),
      }),
    ),
    monitorProblems: z.array(z.string()),
    vaults: z.array(z.object({ vaultResourceId: z.string(), config: z.string(), coverage: z.string(), permissionModel: z.string().optional().nullable().transform((v) => v ?? undefined) })),
    armRequests: z.number(),
    probesFailed: z.number(),
  })
  .nullable()
  .transform((v) => v ?? undefined);

const SlosJson = z.array(
  z.object({
    name: z.string(),
    kind: z.enum(["identity-vault", "app-dependency"]),
    status: z.enum(["firing", "burning-within-budget", "no-data", "no-signal"]),
    firing: z.string().optional().nullable().transform((v) => v ?? undefined),
    budgetRemaining: z.number().optional().nullable().transform((v) => v ?? undefined),
    hoursToExhaustion: z.number().optional().nullable().transform((v) => v ?? undefined),
  }),
);

const SignalsJson = z.record(
  z.string(),
  z.object({
    status: z.enum(["ok", "no-data", "unavailable", "degraded", "failed"]),
    problem: z.string().optional().nullable().transform((s) => s ?? undefined),
  }),
);

function toEntity(i: Incident) {
  return {
    partitionKey: i.rule,
    rowKey: i.id,
    state: i.state,
    severity: i.severity,
    openedAt: i.openedAt,
    // Tables has no null: an absent date is an absent property.
    ...(i.resolvedAt ? { resolvedAt: i.resolvedAt } : {}),
    updatedAt: i.updatedAt,
    ...(i.lastFailureAt ? { lastFailureAt: i.lastFailureAt } : {}),
    occurrence: i.occurrence,
    peakFailures: i.peakFailures,
    deliveredCount: i.deliveredCount,
    pending: i.outbox.length,
    // Indexed copies of the key for filters and Storage Explorer; the JSON copy is authoritative.
    vaultResourceId: i.key.vaultResourceId,
    callerObjectId: i.key.callerObjectId,
    responderState: i.responder.state,
    key: JSON.stringify(i.key),
    counts: JSON.stringify(i.counts),
    outbox: JSON.stringify(i.outbox),
    triggers: JSON.stringify(i.triggers),
    severityReason: i.severityReason,
    diagnosis: JSON.stringify(i.diagnosis ?? null),
    lifecycle: JSON.stringify({
      episode: i.episode, lastFiringAt: i.lastFiringAt, conditionFiring: i.conditionFiring, changes: i.changes, flapping: i.flapping,
      mutedBy: i.mutedBy, responder: i.responder, notified: i.notified,
    }),
  };
}

function fromEntity(e: TableEntityResult<Record<string, unknown>>): Incident | undefined {
  const parsed = IncidentEntity.safeParse(e);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const key = KeyJson.safeParse(safeJson(p.key));
  const counts = CountsJson.safeParse(safeJson(p.counts));
  const outbox = OutboxJson.safeParse(safeJson(p.outbox));
  const triggers = z.array(TriggerJson).safeParse(safeJson(p.triggers));
  const diagnosis = DiagnosisJson.safeParse(safeJson(p.diagnosis));
  const lifecycle = LifecycleJson.nullable().safeParse(safeJson(p.lifecycle));
  if (!key.success || !counts.success || !outbox.success || !triggers.success || !diagnosis.success || !lifecycle.success) return undefined;
  // A record from before the lifecycle columns: it was announced when it opened.
  const l = lifecycle.data ?? {
    episode: p.openedAt.getTime().toString(36), lastFiringAt: p.lastFailureAt ?? undefined, conditionFiring: p.state !== "resolved", changes: [], flapping: false, mutedBy: undefined,
    responder: { ...NEW_RESPONDER, state: p.state === "resolved" ? ("closed" as const) : ("new" as const) },
    notified: { state: p.state === "resolved" ? ("resolved" as const) : ("firing" as const), severity: p.severity, at: p.openedAt, acknowledged: false, pagedAt: undefined, unacknowledgedAt: undefined },
  };
  return {
    id: p.rowKey,
    rule: p.partitionKey,
    key: key.data,
    state: p.state,
    severity: p.severity,
    openedAt: p.openedAt,
    resolvedAt: p.resolvedAt ?? undefined,
    updatedAt: p.updatedAt,
    lastFailureAt: p.lastFailureAt ?? undefined,
    occurrence: p.occurrence,
    peakFailures: p.peakFailures,
    deliveredCount: p.deliveredCount,
    counts: counts.data as WindowCounts,
    outbox: outbox.data as PendingNotification[],
    triggers: triggers.data,
    severityReason: p.severityReason,
    diagnosis: diagnosis.data,
    ...l,
  };
}

async function readAll(pages: AsyncIterable<TableEntityResult<Record<string, unknown>>>, limit = Number.POSITIVE_INFINITY): Promise<{ incidents: Stored<Incident>[]; unreadable: string[] }> {
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
