import type { ChannelName, Incident, NotificationKind, PendingNotification } from "../model/index.js";

/**
 * How many notices one incident may queue for one channel. One episode queues at most 9 per
 * channel once repeats and group updates supersede each other: opened, three escalations
 * (SEV-4 → SEV-1), acknowledged, unacknowledged, one repeated, one updated and resolved. 12 holds
 * all of one episode and the start of the next (a close by hand while the failures go on), and
 * keeps the incident row's outbox column under about 20,000 characters with three channels
 * (docs/adr/0027-outbox-table.md), well inside Tables' 32K-character property limit.
 */
export const QUEUE_CAP = 12;

/** Kinds whose newer notice says all the older one did: a queued one is replaced, not joined. */
const SUPERSEDED: readonly NotificationKind[] = ["repeated", "updated"];

/** Kinds that open or close an item at the receiver: merged away only when nothing else is left. */
const KEPT: readonly NotificationKind[] = ["opened", "resolved"];

/**
 * Queues `added` behind `outbox`, bounded: a queued repeat or group update of the same thread
 * and channel is superseded by the newer one, and a channel holding more than `QUEUE_CAP` notices
 * has its oldest merged into the next one of that channel. Whatever leaves is counted in the
 * `merged` of the notice that takes its place, so health and the rejecting-channel finding can
 * say how many. Never touches a notice a run has claimed (it may be on its way).
 */
export function queueOnto(outbox: readonly PendingNotification[], added: readonly PendingNotification[]) {
  let queue = [...outbox];
  for (const n of added) {
    let merged = n.merged ?? 0;
    if (SUPERSEDED.includes(n.kind)) {
      const older = queue.filter(
        (p) => p.channel === n.channel && p.kind === n.kind && p.dedupKey === n.dedupKey && !p.claimedUntil,
      );
      for (const p of older) merged += 1 + (p.merged ?? 0);
      queue = queue.filter((p) => !older.includes(p));
    }
    queue.push(merged > 0 ? { ...n, merged } : n);
    queue = capped(queue, n.channel);
  }
  return queue;
}

/** `queue` with at most `QUEUE_CAP` notices for `channel`, the oldest merged into their successors. */
function capped(queue: PendingNotification[], channel: ChannelName): PendingNotification[] {
  let out = queue;
  for (;;) {
    const mine = out.filter((p) => p.channel === channel);
    if (mine.length <= QUEUE_CAP) return out;
    // The newest is never merged away: the others are merged into it, or into one before it.
    const free = mine.slice(0, -1).filter((p) => !p.claimedUntil);
    // The oldest that neither opens nor closes an item; an opened or resolved only when no other is left.
    const victim = free.find((p) => !KEPT.includes(p.kind)) ?? free[0];
    if (!victim) return out;
    const next = mine[mine.indexOf(victim) + 1];
    if (!next) return out;
    const folded = 1 + (victim.merged ?? 0) + (next.merged ?? 0);
    out = out.filter((p) => p !== victim).map((p) => (p === next ? { ...p, merged: folded } : p));
  }
}

/** Notices merged away for each channel, across `incidents`' queues. */
export function mergedByChannel(incidents: readonly Pick<Incident, "outbox">[]): Map<ChannelName, number> {
  const out = new Map<ChannelName, number>();
  for (const p of incidents.flatMap((i) => i.outbox))
    if (p.merged) out.set(p.channel, (out.get(p.channel) ?? 0) + p.merged);
  return out;
}
