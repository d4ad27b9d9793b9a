import type { TableEntityResult } from "@azure/data-tables";
import { z } from "zod";
import type { Incident } from "../core/model/index.js";
import {
  countsFromRecord,
  countsRecord,
  notificationFromRecord,
  notificationRecord,
  type NotificationRecord,
  subjectFromRecord,
  subjectRecord,
} from "../core/model/incident-record.js";
import { QUERY_FAILURE_REASONS } from "../core/signals/query-failure.js";
import { INGESTION_STOP_CAUSES, MONITOR_BLINDNESS } from "../core/model/evaluation.js";
import { orAbsent, safeJson } from "./json.js";
import { KEY_VAULT_AUDIT_TABLES } from "../core/signals/signal-set.js";

/**
 * An incident as one Tables row: PartitionKey = rule, RowKey = fingerprint, indexed copies of the
 * key for filters, and JSON columns for nested data (counts, outbox, triggers, diagnosis, the
 * lifecycle's bookkeeping). Reading is strict: a row that does not parse is reported, not guessed.
 */

export const isoDate = z.iso.datetime().transform((s) => new Date(s));
export const optionalIsoDate = orAbsent(isoDate);

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
  auditTable: z.enum(KEY_VAULT_AUDIT_TABLES),
  app: orAbsent(z.string()),
});
export const Severity = z.enum(["SEV-1", "SEV-2", "SEV-3", "SEV-4"]);
const Rule = z.enum(["kv-auth-denied", "kv-throttled", "control-plane", "network", "monitor"]);
// Records written before the pending state existed say "open"; they are firing.
const State = z.enum(["pending", "firing", "resolved", "open"]).transform((s) => (s === "open" ? "firing" : s));

const TriggerJson = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("threshold"),
    failures: z.number(),
    failurePercent: z.number(),
    baseline: z.enum(["cold", "none"]),
  }),
  z.object({
    kind: z.literal("slo"),
    slo: z.string(),
    tier: z.string(),
    action: z.enum(["page", "ticket"]),
    longWindow: z.string(),
    shortWindow: z.string(),
    longBurn: z.number(),
    shortBurn: z.number(),
    burnThreshold: z.number(),
    budgetRemaining: orAbsent(z.number()),
    hoursToExhaustion: orAbsent(z.number()),
  }),
  z.object({
    kind: z.literal("baseline"),
    expectedRatio: z.number(),
    observedRatio: z.number(),
    pValue: z.number(),
    text: z.string(),
  }),
  z.object({
    kind: z.literal("control-plane"),
    finding: z.string(),
    summary: z.string(),
    evidence: z.array(z.string()),
    role: orAbsent(z.string()),
    workspace: orAbsent(z.string()),
  }),
  z.object({
    kind: z.literal("network"),
    app: z.string(),
    failures: z.number(),
    total: z.number(),
    targets: z.array(z.string()),
  }),
  z.object({
    kind: z.literal("monitor"),
    problem: z.string(),
    // The core's own list: a blindness the core adds is stored and read back without a second edit.
    source: z.enum(MONITOR_BLINDNESS).optional(),
    cause: z.enum(QUERY_FAILURE_REASONS).optional(),
    stop: z.enum(INGESTION_STOP_CAUSES).optional(),
  }),
]);

const optionalText = orAbsent(z.string());
const ResponderJson = z.object({
  state: z.enum(["new", "acknowledged", "closed"]),
  by: optionalText,
  at: optionalIsoDate,
  note: optionalText,
  closedByHand: z.boolean().optional(),
});
const NEW_RESPONDER = { state: "new" as const, by: undefined, at: undefined, note: undefined };

const DiagnosisJson = z
  .object({
    top: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        verdict: z.string(),
        confirming: z.array(z.string()),
        disproving: z.array(z.string()),
      }),
    ),
    decidedBy: z.string(),
    propagation: z
      .object({ retestAt: isoDate, text: z.string() })
      .optional()
      .nullable()
      .transform((p) => p ?? undefined),
    summary: z.string(),
    // Absent on diagnoses written before an incident kept one diagnosis (core/diagnosis/revise.ts).
    facts: z.array(z.string()).optional(),
    revisions: z.array(z.object({ at: isoDate, from: z.string(), to: z.string(), because: z.string() })).optional(),
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

/** A group notice's list of its incidents (absent on notices about one incident, and before groups). */
const GroupListingJson = z.object({
  key: z.string(),
  openedAt: isoDate,
  members: z.array(
    z.object({
      id: z.string(),
      rule: Rule,
      state: State,
      severity: Severity,
      vault: optionalText,
      identity: optionalText,
      app: optionalText,
      failures: z.number(),
      total: z.number(),
      finding: optionalText,
      muted: z.boolean(),
    }),
  ),
});

