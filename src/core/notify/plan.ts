import type {
  ChannelName,
  GroupListing,
  Incident,
  IncidentSnapshot,
  Notified,
  NotificationKind,
  PendingNotification,
  Severity,
} from "../model/index.js";
import { moreSevere } from "../model/severity.js";
import { snapshotOf } from "../model/incidents.js";
import { isPage, type NotifyPolicy } from "../model/notify-policy.js";
import { channelsFor } from "./route.js";
import { queueOnto } from "./outbox-bounds.js";
import { rejectedChannelsOf } from "./rejected-channels.js";
import { MINUTE_MS } from "../common/duration.js";

/** One notice decided: its kind, what makes its ID unique, and what it renders when not the incident itself. */
export interface Decided {
  kind: NotificationKind;
  /** Appended to the notice ID: "" or "-<something unique to this notice>". */
  detail: string;
  snapshot?: IncidentSnapshot | undefined;
  group?: GroupListing | undefined;
  /** On `escalated`: the severity announced before the rise, so the notice can say "SEV-2 → SEV-1". */
  raisedFrom?: Severity | undefined;
}

/** An incident's own thread: PagerDuty's dedup_key, a Teams card's incident, for one episode. */
export function dedupKeyOf(incident: Pick<Incident, "id" | "episode">): string {
  return `vaultwatch-${incident.id}-${incident.episode}`;
}

/**
 * Alertmanager's dedup stage for one incident: compares what the incident is now with what
 * receivers were last told (`notified`) and decides the notices, appending one outbox entry per
 * channel in the same write as the state. Notify on change only; repeat while firing and nobody
 * has acknowledged; escalate a page nobody acknowledged in time.
 *
 * `mute` (a silence or an inhibiting incident) withholds firing notices; the difference is
 * announced when the mute ends. A resolution is announced even while muted, because receivers
 * (PagerDuty, a Teams thread) hold an open item that only it closes.
 *
 * An incident in a group of several is told of through the group's thread instead (group.ts).
 */
export function planNotices(incident: Incident, now: Date, policy: NotifyPolicy, mute: string | undefined): Incident {
  const base: Incident = incident.mutedBy === mute ? incident : { ...incident, mutedBy: mute };
  // A member of a group is told of through the group's thread, decided with the whole group.
  if (incident.state === "pending" || incident.notified.group) return base;
  const n: Notified = { ...incident.notified };

  if (incident.state === "resolved") {
    const kinds: Decided[] = [];
    if (n.state === "firing") {
      kinds.push({ kind: "resolved", detail: "" });
      n.state = "resolved";
    }
    return withNotices(base, n, kinds, now, policy);
  }
  if (mute) return base;
  const kinds = firingNotices(n, incident.severity, incident.responder.state === "acknowledged", now, policy);
  return withNotices(base, n, kinds, now, policy);
}

/**
 * What a firing thread (an incident's, or a group's at its highest severity) tells receivers now,
 * given what it told them last (`n`, updated in place): opened, escalated, acknowledged,
 * unacknowledged or repeated.
 */
export function firingNotices(
  n: Notified,
  severity: Severity,
  acked: boolean,
  now: Date,
  policy: NotifyPolicy,
): Decided[] {
  const kinds: Decided[] = [];
  // The acknowledgement clock runs for pages, and for any severity the settings give a timeout.
  const clocked = isPage(severity) || policy.ackTimeoutMinutes[severity] !== undefined;
  if (n.state !== "firing") {
    kinds.push({ kind: "opened", detail: "" });
    Object.assign(n, {
      state: "firing",
      severity,
      at: now,
      acknowledged: false,
      unacknowledgedAt: undefined,
      pagedAt: clocked ? now : undefined,
      channels: [],
    });
    return kinds;
  }
  if (n.severity === undefined || moreSevere(severity, n.severity)) {
    kinds.push({ kind: "escalated", detail: `-${severity}`, raisedFrom: n.severity });
    Object.assign(n, { severity, at: now, pagedAt: n.pagedAt ?? (clocked ? now : undefined) });
  }
  if (acked && !n.acknowledged) {
    kinds.push({ kind: "acknowledged", detail: "" });
    n.acknowledged = true;
  }
  if (!acked) {
    const timeout = policy.ackTimeoutMinutes[severity];
    const overdue =
      timeout !== undefined && n.pagedAt !== undefined && now.getTime() - n.pagedAt.getTime() >= timeout * MINUTE_MS;
    if (overdue && n.unacknowledgedAt === undefined) {
      kinds.push({ kind: "unacknowledged", detail: "" });
      n.unacknowledgedAt = now;
    } else if (n.at !== undefined && now.getTime() - n.at.getTime() >= policy.repeatMinutes[severity] * MINUTE_MS) {
      kinds.push({ kind: "repeated", detail: `-${now.getTime().toString(36)}` });
      n.at = now;
    }
  }
  return kinds;
}

/**
 * Follow-ups close or update what a firing notice opened, so they reach every channel it reached;
 * a group's update also goes where its first notice went, and pages nobody by itself.
 */
const FOLLOW_UPS: readonly NotificationKind[] = ["acknowledged", "resolved", "updated"];

/**
 * Appends the decided notices to `incident`'s outbox, one per channel, on `thread` (the
 * incident's own unless it holds a group's): the thread's dedup key, and notice IDs
 * `<thread>-<kind>[-detail]` where the thread's key is `vaultwatch-<thread>`. The queue is bounded
 * per channel (outbox-bounds.ts): a newer repeat or group update supersedes a queued one.
 */
export function withNotices(
  incident: Incident,
  notified: Notified,
  kinds: readonly Decided[],
  now: Date,
  policy: NotifyPolicy,
  thread: string = dedupKeyOf(incident),
): Incident {
  if (kinds.length === 0) return incident;
  const own = snapshotOf(incident);
  const prefix = thread.replace(/^vaultwatch-/, "");
  const told = new Set<ChannelName>(notified.channels ?? []);
  // A finding that a channel rejects notices goes to every other configured channel, never to it.
  const rejected = rejectedChannelsOf(incident);
  const channelsOf = (kind: NotificationKind, severity: Severity): ChannelName[] => {
    const routed =
      rejected.length > 0 ? policy.channels.filter((c) => !rejected.includes(c)) : channelsFor(kind, severity, policy);
    if (!FOLLOW_UPS.includes(kind)) {
      for (const c of routed) told.add(c);
      return routed;
    }
    // Only channels still configured: one removed from the settings has nobody to deliver to.
    return [...new Set([...routed, ...[...told].filter((c) => policy.channels.includes(c) && !rejected.includes(c))])];
  };
  const added: PendingNotification[] = kinds.flatMap(({ kind, detail, snapshot = own, group, raisedFrom }) =>
    channelsOf(kind, snapshot.severity).map((channel) => ({
      id: `${prefix}-${kind}${detail}`,
      dedupKey: thread,
      kind,
      decidedAt: now,
      snapshot,
      ...(group ? { group } : {}),
      ...(raisedFrom ? { raisedFrom } : {}),
      channel,
      attempts: 0,
      lastError: undefined,
      claimedUntil: undefined,
      nextAttemptAt: undefined,
    })),
  );
  return { ...incident, notified: { ...notified, channels: [...told] }, outbox: queueOnto(incident.outbox, added) };
}
