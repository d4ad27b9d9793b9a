import type { Evaluation, Incident, IncidentSnapshot, NotificationKind, PendingNotification, RuleId, SeriesKey } from "./model.js";
import { moreSevere } from "./severity.js";
import { seriesId } from "./evaluate.js";
import { digest64 } from "./hash.js";

/** A stable incident ID for a rule on a series: 16 hex digits of FNV-1a over the series ID. */
export function fingerprint(rule: RuleId, key: Pick<SeriesKey, "vaultResourceId" | "callerObjectId" | "callerAppId">): string {
  return digest64(`${rule}|${seriesId(key)}`);
}

/** What one evaluation does to an incident: the next state, and whether it must be written. */
export interface Transition {
  next: Incident | undefined;
  changed: boolean;
}

/**
 * The incident lifecycle for one fingerprint. Opening, escalating and resolving each append a
 * notification to the incident's outbox in the same write, so a crash cannot lose it.
 */
export function transition(prev: Incident | undefined, ev: Evaluation, now: Date, canResolve: boolean): Transition {
  const isOpen = prev?.state === "open";
  if (ev.kind === "firing") {
    if (!prev || !isOpen) {
      const occurrence = (prev?.occurrence ?? 0) + 1;
      const opened: Incident = {
        id: ev.fingerprint ?? fingerprint(ev.rule, ev.key),
        rule: ev.rule,
        key: ev.key,
        state: "open",
        severity: ev.severity,
        openedAt: now,
        resolvedAt: undefined,
        counts: ev.counts,
        peakFailures: ev.counts.failures,
        lastFailureAt: ev.counts.lastFailureAt,
        triggers: ev.triggers,
        severityReason: ev.severityReason,
        diagnosis: ev.diagnosis,
        updatedAt: now,
        occurrence,
        // Undelivered notices of an earlier occurrence stay queued ahead of the new one.
        outbox: prev?.outbox ?? [],
        deliveredCount: prev?.deliveredCount ?? 0,
      };
      return { next: withNotification(opened, "opened", now), changed: true };
    }
    // A role change just before the failures: re-test after the propagation window before
    // escalating (the playbooks' "wait 5-10 minutes, then re-test"), rather than paging louder.
    const waiting = ev.diagnosis?.propagation !== undefined && now.getTime() < ev.diagnosis.propagation.retestAt.getTime();
    const escalates = moreSevere(ev.severity, prev.severity) && !waiting;
    const updated: Incident = {
      ...prev,
      key: { ...prev.key, callerResourceId: prev.key.callerResourceId || ev.key.callerResourceId, callerAppId: prev.key.callerAppId || ev.key.callerAppId },
      severity: escalates ? ev.severity : prev.severity,
      severityReason: escalates ? ev.severityReason : prev.severityReason,
      triggers: ev.triggers,
      diagnosis: ev.diagnosis ?? prev.diagnosis,
      counts: ev.counts,
      peakFailures: Math.max(prev.peakFailures, ev.counts.failures),
      lastFailureAt: later(prev.lastFailureAt, ev.counts.lastFailureAt),
      updatedAt: now,
    };
    return { next: escalates ? withNotification(updated, "escalated", now) : updated, changed: true };
  }
  if (!prev || !isOpen) return { next: prev, changed: false };
  if (ev.kind === "recovered" && canResolve) {
    const resolved: Incident = { ...prev, state: "resolved", resolvedAt: now, updatedAt: now, counts: ev.counts };
    return { next: withNotification(resolved, "resolved", now), changed: true };
  }
  if (ev.kind === "settling") {
    const lastFailureAt = later(prev.lastFailureAt, ev.counts.lastFailureAt);
    if (lastFailureAt?.getTime() !== prev.lastFailureAt?.getTime()) {
      return { next: { ...prev, lastFailureAt, updatedAt: now }, changed: true };
    }
  }
  return { next: prev, changed: false };
}

export function snapshotOf(incident: Incident): IncidentSnapshot {
  const { id, rule, key, state, severity, openedAt, resolvedAt, counts, peakFailures, lastFailureAt, triggers, severityReason, diagnosis } = incident;
  return { id, rule, key, state, severity, openedAt, resolvedAt, counts, peakFailures, lastFailureAt, triggers, severityReason, diagnosis };
}

function withNotification(incident: Incident, kind: NotificationKind, now: Date): Incident {
  const suffix = kind === "escalated" ? `-${incident.severity}` : "";
  const pending: PendingNotification = {
    id: `${incident.id}-o${incident.occurrence}-${kind}${suffix}`,
    kind,
    decidedAt: now,
    snapshot: snapshotOf(incident),
    attempts: 0,
    lastError: undefined,
    claimedUntil: undefined,
  };
  return { ...incident, outbox: [...incident.outbox, pending] };
}

function later(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}
