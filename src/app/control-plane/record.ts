import type { ActivityChange } from "../../core/controlplane/activity.js";
import { checkControlPlane, type ControlPlaneDeps, type ControlPlaneReport } from "./check.js";
import type { VaultSnapshot } from "../../core/controlplane/drift.js";
import type { ControlPlaneConfig } from "../../core/controlplane/config.js";
import type { SnapshotStore } from "../../core/controlplane/ports.js";

export interface RecordedReport extends ControlPlaneReport {
  /** Snapshots another run saved first (ETag conflict): this run's copy was dropped; the next tick compares again. */
  snapshotConflicts: string[];
  /** Stored snapshots that could not be read; those vaults start a new baseline. */
  unreadableSnapshots: string[];
}

/**
 * The check with its state: loads the last snapshots, runs the check, saves the new snapshots
 * with the ETags read (create when there was none). What the tick and `/api/health` call.
 */
export async function runControlPlaneCheck(
  deps: ControlPlaneDeps & { snapshots: SnapshotStore },
  config: ControlPlaneConfig,
  now: Date,
  activity: readonly ActivityChange[] | undefined,
): Promise<RecordedReport> {
  const loaded = await deps.snapshots.loadAll();
  const previous = new Map<string, VaultSnapshot>([...loaded.snapshots].map(([id, s]) => [id, s.value]));
  const report = await checkControlPlane(deps, config, { now, previousSnapshots: previous, activity });
  const snapshotConflicts: string[] = [];
  for (const s of report.snapshots) {
    const saved = await deps.snapshots.save(s, loaded.snapshots.get(s.vaultResourceId)?.etag);
    if (saved.status === "conflict") snapshotConflicts.push(s.vaultResourceId);
  }
  return { ...report, snapshotConflicts, unreadableSnapshots: loaded.unreadable };
}
