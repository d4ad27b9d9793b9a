import type { Incident } from "../../core/model/index.js";
import type { Logger, Stored } from "../../core/ports/ports.js";
import { saveSnapshots } from "../control-plane/record.js";
import type { TickDeps } from "./deps.js";
import type { TickState } from "./load.js";
import type { TickPlan } from "./decide.js";
import type { IncidentFailure } from "../delivery/deliver.js";
import { messageOf, writeIncidents } from "./write-incidents.js";

/**
 * Baseline writes in flight at once: well within a storage account's partition target of 2,000
 * entities per second (learn.microsoft.com/azure/storage/tables/scalability-targets).
 */
const SAVE_CONCURRENCY = 8;

/** What the commit step wrote, for delivery and the tick's report. */
export interface Committed {
  /** The incidents as they now stand in the store, with their ETags: delivery works from these. */
  incidents: Stored<Incident>[];
  /** Writes another writer beat between our read and our write; each was read and decided again (write-incidents.ts). */
  conflicts: number;
  /** Incidents whose write threw (a row too large, a store that failed) or kept being beaten: decided again next tick. */
  failures: IncidentFailure[];
  baselinesSaved: number;
  /** Vaults whose snapshot another run saved first; compared again next tick. */
  snapshotConflicts: string[];
}

/**
 * Every write of a tick's decisions, in one place and in this order: incidents (each with its new
 * notices in the same ETag-guarded write, before anything is sent), the vaults' snapshots, the
 * learned baselines and then the time history was read (so a failed baseline write makes the next
 * tick read the history again). The outbox travels inside the incidents; the heartbeat is written
 * after delivery, by the tick.
 */
export async function commit(deps: TickDeps, state: TickState, plan: TickPlan, log: Logger): Promise<Committed> {
  const { current, conflicts, failures } = await writeIncidents(deps, state.incidents, plan, log);

  let snapshotConflicts: string[] = [];
  if (deps.controlPlane && state.snapshots && plan.snapshots.length > 0) {
    try {
      snapshotConflicts = await saveSnapshots(deps.controlPlane.deps.snapshots, plan.snapshots, state.snapshots);
    } catch (error) {
      log.error(`vault snapshots not saved (drift is compared with the older ones next tick): ${messageOf(error)}`);
    }
  }

  let baselinesSaved = 0;
  const learned = plan.learned;
  if (learned) {
    for (const e of learned.errors) log.error(e);
    try {
      for (let i = 0; i < learned.updated.length; i += SAVE_CONCURRENCY) {
        const batch = learned.updated.slice(i, i + SAVE_CONCURRENCY);
        await Promise.all(batch.map(([key, b]) => deps.baselines.save(key, b)));
        baselinesSaved += batch.length;
      }
      if (learned.historyReadAt) await deps.baselines.saveHistoryReadAt(learned.historyReadAt);
      log.info(`baselines: ${baselinesSaved} baseline(s) updated from the hourly history`);
    } catch (error) {
      log.error(`baselines not saved (the history is read again next tick): ${messageOf(error)}`);
    }
  }
  return { incidents: [...current.values()], conflicts, failures, baselinesSaved, snapshotConflicts };
}
