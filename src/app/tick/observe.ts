import { historyHoursFor } from "../../core/baselines/index.js";
import type { Logger } from "../../core/ports/ports.js";
import { isKnown, type SignalSet } from "../../core/signals/signal-set.js";
import { observeControlPlane, type ControlPlaneTick } from "../control-plane/tick.js";
import type { TickDeps } from "./deps.js";
import type { TickState } from "./load.js";

/** What the outside world says this tick: the workspace's signals and the control plane's facts. */
export interface Observation {
  set: SignalSet;
  /** Hours of hourly history read for the baselines (0: none this tick). */
  historyHours: number;
  /** Undefined when the control-plane check is off or was not asked for. */
  controlPlane: ControlPlaneTick | undefined;
}

/**
 * Reads, and writes nothing: the workspace query (with the baselines' history when due) and the
 * control-plane check. A health check reads the same signals without history or ARM reads.
 */
export async function observe(
  deps: TickDeps,
  state: TickState,
  now: Date,
  log: Logger,
  wants: { history: boolean; controlPlane: boolean },
): Promise<Observation> {
  const historyHours = wants.history ? historyHoursFor(state.baselines.historyReadAt, now) : 0;
  const set = await deps.signals.fetch(now, { historyHours, memo: state.heartbeat?.memo });
  const changes = isKnown(set.signals.changes.status) ? set.signals.changes.rows : undefined;
  const controlPlane =
    wants.controlPlane && deps.controlPlane && state.snapshots
      ? await observeControlPlane(deps.controlPlane, now, state.snapshots, changes, log)
      : undefined;
  return { set, historyHours, controlPlane };
}
