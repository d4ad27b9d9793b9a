import type { ChannelName, Incident, Notified, NotificationKind, PendingNotification } from "../model/index.js";
import { moreSevere } from "../model/severity.js";
import { snapshotOf } from "../model/incidents.js";
import { isPage, type NotifyPolicy } from "../model/notify-policy.js";
import { channelsFor } from "./route.js";
import { MINUTE_MS } from "../common/duration.js";

/**
 * Alertmanager's dedup stage for one incident: compares what the incident is now with what
 * receivers were last told (`notified`) and decides the notices, appending one outbox entry per
 * channel in the same write as the state. Notify on change only; repeat while firing and nobody
 * has acknowledged; escalate a page nobody acknowledged in time.
 *
 * `mute` (a silence or an inhibiting incident) withholds firing notices; the difference is
 * announced when the mute ends. A resolution is announced even while muted, because receivers
 * (PagerDuty, a Teams thread) hold an open item that only it closes.
 */
export function planNotices(incident: Incident, now: Date, policy: NotifyPolicy, mute: string | undefined): Incident {
  const base: Incident = incident.mutedBy === mute ? incident : { ...incident, mutedBy: mute };
  if (incident.state === "pending") return base;
  const n: Notified = { ...incident.notified };
  const kinds: { kind: NotificationKind; detail: string }[] = [];

  if (incident.state === "resolved") {
    if (n.state === "firing") {
      kinds.push({ kind: "resolved", detail: "" });
      n.state = "resolved";
    }
    return withNotices(base, n, kinds, now, policy);
  }
  if (mute) return base;

  // The acknowledgement clock runs for pages, and for any severity the settings give a timeout.
  const clocked = isPage(incident.severity) || policy.ackTimeoutMinutes[incident.severity] !== undefined;
  if (n.state !== "firing") {
    kinds.push({ kind: "opened", detail: "" });
    Object.assign(n, {
      state: "firing",
      severity: incident.severity,
      at: now,
      acknowledged: false,
      unacknowledgedAt: undefined,
      pagedAt: clocked ? now : undefined,
      channels: [],
    });
  } else {
    if (n.severity === undefined || moreSevere(incident.severity, n.severity)) {
      kinds.push({ kind: "escalated", detail: `-${incident.severity}` });
      Object.assign(n, { severity: incident.severity, at: now, pagedAt: n.pagedAt ?? (clocked ? now : undefined) });
    }
    const acked = incident.responder.state === "acknowledged";
    if (acked && !n.acknowledged) {
      kinds.push({ kind: "acknowledged", detail: "" });
      n.acknowledged = true;
    }
    if (!acked) {
      const timeout = policy.ackTimeoutMinutes[incident.severity];
      const overdue =
        timeout !== undefined && n.pagedAt !== undefined && now.getTime() - n.pagedAt.getTime() >= timeout * MINUTE_MS;
      if (overdue && n.unacknowledgedAt === undefined) {
        kinds.push({ kind: "unacknowledged", detail: "" });
        n.unacknowledgedAt = now;
      } else if (
        n.at !== undefined &&
        now.getTime() - n.at.getTime() >= policy.repeatMinutes[incident.severity] * MINUTE_MS
      ) {
        kinds.push({ kind: "repeated", detail: `-${now.getTime().toString(36)}` });
        n.at = now;
      }
    }
  }
  return withNotices(base, n, kinds, now, policy);
}

/** Follow-ups close or update what a firing notice opened, so they reach every channel it reached. */
const FOLLOW_UPS: readonly NotificationKind[] = ["acknowledged", "resolved"];

function withNotices(
  incident: Incident,
  notified: Notified,
  kinds: { kind: NotificationKind; detail: string }[],
  now: Date,
  policy: NotifyPolicy,
): Incident {
  if (kinds.length === 0) return incident;
  const snapshot = snapshotOf(incident);
  const dedupKey = `vaultwatch-${incident.id}-${incident.episode}`;
  const told = new Set<ChannelName>(notified.channels ?? []);
  const channelsOf = (kind: NotificationKind): ChannelName[] => {
    const routed = channelsFor(kind, incident.severity, policy);
    if (!FOLLOW_UPS.includes(kind)) {
      for (const c of routed) told.add(c);
      return routed;
    }
    // Only channels still configured: one removed from the settings has nobody to deliver to.
    return [...new Set([...routed, ...[...told].filter((c) => policy.channels.includes(c))])];
  };
  const added: PendingNotification[] = kinds.flatMap(({ kind, detail }) =>
    channelsOf(kind).map((channel) => ({
      id: `${incident.id}-${incident.episode}-${kind}${detail}`,
      dedupKey,
      kind,
      decidedAt: now,
      snapshot,
      channel,
      attempts: 0,
      lastError: undefined,
      claimedUntil: undefined,
      nextAttemptAt: undefined,
    })),
  );
  return { ...incident, notified: { ...notified, channels: [...told] }, outbox: [...incident.outbox, ...added] };
}
