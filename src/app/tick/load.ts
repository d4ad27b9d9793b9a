import type { LearnedBaselines } from "../../core/baselines/index.js";
import type { Heartbeat, Incident } from "../../core/model/index.js";
import type { Silence } from "../../core/notify/silence.js";
import type { Logger, Stored } from "../../core/ports/ports.js";
import type { LoadedSnapshots } from "../control-plane/record.js";
import type { TickDeps } from "./deps.js";
import { MINUTE_MS } from "../../core/common/duration.js";

/** Everything a tick or a health check decides from, as loaded from the state store. */
export interface TickState {
  /** Active incidents, those with notices to deliver, and those resolved within the flap window. */
  incidents: Stored<Incident>[];
  unreadableIncidents: string[];
  silences: Silence[];
  baselines: LearnedBaselines;
  /** The vaults' last snapshots, when the control-plane check is on. */
  snapshots: LoadedSnapshots | undefined;
  /** The last tick's record; its memo tells the workspace query what it may reuse. */
  heartbeat: Heartbeat | undefined;
}

/**
 * Loads the state a tick decides from. Every reader of the monitor's judgement (the tick, and
 * `/api/health` on whichever instance serves it) loads it the same way, so two instances with the
 * same store and the same query results decide the same. Unreadable rows are logged, never fatal.
 */
export async function loadState(deps: TickDeps, now: Date, log: Logger): Promise<TickState> {
  const since = new Date(now.getTime() - deps.policy.lifecycle.flap.windowMinutes * MINUTE_MS);
  const [incidents, silences, baselines, snapshots, heartbeat] = await Promise.all([
    deps.store.loadActive(since),
    deps.silences.list(),
    deps.baselines.load(),
    deps.controlPlane?.deps.snapshots.loadAll(),
    deps.store.loadHeartbeat(),
  ]);
  for (const key of incidents.unreadable) log.error(`stored incident ${key} could not be read and was left untouched`);
  for (const key of silences.unreadable)
    log.error(`stored silence ${key} could not be read; it mutes nothing until it is fixed or expired`);
  return {
    incidents: incidents.incidents,
    unreadableIncidents: incidents.unreadable,
    silences: silences.silences.map((s) => s.value),
    baselines,
    snapshots,
    heartbeat,
  };
}
