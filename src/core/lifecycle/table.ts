import type { IncidentState, ResponderState } from "../model/index.js";

/**
 * The incident lifecycle as data. Two machines, kept apart as Azure Monitor keeps "alert
 * condition" and "user response": the system state follows the evaluations, the responder state
 * follows people. `transition.ts` applies the first, `responder.ts` the second; what receivers are
 * told is decided afterwards, from the states alone (`notify/plan.ts`).
 */

/** An evaluation, reduced to what the lifecycle reads. */
export type ConditionEvent =
  /** The rule fires. */
  | "fire"
  /** Below the rule, but recovery is not confirmed (or this tick's data cannot confirm it). */
  | "clear"
  /** The confirmation period passed with traffic present and zero failures. */
  | "recover"
  /** No verdict: no traffic to judge, or no data. */
  | "silent";

export const CONDITION_EVENTS: readonly ConditionEvent[] = ["fire", "clear", "recover", "silent"];

/** "none": no record for this fingerprint yet. */
export type SystemState = IncidentState | "none";

export const SYSTEM_STATES: readonly SystemState[] = ["none", "pending", "firing", "resolved"];

export type SystemAction =
  /** Nothing to record. */
  | "ignore"
  /** A new episode: pending, and firing at once when its severity has no pending time. */
  | "open"
  /** The episode goes on: counts, triggers, diagnosis; severity may rise; pending may mature. */
  | "update"
  /** Below the rule: the incident stays as it is, the condition change is noted (flap history). */
  | "settle"
  /** Pending cleared before anyone was told: closed without a notice (Alertmanager's group_wait). */
  | "discard"
  /** Confirmed recovery; held open instead while the incident is flapping. */
  | "resolve"
  /** No verdict: nothing changes. */
  | "wait";

export interface SystemMove {
  to: SystemState;
  action: SystemAction;
}

/** Every state × event pair. `to` is where the action leads unless a guard holds it (noted). */
export const SYSTEM_LIFECYCLE: Record<SystemState, Record<ConditionEvent, SystemMove>> = {
  none: {
    fire: { to: "pending", action: "open" },
    clear: { to: "none", action: "ignore" },
    recover: { to: "none", action: "ignore" },
    silent: { to: "none", action: "ignore" },
  },
  pending: {
    // Guard: promoted to firing once it has held for the severity's pending time.
    fire: { to: "pending", action: "update" },
    clear: { to: "resolved", action: "discard" },
    recover: { to: "resolved", action: "discard" },
    silent: { to: "pending", action: "wait" },
  },
  firing: {
    fire: { to: "firing", action: "update" },
    clear: { to: "firing", action: "settle" },
    // Guard: stays firing while flapping (see flapping.ts).
    recover: { to: "resolved", action: "resolve" },
    silent: { to: "firing", action: "wait" },
  },
  resolved: {
    fire: { to: "pending", action: "open" },
    clear: { to: "resolved", action: "ignore" },
    recover: { to: "resolved", action: "ignore" },
    silent: { to: "resolved", action: "ignore" },
  },
};

/** What people (or the system, on their behalf) do to the responder state. */
export type ResponderEvent =
  /** Someone acknowledged it: escalation and repeats stop. */
  | "ack"
  /**
   * Someone closed it by hand (the caller was retired, the finding is accepted): the system state
   * resolves with it, on that person's word instead of a confirmed recovery. If the rule still
   * fires on the next tick, that is a new episode and pages again, as PagerDuty does.
   */
  | "close"
  /** The system resolved it (or discarded a pending one). */
  | "system-resolved"
  /** The fingerprint fired again after it resolved: a new episode nobody has seen. */
  | "system-reopened";

export const RESPONDER_EVENTS: readonly ResponderEvent[] = ["ack", "close", "system-resolved", "system-reopened"];
export const RESPONDER_STATES: readonly ResponderState[] = ["new", "acknowledged", "closed"];

export type ResponderMove =
  | { to: ResponderState; result: "changed" | "unchanged" }
  /** The request makes no sense in this state: the API answers 409 with this reason. */
  | { to: ResponderState; result: "rejected"; reason: string };

export const RESPONDER_LIFECYCLE: Record<ResponderState, Record<ResponderEvent, ResponderMove>> = {
  new: {
    ack: { to: "acknowledged", result: "changed" },
    close: { to: "closed", result: "changed" },
    "system-resolved": { to: "closed", result: "changed" },
    "system-reopened": { to: "new", result: "unchanged" },
  },
  acknowledged: {
    // Idempotent: a second ack (a retried request, a colleague) keeps the first one's name and time.
    ack: { to: "acknowledged", result: "unchanged" },
    close: { to: "closed", result: "changed" },
    "system-resolved": { to: "closed", result: "changed" },
    "system-reopened": { to: "new", result: "changed" },
  },
  closed: {
    ack: { to: "closed", result: "rejected", reason: "the incident is already resolved" },
    close: { to: "closed", result: "rejected", reason: "the incident is already resolved" },
    "system-resolved": { to: "closed", result: "unchanged" },
    "system-reopened": { to: "new", result: "changed" },
  },
};