const OutboxJson = z.array(
  z.object({
    id: z.string(),
    // Notices queued before channels and dedup keys existed were Teams notices; the key is rebuilt.
    dedupKey: z.string().default(""),
    kind: z.enum(["opened", "escalated", "unacknowledged", "repeated", "acknowledged", "resolved", "updated"]),
    channel: z.enum(["teams", "email", "pagerduty"]).default("teams"),
    decidedAt: isoDate,
    snapshot: SnapshotJson,
    attempts: z.number(),
    lastError: orAbsent(z.string()),
    claimedUntil: optionalIsoDate,
    nextAttemptAt: optionalIsoDate,
    group: GroupListingJson.optional(),
  }),
);

/** The lifecycle's bookkeeping: what receivers were told, flap history, responder, mute. */
const LifecycleJson = z.object({
  episode: z.string(),
  // Absent on records written before the episode's first failure was kept.
  firstFailureAt: optionalIsoDate,
  lastFiringAt: optionalIsoDate,
  conditionFiring: z.boolean(),
  changes: z.array(isoDate),
  flapping: z.boolean(),
  mutedBy: optionalText,
  responder: ResponderJson,
  notified: z.object({
    state: orAbsent(z.enum(["firing", "resolved"])),
    severity: orAbsent(Severity),
    at: optionalIsoDate,
    acknowledged: z.boolean(),
    pagedAt: optionalIsoDate,
    unacknowledgedAt: optionalIsoDate,
    channels: z.array(z.enum(["teams", "email", "pagerduty"])).optional(),
    // The incident's part in a group's thread; absent before groups and on incidents alone.
    group: z
      .object({
        key: z.string(),
        holder: z.boolean(),
        listedAt: optionalIsoDate,
        listed: z.array(z.string()).optional(),
      })
      .optional(),
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

export function toEntity(i: Incident) {
  const key = subjectRecord(i.subject);
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
    vaultResourceId: key.vaultResourceId,
    callerObjectId: key.callerObjectId,
    responderState: i.responder.state,
    key: JSON.stringify(key),
    counts: JSON.stringify(countsRecord(i.counts)),
    outbox: JSON.stringify(i.outbox.map(notificationRecord)),
    triggers: JSON.stringify(i.triggers),
    severityReason: i.severityReason,
    diagnosis: JSON.stringify(i.diagnosis ?? null),
    lifecycle: JSON.stringify({
      episode: i.episode,
      firstFailureAt: i.firstFailureAt,
      lastFiringAt: i.lastFiringAt,
      conditionFiring: i.conditionFiring,
      changes: i.changes,
      flapping: i.flapping,
      mutedBy: i.mutedBy,
      responder: i.responder,
      notified: i.notified,
    }),
  };
}

export function fromEntity(e: TableEntityResult<Record<string, unknown>>): Incident | undefined {
  const parsed = IncidentEntity.safeParse(e);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const key = KeyJson.safeParse(safeJson(p.key));
  const counts = CountsJson.safeParse(safeJson(p.counts));
  const outbox = OutboxJson.safeParse(safeJson(p.outbox));
  const triggers = z.array(TriggerJson).safeParse(safeJson(p.triggers));
  const diagnosis = DiagnosisJson.safeParse(safeJson(p.diagnosis));
  const lifecycle = LifecycleJson.nullable().safeParse(safeJson(p.lifecycle));
  if (
    !key.success ||
    !counts.success ||
    !outbox.success ||
    !triggers.success ||
    !diagnosis.success ||
    !lifecycle.success
  )
    return undefined;
  // A record from before the lifecycle columns: it was announced when it opened.
  const l = lifecycle.data ?? {
    episode: p.openedAt.getTime().toString(36),
    lastFiringAt: p.lastFailureAt ?? undefined,
    conditionFiring: p.state !== "resolved",
    changes: [],
    flapping: false,
    mutedBy: undefined,
    responder: { ...NEW_RESPONDER, state: p.state === "resolved" ? ("closed" as const) : ("new" as const) },
    notified: {
      state: p.state === "resolved" ? ("resolved" as const) : ("firing" as const),
      severity: p.severity,
      at: p.openedAt,
      acknowledged: false,
      pagedAt: undefined,
      unacknowledgedAt: undefined,
    },
  };
  return {
    id: p.rowKey,
    rule: p.partitionKey,
    subject: subjectFromRecord(p.partitionKey, key.data),
    state: p.state,
    severity: p.severity,
    openedAt: p.openedAt,
    resolvedAt: p.resolvedAt ?? undefined,
    updatedAt: p.updatedAt,
    lastFailureAt: p.lastFailureAt ?? undefined,
    occurrence: p.occurrence,
    peakFailures: p.peakFailures,
    deliveredCount: p.deliveredCount,
    counts: countsFromRecord(counts.data),
    outbox: (outbox.data as NotificationRecord[]).map((r) => {
      const n = notificationFromRecord(r);
      return n.dedupKey ? n : { ...n, dedupKey: `vaultwatch-${p.rowKey}-${l.episode}` };
    }),
    triggers: triggers.data,
    severityReason: p.severityReason,
    diagnosis: diagnosis.data,
    ...l,
  };
}
