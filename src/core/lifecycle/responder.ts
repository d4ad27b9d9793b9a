import type { Incident, Responder } from "../model/index.js";
import { RESPONDER_LIFECYCLE, type ResponderEvent } from "./table.js";
import { planNotices } from "../notify/plan.js";
import type { NotifyPolicy } from "../model/notify-policy.js";
import type { Person } from "../notify/silence.js";

/** Who acts: the system by name, or a person as sign-in names them (with their object ID). */
export type Actor = string | Person;

export type ResponderResult =
  | { result: "changed" | "unchanged"; responder: Responder }
  | { result: "rejected"; reason: string; responder: Responder };

/** Applies a responder event as the table says; `by` and `note` are kept for acknowledgements. */
export function respond(
  current: Responder,
  event: ResponderEvent,
  by: Actor,
  now: Date,
  note?: string,
): ResponderResult {
  const move = RESPONDER_LIFECYCLE[current.state][event];
  if (move.result === "rejected") return { result: "rejected", reason: move.reason, responder: current };
  if (move.result === "unchanged") return { result: "unchanged", responder: current };
  if (move.to === "new")
    return { result: "changed", responder: { state: "new", by: undefined, at: undefined, note: undefined } };
  // The system closing it keeps who acknowledged it: the record shows who was on it. A person
  // closing it is recorded instead, with their reason.
  if (move.to === "closed" && event !== "close")
    return { result: "changed", responder: { ...current, state: "closed" } };
  const person = typeof by === "string" ? { name: by, objectId: undefined } : by;
  return {
    result: "changed",
    responder: {
      state: move.to,
      by: person.name,
      ...(person.objectId ? { byObjectId: person.objectId } : {}),
      at: now,
      note,
      ...(event === "close" ? { closedByHand: true } : {}),
    },
  };
}

export type AckOutcome =
  | { status: "acknowledged"; incident: Incident }
  | { status: "already-acknowledged"; incident: Incident }
  | { status: "rejected"; reason: string };

/** An acknowledgement from the API. Pending incidents were never announced, so nobody can ack them. */
export function acknowledge(incident: Incident, by: Actor, now: Date, note?: string): AckOutcome {
  if (incident.state === "pending")
    return { status: "rejected", reason: "the incident is pending: it has not fired yet" };
  const r = respond(incident.responder, "ack", by, now, note);
  if (r.result === "rejected") return { status: "rejected", reason: r.reason };
  if (r.result === "unchanged") return { status: "already-acknowledged", incident };
  return { status: "acknowledged", incident: { ...incident, responder: r.responder, updatedAt: now } };
}

export type CloseOutcome = { status: "closed"; incident: Incident } | { status: "rejected"; reason: string };

/**
 * Closing by hand, from the API: for what the evaluations can never resolve (a caller that was
 * retired keeps its incident firing, because silence is not recovery) or a finding someone accepts.
 * The system state resolves with it, and the resolution notice is queued in the same write: if the
 * rule still fires on the next tick, that tick opens a new episode, and a resolution left for it
 * to plan would never be sent (PagerDuty would keep the old alert open).
 */
export function closeByHand(
  incident: Incident,
  by: Actor,
  now: Date,
  note: string,
  policy: NotifyPolicy,
): CloseOutcome {
  if (incident.state === "pending")
    return { status: "rejected", reason: "the incident is pending: it has not fired yet" };
  const r = respond(incident.responder, "close", by, now, note);
  if (r.result !== "changed")
    return { status: "rejected", reason: r.result === "rejected" ? r.reason : "the incident is already closed" };
  const closed: Incident = {
    ...incident,
    state: "resolved",
    resolvedAt: now,
    conditionFiring: false,
    flapping: false,
    responder: r.responder,
    updatedAt: now,
  };
  // Resolutions are announced even while muted, so the mute it had is kept as it was.
  return { status: "closed", incident: planNotices(closed, now, policy, incident.mutedBy) };
}
