import type { DiagnosisSummary, RuleId, Severity, Trigger, WindowCounts } from "./evaluation.js";
import type { Subject } from "./subject.js";

/** Incidents: the two lifecycle states, what receivers were told, and the outbox. */

/** The system state: what the monitor observes (Azure Monitor's "alert condition"). */
export type IncidentState = "pending" | "firing" | "resolved";

/** The responder state: what people did about it (Azure Monitor's "user response"). */
export type ResponderState = "new" | "acknowledged" | "closed";

export interface Responder {
  state: ResponderState;
  /** Who acknowledged or closed it, as the platform's sign-in names them. */
  by: string | undefined;
  /** Their Entra object ID, when sign-in gave one (absent on records from before sign-in). */
  byObjectId?: string | undefined;
  at: Date | undefined;
  note: string | undefined;
  /** A person closed it (`by`, `at`, `note` are theirs), rather than the system on recovery. */
  closedByHand?: boolean | undefined;
}

/**
 * What a notice says happened. `escalated`: the severity rose; `unacknowledged`: a page nobody
 * acknowledged in time, sent to the escalation route; `repeated`: still firing, unacknowledged;
 * `updated`: what a group of incidents affects changed (members joined or resolved), never a page.
 */
export type NotificationKind =
  | "opened"
  | "escalated"
  | "unacknowledged"
  | "repeated"
  | "acknowledged"
  | "resolved"
  | "updated";

export type ChannelName = "teams" | "email" | "pagerduty";

/**
 * Why a send failed. `throttled`, `server`, `timeout` and `network` are worth retrying soon;
 * `client` (a 4xx other than 408/429, or a 501/505) means the request or the configuration is
 * wrong, and is retried only on the slow schedule so that a fixed configuration still delivers it.
 */
export type FailureReason = "throttled" | "server" | "client" | "timeout" | "network";

/** The incident as it stood when a notification was decided; what the message renders. */
export interface IncidentSnapshot {
  id: string;
  rule: RuleId;
  /** What it is about: a caller on a vault, an app, a control-plane finding or the monitor. */
  subject: Subject;
  state: IncidentState;
  severity: Severity;
  /** When this episode was first seen (pending or firing). */
  openedAt: Date;
  resolvedAt: Date | undefined;
  counts: WindowCounts;
  peakFailures: number;
  lastFailureAt: Date | undefined;
  /** Why it fired most recently, and why it has the severity it has. */
  triggers: Trigger[];
  severityReason: string;
  diagnosis: DiagnosisSummary | undefined;
  responder: Responder;
  /** Held open because the condition keeps coming and going (see `lifecycle/flapping.ts`). */
  flapping: boolean;
}

/** One notice, the same for every channel: what the renderers and senders take. */
export interface Notice {
  /** `<incident>-<episode>-<kind>[-detail]`: stable across retries and channels (idempotency key). */
  id: string;
  /** Stable for the whole episode across trigger, acknowledge and resolve (PagerDuty's dedup_key). */
  dedupKey: string;
  kind: NotificationKind;
  decidedAt: Date;
  snapshot: IncidentSnapshot;
  /** What the notice's group affects, when it speaks for a group (docs/adr/0022-notification-groups.md). */
  group?: GroupListing | undefined;
  /**
   * The snapshot stored with it was missing when it was loaded (docs/adr/0027-outbox-table.md):
   * `snapshot` is the incident as it stands now, and the message says so.
   */
  snapshotMissing?: boolean | undefined;
  /** With `snapshotMissing`: when the incident `snapshot` shows was last written (its row's `updatedAt`). */
  snapshotAt?: Date | undefined;
  /** On an `escalated` notice: the severity receivers were told before it rose (absent on older notices). */
  raisedFrom?: Severity | undefined;
}

/** Every incident of a group a notice speaks for, as it stood when the notice was decided. */
export interface GroupListing {
  /** The group's dedup key: every notice of the group carries it. */
  key: string;
  /** When its first member was first seen. */
  openedAt: Date;
  members: GroupMember[];
}

