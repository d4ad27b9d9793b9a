import type { Evaluation, Incident, IncidentSnapshot, NotificationKind, PendingNotification, RuleId, SeriesKey } from "./model.js";
import { moreSevere } from "./severity.js";
import { seriesId } from "./evaluate.js";

/** A stable incident ID for a rule on a series: 16 hex digits of FNV-1a over the series ID. */
export function fingerprint(rule: RuleId, key: Pick<SeriesKey, "vaultResourceId" | "callerObjectId" | "callerAppId">): string {
  const text = `${rule}|${seriesId(key)}`;
  // Two 32-bit FNV-1a passes with different offsets give 64 bits without BigInt arithmetic.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
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
        id: fingerprint(ev.rule, ev.key),
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
        updatedAt: now,
        occurrence,
        // Undelivered notices of an earlier occurrence stay queued ahead of the new one.
        outbox: prev?.outbox ?? [],
        deliveredCount: prev?.deliveredCount ?? 0,
      };
      return { next: withNotification(opened, "opened", now), changed: true };
    }
    const escalates = moreSevere(ev.severity, prev.severity);
    const updated: Incident = {
      ...prev,
      key: { ...prev.key, callerResourceId: prev.key.callerResourceId || ev.key.callerResourceId, callerAppId: prev.key.callerAppId || ev.key.callerAppId },
      severity: escalates ? ev.severity : prev.severity,
      severityReason: escalates ? ev.severityReason : prev.severityReason,
      triggers: ev.triggers,
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
  const { id, rule, key, state, severity, openedAt, resolvedAt, counts, peakFailures, lastFailureAt, triggers, severityReason } = incident;
  return { id, rule, key, state, severity, openedAt, resolvedAt, counts, peakFailures, lastFailureAt, triggers, severityReason };
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
