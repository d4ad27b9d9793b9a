import type { TableEntityResult } from "@azure/data-tables";
import { z } from "zod";
import type { Incident, PendingNotification } from "../core/model/index.js";
import { snapshotOf } from "../core/model/incidents.js";
import {
  countsFromRecord,
  countsRecord,
  notificationFromRecord,
  notificationRecord,
  type NotificationRecord,
  type SnapshotRecord,
  subjectFromRecord,
  subjectRecord,
} from "../core/model/incident-record.js";
import { safeJson } from "./json.js";
import {
  CountsJson,
  KeyJson,
  TriggerJson,
  NEW_RESPONDER,
  DiagnosisJson,
  OutboxJson,
  LifecycleJson,
  IncidentEntity,
} from "./incident-row-schema.js";

/**
 * An incident as one Tables row: PartitionKey = rule, RowKey = fingerprint, indexed copies of the
 * key for filters, and JSON columns for nested data (counts, outbox, triggers, diagnosis, the
 * lifecycle's bookkeeping). Reading is strict: a row that does not parse is reported, not guessed.
 *
 * The outbox column is an index: per queued notice and channel, its ID, kind and delivery
 * bookkeeping. What a notice renders (the incident's snapshot, a group's listing) is stored once
 * per notice in the notices table (notice-store.ts) and joined back on load, so the row stays
 * small however long a channel refuses (docs/adr/0027-outbox-table.md).
 */

/** What a notice renders, stored once per notice (not per channel) in the notices table. */
export interface NoticeBody {
  snapshot: SnapshotRecord;
  group?: PendingNotification["group"];
}

/** An outbox entry as the incident row keeps it: everything but what the notice renders. */
export function noticeIndex(n: PendingNotification) {
  const { snapshot: _snapshot, group: _group, snapshotMissing: _missing, snapshotAt: _at, ...index } = n;
  return index;
}

/** What the notices table keeps of a notice. */
export function noticeBody(n: PendingNotification): NoticeBody {
  const { snapshot } = notificationRecord(n);
  return n.group ? { snapshot, group: n.group } : { snapshot };
}

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
    outbox: JSON.stringify(i.outbox.map(noticeIndex)),
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

/**
 * The incident of a row, its outbox joined with the notices' bodies (`bodyOf`, by notice ID). An
 * entry whose body is missing (its write was lost, or swept too early) is kept and renders the
 * incident as it stands now, marked `snapshotMissing` so the message says so: never dropped.
 * Rows written before the notices table carry the bodies inline.
 */
export function fromEntity(
  e: TableEntityResult<Record<string, unknown>>,
  bodyOf: (noticeId: string) => NoticeBody | undefined = () => undefined,
): Incident | undefined {
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
  const incident: Incident = {
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
    outbox: [],
    triggers: triggers.data,
    severityReason: p.severityReason,
    diagnosis: diagnosis.data,
    ...l,
  };
  const now = snapshotOf(incident);
  incident.outbox = outbox.data.map((entry) => {
    const body = entry.snapshot ? { snapshot: entry.snapshot, group: entry.group } : bodyOf(entry.id);
    const n: PendingNotification = body
      ? notificationFromRecord({ ...entry, ...body } as NotificationRecord)
      : {
          ...(entry as Omit<PendingNotification, "snapshot">),
          snapshot: now,
          snapshotMissing: true,
          snapshotAt: p.updatedAt,
        };
    if (body && !body.group) delete n.group;
    return n.dedupKey ? n : { ...n, dedupKey: `vaultwatch-${p.rowKey}-${l.episode}` };
  });
  return incident;
}

/** Whether a row's outbox keeps its notices' bodies elsewhere, so loading it needs the notices table. */
export function needsBodies(e: Record<string, unknown>): boolean {
  return typeof e.pending === "number" ? e.pending > 0 : typeof e.outbox === "string" && e.outbox !== "[]";
}
