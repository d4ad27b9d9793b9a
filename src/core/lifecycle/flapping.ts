import type { Incident } from "../model/index.js";
import type { LifecyclePolicy } from "../model/notify-policy.js";
import { MINUTE_MS } from "../common/duration.js";

/**
 * Flap detection, after Nagios' "percent state change" in its simplest form: count the times the
 * condition switched between firing and clear within a window. A flapping incident is held open
 * (Prometheus' keep_firing_for, Alertmanager #3048) until the window has passed without a switch.
 */
export function isFlapping(i: Pick<Incident, "changes">, now: Date, flap: LifecyclePolicy["flap"]): boolean {
  return recent(i.changes, now, flap).length >= flap.changes;
}

/**
 * Whether an incident is flapping once its switches are `changes`. Enough switches in the window
 * mark it; once marked it stays so while any switch of the window is left, as Nagios keeps a lower
 * threshold for letting go: otherwise a pattern a little slower than the window would be let go
 * between two relapses and page again on the next one.
 */
export function flappingAfter(
  prev: Pick<Incident, "changes" | "flapping"> | undefined,
  changes: readonly Date[],
  now: Date,
  flap: LifecyclePolicy["flap"],
): boolean {
  if (recent(changes, now, flap).length >= flap.changes) return true;
  // The switch being recorded now does not count here: it would keep an hour-quiet incident held.
  return prev?.flapping === true && recent(prev.changes, now, flap).length > 0;
}

/** Records a switch at `now`, forgetting the ones that fell out of the window. */
export function noteChange(changes: readonly Date[], now: Date, flap: LifecyclePolicy["flap"]): Date[] {
  return [...recent(changes, now, flap), now];
}

function recent(changes: readonly Date[], now: Date, flap: LifecyclePolicy["flap"]): Date[] {
  const since = now.getTime() - flap.windowMinutes * MINUTE_MS;
  return changes.filter((c) => c.getTime() > since);
}
