import { type Person, silenceStatus, type Silence } from "../../core/notify/silence.js";
import type { SilenceStore } from "../../core/ports/ports.js";
import { keep, updateWithRetry, write } from "../common/update-with-retry.js";

/**
 * `at`: the time the silence was judged and, when expired now, its `expiredAt`. "already-expired"
 * is not written again.
 */
export type ExpireSilenceResult =
  | { status: "expired" | "already-expired"; silence: Silence; at: Date; conflicts: number }
  | { status: "missing" | "unreadable" | "conflict"; conflicts: number };

/**
 * Ends silence `id` now, for `by`. The record stays: it is the audit trail of who muted what and
 * when, and who ended it. A write by someone else between the read and the write is kept, and the
 * expiry applied to it. An expired silence keeps who expired it first.
 */
export async function expireSilence(
  deps: { silences: Pick<SilenceStore, "get" | "save">; clock: () => Date },
  id: string,
  by: Person,
): Promise<ExpireSilenceResult> {
  let at: Date | undefined;
  const r = await updateWithRetry<Silence, never>(
    { load: () => deps.silences.get(id), save: (s, etag) => deps.silences.save(s, etag) },
    (current) => {
      at = deps.clock();
      return silenceStatus(current, at) === "expired"
        ? keep
        : write({ ...current, expiredAt: at, expiredBy: by.name, expiredByObjectId: by.objectId });
    },
  );
  // `at` is set by the change, which ran for either of these ends.
  if (r.status === "updated") return { status: "expired", silence: r.stored.value, at: at!, conflicts: r.conflicts };
  if (r.status === "unchanged")
    return { status: "already-expired", silence: r.stored.value, at: at!, conflicts: r.conflicts };
  return { status: r.status, conflicts: r.conflicts };
}
