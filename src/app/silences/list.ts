import { silenceStatus, type Silence, type SilenceStatus } from "../../core/notify/silence.js";
import type { SilenceStore } from "../../core/ports/ports.js";

const STATUS_RANK: Record<SilenceStatus, number> = { active: 0, scheduled: 1, expired: 2 };

export interface SilenceList {
  /** The silences whose status now is one of those asked for: active, then scheduled, then expired; newest first within each. */
  silences: Silence[];
  /** Rows that could not be read, as `silence/id`. */
  unreadable: string[];
  /** The time their status was judged at. */
  at: Date;
}

/** The silences of the given statuses, as they stand now. */
export async function listSilences(
  deps: { silences: Pick<SilenceStore, "list">; clock: () => Date },
  statuses: readonly SilenceStatus[],
): Promise<SilenceList> {
  const at = deps.clock();
  const read = await deps.silences.list();
  const silences = read.silences
    .map((s) => ({ silence: s.value, status: silenceStatus(s.value, at) }))
    .filter((s) => statuses.includes(s.status))
    .sort(
      (a, b) =>
        STATUS_RANK[a.status] - STATUS_RANK[b.status] || b.silence.createdAt.getTime() - a.silence.createdAt.getTime(),
    )
    .map((s) => s.silence);
  return { silences, unreadable: read.unreadable, at };
}
