import type { ActivityChange } from "../../core/controlplane/activity.js";
import type { VaultSnapshot } from "../../core/controlplane/drift.js";
import type { ControlPlaneConfig } from "../../core/controlplane/config.js";
import type { SnapshotStore, StoredSnapshot } from "../../core/controlplane/ports.js";
import { checkControlPlane, type ControlPlaneDeps, type ControlPlaneReport } from "./check.js";

/** The vault snapshots as loaded, with their ETags, and the rows that could not be read. */
export interface LoadedSnapshots {
  snapshots: Map<string, StoredSnapshot>;
  /** Stored snapshots that could not be read; those vaults start a new baseline. */
  unreadable: string[];
}

export interface RecordedReport extends ControlPlaneReport {
  /** Snapshots another run saved first (ETag conflict): this run's copy was dropped; the next tick compares again. */
  snapshotConflicts: string[];
  unreadableSnapshots: string[];
}

/** The last snapshots as the check compares against them. */
export function previousSnapshots(loaded: LoadedSnapshots): Map<string, VaultSnapshot> {
  return new Map([...loaded.snapshots].map(([id, s]) => [id, s.value]));
}

/**
 * Saves the check's new snapshots with the ETags they were loaded with (create when there was
 * none); returns the vaults whose snapshot another run saved first.
 */
export async function saveSnapshots(
  store: SnapshotStore,
  snapshots: readonly VaultSnapshot[],
  loaded: LoadedSnapshots,
): Promise<string[]> {
  const conflicts: string[] = [];
  for (const s of snapshots) {
    const saved = await store.save(s, loaded.snapshots.get(s.vaultResourceId)?.etag);
    if (saved.status === "conflict") conflicts.push(s.vaultResourceId);
  }
  return conflicts;
}

/**
 * The check with its state in one call, for callers outside the tick (which loads, checks and
 * saves in its own steps): loads the last snapshots, runs the check, saves the new snapshots.
 */
export async function runControlPlaneCheck(
  deps: ControlPlaneDeps & { snapshots: SnapshotStore },
  config: ControlPlaneConfig,
  now: Date,
  activity: readonly ActivityChange[] | undefined,
): Promise<RecordedReport> {
  const loaded = await deps.snapshots.loadAll();
  const report = await checkControlPlane(deps, config, { now, previousSnapshots: previousSnapshots(loaded), activity });
  const snapshotConflicts = await saveSnapshots(deps.snapshots, report.snapshots, loaded);
  return { ...report, snapshotConflicts, unreadableSnapshots: loaded.unreadable };
}
