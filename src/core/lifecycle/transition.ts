import type { Evaluation, Incident, Responder, Subject } from "../model/index.js";
import type { LifecyclePolicy } from "../model/notify-policy.js";
import { moreSevere } from "../model/severity.js";
import { SYSTEM_LIFECYCLE, type ConditionEvent, type SystemAction, type SystemState } from "./table.js";
import { respond } from "./responder.js";
import { flappingAfter, isFlapping, noteChange } from "./flapping.js";
import { MINUTE_MS } from "../common/duration.js";
import { reviseDiagnosis } from "../diagnosis/index.js";

/** What one evaluation does to an incident: the next state, and whether it must be written. */
export interface Transition {
  next: Incident | undefined;
  changed: boolean;
  /** The table's action, for tests and the invocation log. */
  action: SystemAction;
}

/**
 * Reduces an evaluation to a lifecycle event. Recovery needs complete data: a partial query's
 * "no failures" may only mean the failing rows were the missing ones.
 */
export function conditionEvent(ev: Evaluation, canResolve: boolean): ConditionEvent {
  switch (ev.kind) {
    case "firing":
      return "fire";
    case "settling":
      return "clear";
    case "recovered":
      return canResolve ? "recover" : "silent";
    case "no-traffic":
      return "silent";
  }
}

export function stateOf(prev: Incident | undefined): SystemState {
  return prev ? prev.state : "none";
}

/** Applies one evaluation to one fingerprint's incident, as the table says. */
export function transition(
  prev: Incident | undefined,
  ev: Evaluation,
  now: Date,
  canResolve: boolean,
  policy: LifecyclePolicy,
): Transition {
  const event = conditionEvent(ev, canResolve);
  const { action } = SYSTEM_LIFECYCLE[stateOf(prev)][event];
  const unchanged: Transition = { next: prev, changed: false, action };
  switch (action) {
    case "ignore":
    case "wait":
      return unchanged;
    case "open":
      return ev.kind === "firing"
        ? { next: promote(open(prev, ev, now, policy), now, policy), changed: true, action }
        : unchanged;
    case "update":
      return ev.kind === "firing" && prev
        ? { next: promote(update(prev, ev, now, policy), now, policy), changed: true, action }
        : unchanged;
    case "settle":
      return prev ? settle(prev, ev, now, policy) : unchanged;
    case "discard":
      return prev
        ? {
            next: close(
              prev,
              now,
              ev,
              prev.conditionFiring ? noteChange(prev.changes, now, policy.flap) : prev.changes,
            ),
            changed: true,
            action,
          }
        : unchanged;
    case "resolve": {
      if (!prev) return unchanged;
      const switched = prev.conditionFiring;
      const changes = switched ? noteChange(prev.changes, now, policy.flap) : prev.changes;
      // A flapping incident stays firing through a recovery, so the next relapse belongs to this
      // episode and pages nobody. The recovery is still a switch: were it not recorded, relapses
      // would add none, the window would empty while the pattern goes on, and paging would resume.
      if (flappingAfter(prev, changes, now, policy.flap)) {
        if (!switched && prev.flapping) return unchanged;
        return {
          next: { ...prev, conditionFiring: false, changes, flapping: true, updatedAt: now },
          changed: true,
          action,
        };
      }
      return { next: close(prev, now, ev, changes), changed: true, action };
    }
  }
}

function open(
  prev: Incident | undefined,
  ev: Extract<Evaluation, { kind: "firing" }>,
  now: Date,
  policy: LifecyclePolicy,
): Incident {
  const responder: Responder = prev
    ? respond(prev.responder, "system-reopened", "vaultwatch", now).responder
    : { state: "new", by: undefined, at: undefined, note: undefined };
  const changes = noteChange(prev?.changes ?? [], now, policy.flap);
  const opened: Incident = {
    id: ev.fingerprint,
    rule: ev.rule,
    subject: ev.subject,
    state: "pending",
    severity: ev.severity,
    openedAt: now,
    resolvedAt: undefined,
    counts: ev.counts,
    peakFailures: ev.counts.failures,
    lastFailureAt: ev.counts.lastFailureAt,
    triggers: ev.triggers,
    severityReason: ev.severityReason,
    // The diagnosis the incident opens with is its diagnosis until new evidence revises it.
    diagnosis: reviseDiagnosis(undefined, ev.diagnosis, now),
    responder,
    flapping: false,
    updatedAt: now,
    episode: now.getTime().toString(36),
    occurrence: (prev?.occurrence ?? 0) + 1,
    firstFailureAt: ev.counts.firstFailureAt,
    lastFiringAt: now,
    conditionFiring: true,
    changes,
    notified: {
      state: undefined,
      severity: undefined,
      at: undefined,
      acknowledged: false,
      unacknowledgedAt: undefined,
      pagedAt: undefined,
    },
    mutedBy: undefined,
    // Undelivered notices of an earlier episode stay queued ahead of the new one.
    outbox: prev?.outbox ?? [],
    deliveredCount: prev?.deliveredCount ?? 0,
  };
  return { ...opened, flapping: isFlapping(opened, now, policy.flap) };
}