/** One incident of a group, in the words a notice lists it with. */
export interface GroupMember {
  id: string;
  rule: RuleId;
  state: IncidentState;
  severity: Severity;
  /** Vault name; undefined for an incident about no vault. */
  vault: string | undefined;
  /** The caller's label, or the principal a control-plane finding names. */
  identity: string | undefined;
  app: string | undefined;
  failures: number;
  total: number;
  /** A control-plane finding's summary: evidence for the group, not an alert of its own. */
  finding: string | undefined;
  /** Its own notices would be held back (a silence or an inhibiting incident). */
  muted: boolean;
  /** Who closed it by hand, when a person did rather than a recovery (absent on older listings). */
  closedBy?: string | undefined;
}

/**
 * An incident's part in a group's notification thread. The holder's `Notified` is the group's
 * notification log; every other member's is a copy from when it joined.
 */
export interface GroupThread {
  /** The group's dedup key (its first notice's): the thread every member's notices go to. */
  key: string;
  /** This incident's `notified` is the group's notification log, and its outbox the group's. */
  holder: boolean;
  /** The last notice that listed the group (holder only); `group_interval` counts from it. */
  listedAt?: Date | undefined;
  /** `<id>|<state>|<severity>` of each member that notice listed (holder only). */
  listed?: string[] | undefined;
}

/** A notice for one channel, written to the incident's outbox before any attempt to send it. */
export interface PendingNotification extends Notice {
  channel: ChannelName;
  attempts: number;
  lastError: string | undefined;
  /** Set while one run is sending it, so an overlapping run does not send it too. */
  claimedUntil: Date | undefined;
  /** After a failure: not before this time (exponential backoff, or the receiver's Retry-After). */
  nextAttemptAt: Date | undefined;
  /** Why the last try failed, and the receiver's HTTP status when it answered one. */
  lastReason?: FailureReason | undefined;
  lastStatus?: number | undefined;
  /** When the tries of this notice started failing (its first failure); cleared by nothing, it goes with the notice. */
  failingSince?: Date | undefined;
  /**
   * Earlier notices to the same channel folded into this one: a repeat or a group update superseded
   * by a newer one, or notices over the channel's queue cap (core/notify/outbox-bounds.ts). Counted,
   * never silently dropped.
   */
  merged?: number | undefined;
}

/** What receivers have been told about the current episode: the notification log. */
export interface Notified {
  /** The last state announced: undefined before the first notice of an episode. */
  state: "firing" | "resolved" | undefined;
  severity: Severity | undefined;
  /** The last firing notice (opened, escalated, repeated): the repeat interval counts from it. */
  at: Date | undefined;
  acknowledged: boolean;
  /** When it was first announced at a severity with an acknowledgement timeout (every page by default): the timeout counts from it. */
  pagedAt: Date | undefined;
  /** When the no-acknowledgement escalation went out. */
  unacknowledgedAt: Date | undefined;
  /**
   * Channels told of the firing this episode. Acknowledgements and resolutions go to them too,
   * whatever their own route says, so that a PagerDuty alert a route opened is also closed.
   * Absent on records written before it existed.
   */
  channels?: ChannelName[] | undefined;
  /** Set while the incident is told of through a group's thread; absent on records from before groups. */
  group?: GroupThread | undefined;
}

export interface Incident extends IncidentSnapshot {
  updatedAt: Date;
  /** Base-36 start time of the episode; part of notice IDs and the dedup key. */
  episode: string;
  /** Counts each time this fingerprint opened. */
  occurrence: number;
  /**
   * The episode's first failure, the earliest any evaluation saw: the window's first failure
   * slides, this does not (the diagnosis counts "minutes before the first 403" from it). Absent
   * on records written before it was kept.
   */
  firstFailureAt?: Date | undefined;
  /** When the condition last fired (any evaluation), for flap hold and pending maturity. */
  lastFiringAt: Date | undefined;
  /** Whether the rule fired at the last evaluation (it may be below the rule while still open). */
  conditionFiring: boolean;
  /** Times the condition switched between firing and not firing, within the flap window. */
  changes: Date[];
  notified: Notified;
  /** Why notices are held back right now (a silence or an inhibiting incident), if they are. */
  mutedBy: string | undefined;
  outbox: PendingNotification[];
  deliveredCount: number;
}
