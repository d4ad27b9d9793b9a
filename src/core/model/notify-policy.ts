import type { RuleId, Severity } from "./evaluation.js";
import type { ChannelName, NotificationKind } from "./incident.js";

/** How long a condition must hold before it fires, and when an incident counts as flapping. */
export interface LifecyclePolicy {
  /** Per severity; 0 fires on the first tick (pages must not wait). */
  pendingMinutes: Record<Severity, number>;
  /** At least `changes` firing/clear switches within `windowMinutes` hold the incident open. */
  flap: { windowMinutes: number; changes: number };
}

/** One routing rule: the first that matches a notice decides its channels. */
export interface Route {
  /** Matches any severity when absent. */
  severities?: Severity[] | undefined;
  /** Matches any kind when absent. */
  kinds?: NotificationKind[] | undefined;
  channels: ChannelName[];
}

/**
 * What an incident's group is decided by (`by`, per rule): two active incidents share a cause when
 * they share any value of these labels (docs/adr/0022-notification-groups.md). `[]`: every active
 * incident of that kind shares one; absent or `null`: each is its own group.
 */
export const GROUP_LABELS = ["vault", "identity", "app", "subscription"] as const;
export type GroupLabel = (typeof GROUP_LABELS)[number];

/** Alertmanager's group_by, group_wait and group_interval. */
export interface GroupPolicy {
  by: Partial<Record<RuleId, readonly GroupLabel[] | null>>;
  /** How long a new group waits for more members before its first notice; 0: at once. */
  waitMinutes: number;
  /** At least this long between two notices that list a group's changes. */
  intervalMinutes: number;
}

export interface NotifyPolicy {
  /** Re-send while firing and unacknowledged, per severity (Alertmanager's repeat_interval). */
  repeatMinutes: Record<Severity, number>;
  /** Escalate a page nobody acknowledged in this time; undefined: this severity never escalates. */
  ackTimeoutMinutes: Record<Severity, number | undefined>;
  routes: Route[];
  /** The channels that are configured; routes naming others are narrowed to these. */
  channels: ChannelName[];
  group: GroupPolicy;
}

/**
 * One cause, one thread: an access loss groups by vault (one change, many callers), by identity
 * (one identity, many vaults) and by app (one app's path, its network failures with it), its
 * control-plane view with it; throttling by subscription (Key Vault's subscription-wide limit, per
 * region: the region is not in the audit rows); network failures by app. No wait: a first page is
 * never delayed. Alertmanager's group_interval default (5 minutes) between updates.
 */
export const DEFAULT_GROUP: GroupPolicy = {
  by: {
    "kv-auth-denied": ["vault", "identity", "app"],
    "control-plane": ["vault", "identity"],
    "kv-throttled": ["subscription"],
    network: ["app"],
  },
  waitMinutes: 0,
  intervalMinutes: 5,
};

/** Pages wait for nothing; tickets wait one 5-minute tick so a single blip never opens one. */
export const DEFAULT_LIFECYCLE: LifecyclePolicy = {
  pendingMinutes: { "SEV-1": 0, "SEV-2": 0, "SEV-3": 5, "SEV-4": 10 },
  // Two full fire/clear cycles within an hour: the shape Nagios-style flap detection looks for,
  // and long enough that one real relapse after a fix still pages.
  flap: { windowMinutes: 60, changes: 4 },
};

export const DEFAULT_NOTIFY: NotifyPolicy = {
  // Alertmanager's repeat_interval default (4h) for pages; a day for tickets.
  repeatMinutes: { "SEV-1": 240, "SEV-2": 240, "SEV-3": 1440, "SEV-4": 1440 },
  // The acknowledgement times severity.ts RESPONSE promises: 15 minutes for SEV-1, an hour for SEV-2.
  ackTimeoutMinutes: { "SEV-1": 15, "SEV-2": 60, "SEV-3": undefined, "SEV-4": undefined },
  routes: [
    { kinds: ["unacknowledged"], channels: ["pagerduty", "email", "teams"] },
    { severities: ["SEV-1", "SEV-2"], channels: ["teams", "pagerduty", "email"] },
    { channels: ["teams"] },
  ],
  channels: ["teams"],
  group: DEFAULT_GROUP,
};

/** Pages are the severities someone is woken for; the rest are tickets. */
export function isPage(severity: Severity): boolean {
  return severity === "SEV-1" || severity === "SEV-2";
}