function update(
  prev: Incident,
  ev: Extract<Evaluation, { kind: "firing" }>,
  now: Date,
  policy: LifecyclePolicy,
): Incident {
  // A role change just before the failures: re-test after the propagation window before
  // escalating (the playbooks' "wait 5-10 minutes, then re-test"), rather than paging louder.
  const waiting =
    ev.diagnosis?.propagation !== undefined && now.getTime() < ev.diagnosis.propagation.retestAt.getTime();
  const escalates = moreSevere(ev.severity, prev.severity) && !waiting;
  const changes = prev.conditionFiring ? prev.changes : noteChange(prev.changes, now, policy.flap);
  const next: Incident = {
    ...prev,
    subject: learnCaller(prev.subject, ev.subject),
    severity: escalates ? ev.severity : prev.severity,
    severityReason: escalates ? ev.severityReason : prev.severityReason,
    triggers: ev.triggers,
    // Not the tick's diagnosis: the incident's, revised only when the tick's rests on new evidence.
    diagnosis: reviseDiagnosis(prev.diagnosis, ev.diagnosis, now),
    counts: ev.counts,
    peakFailures: Math.max(prev.peakFailures, ev.counts.failures),
    firstFailureAt: firstFailureOf(prev, ev.counts.firstFailureAt),
    lastFailureAt: later(prev.lastFailureAt, ev.counts.lastFailureAt),
    lastFiringAt: now,
    conditionFiring: true,
    changes,
    updatedAt: now,
  };
  return { ...next, flapping: flappingAfter(prev, changes, now, policy.flap) };
}

function settle(prev: Incident, ev: Evaluation, now: Date, policy: LifecyclePolicy): Transition {
  const lastFailureAt = "counts" in ev ? later(prev.lastFailureAt, ev.counts.lastFailureAt) : prev.lastFailureAt;
  const flipped = prev.conditionFiring;
  if (!flipped && lastFailureAt?.getTime() === prev.lastFailureAt?.getTime())
    return { next: prev, changed: false, action: "settle" };
  const changes = flipped ? noteChange(prev.changes, now, policy.flap) : prev.changes;
  const next: Incident = { ...prev, lastFailureAt, conditionFiring: false, changes, updatedAt: now };
  return {
    next: { ...next, flapping: flappingAfter(prev, changes, now, policy.flap) },
    changed: true,
    action: "settle",
  };
}

/** `changes` already holds the switch this resolution makes, if it makes one. */
function close(prev: Incident, now: Date, ev: Evaluation, changes: Date[]): Incident {
  const counts = "counts" in ev ? ev.counts : prev.counts;
  return {
    ...prev,
    state: "resolved",
    resolvedAt: now,
    updatedAt: now,
    counts,
    conditionFiring: false,
    changes,
    flapping: false,
    responder: respond(prev.responder, "system-resolved", "vaultwatch", now).responder,
  };
}

/** Pending becomes firing once it has held for its severity's pending time (0: at once). */
function promote(i: Incident, now: Date, policy: LifecyclePolicy): Incident {
  if (i.state !== "pending") return i;
  const due = i.openedAt.getTime() + policy.pendingMinutes[i.severity] * MINUTE_MS;
  return now.getTime() >= due ? { ...i, state: "firing" } : i;
}

/** The episode's earliest failure; a record from before it was kept starts from its last window's. */
function firstFailureOf(prev: Incident, windowFirst: Date | undefined): Date | undefined {
  const known = prev.firstFailureAt ?? prev.counts.firstFailureAt;
  if (!known) return windowFirst;
  if (!windowFirst) return known;
  return known.getTime() <= windowFirst.getTime() ? known : windowFirst;
}

function later(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/**
 * A caller's app ID and managed-identity resource ID are not part of its identity and may first be
 * logged after the incident opened: keep what the incident knew, and learn what it did not.
 */
function learnCaller(prev: Subject, next: Subject): Subject {
  if (prev.kind !== "caller-on-vault" || next.kind !== "caller-on-vault") return prev;
  return {
    ...prev,
    callerResourceId: prev.callerResourceId || next.callerResourceId,
    callerAppId: prev.callerAppId || next.callerAppId,
    ...(prev.attributedApp || next.attributedApp ? { attributedApp: prev.attributedApp || next.attributedApp } : {}),
  };
}
