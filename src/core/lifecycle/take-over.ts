import type { Incident } from "../model/index.js";

export type TakeOver = { status: "taken-over"; incident: Incident } | { status: "refused"; reason: string };

/**
 * A new episode of a fingerprint whose row already holds an earlier one the tick did not load (a
 * finished episode older than the flap window). It may replace that record only once the record
 * is finished and has told its receivers everything: a record still active belongs to another
 * run, and one with notices left would lose them. The history carries over: the occurrence count
 * goes on and the delivered notices add up.
 */
export function takeOver(stored: Incident, next: Incident): TakeOver {
  if (stored.state !== "resolved") return { status: "refused", reason: `the stored episode is ${stored.state}` };
  if (stored.outbox.length > 0)
    return { status: "refused", reason: `the stored episode has ${stored.outbox.length} notice(s) to deliver` };
  return {
    status: "taken-over",
    incident: {
      ...next,
      occurrence: stored.occurrence + 1,
      deliveredCount: stored.deliveredCount + next.deliveredCount,
    },
  };
}
