import type { SignalRow } from "../../signals/signal-set.js";
import { CHANGE_BEFORE_ONSET_MINUTES, ONSET_BIN_MINUTES } from "./thresholds.js";
import type { DiagnosisInput } from "./types.js";
import { addMinutes, normalizeId } from "./words.js";

/** The caller's Entra ID group membership changes (AuditLogs) that bear on its failures. */

export interface GroupChange {
  at: Date;
  /** A user's UPN or an app's name, as Entra ID logged who made the change. */
  by: string;
  /** Lower case. */
  groupObjectId: string;
  groupName: string;
}

export interface GroupFacts {
  /**
   * The caller's removals from groups shortly before onset (the look-back the changes use) that
   * were not undone before it, earliest first, each with the caller's return to the group, if any.
   */
  removedBeforeOnset: (GroupChange & { addedBack: GroupChange | undefined })[];
}

/** The caller's membership changes (AuditLogs, queries/signals/group-membership.ts) around the onset. */
export function groupFacts(input: DiagnosisInput, onsetAt: Date | undefined): GroupFacts {
  const me = normalizeId(input.caller.objectId);
  const mine = (input.groupMembership ?? []).filter(
    (r) => me !== "" && normalizeId(r.dims.memberObjectId) === me && r.firstAt.getTime() <= input.now.getTime(),
  );
  const change = (r: SignalRow<"group-membership">, at: Date): GroupChange => ({
    at,
    by: r.dims.initiatedBy || "an unknown caller",
    groupObjectId: normalizeId(r.dims.groupObjectId),
    groupName: r.dims.groupName || r.dims.groupObjectId,
  });
  const byTime = (a: GroupChange, b: GroupChange) => a.at.getTime() - b.at.getTime();
  const additions = mine
    .filter((r) => r.dims.change === "added")
    .map((r) => change(r, r.lastAt))
    .sort(byTime);
  const removedBeforeOnset = mine
    .filter((r) => r.dims.change === "removed")
    .map((r) => change(r, r.firstAt))
    .filter(
      (c) =>
        onsetAt !== undefined &&
        c.at.getTime() >= addMinutes(onsetAt, -CHANGE_BEFORE_ONSET_MINUTES).getTime() &&
        c.at.getTime() <= addMinutes(onsetAt, ONSET_BIN_MINUTES).getTime(),
    )
    .sort(byTime)
    .map((c) => ({
      ...c,
      addedBack: additions.find((a) => a.groupObjectId === c.groupObjectId && a.at.getTime() > c.at.getTime()),
    }))
    // Back in the group before the failures began: not what they are about.
    .filter((c) => !c.addedBack || onsetAt === undefined || c.addedBack.at.getTime() > onsetAt.getTime());
  return { removedBeforeOnset };
}

/**
 * The caller's removals from the groups the role comes through, when it was removed from every one
 * of them before the failures (since added back or not); undefined when the role does not come
 * through groups alone or one of them still had the caller.
 */
export function removalsFromHolders(
  groups: GroupFacts | undefined,
  through: DiagnosisInput["roleThrough"],
): GroupFacts["removedBeforeOnset"] | undefined {
  if (!groups || !through || through.direct || through.groupObjectIds.length === 0) return undefined;
  const holders = through.groupObjectIds.map(normalizeId);
  const removals = groups.removedBeforeOnset.filter((r) => holders.includes(r.groupObjectId));
  return holders.every((g) => removals.some((r) => r.groupObjectId === g)) ? removals : undefined;
}
