import type { KeyVaultAuditTable } from "../queries/signals/kv-requests.js";
import type { MonitorSpec } from "../config/monitor-spec.js";
import type { LifecyclePolicy, NotifyPolicy } from "./notify/policy.js";

/**
 * The domain vocabulary of vaultwatch. Everything in `core/` is pure: no I/O, no clock, no
 * environment; callers pass `now` and loaded state and get decisions back.
 */

export type Severity = "SEV-1" | "SEV-2" | "SEV-3" | "SEV-4";

/** Requests of one caller to one vault in one time bin, as aggregated in Kusto. */
export interface KvRequestBin {
  binStart: Date;
  /** Lower-case ARM resource ID of the vault. */
  vaultResourceId: string;
  /** Object (principal) ID of the caller; "" when the request carried no token. */
  callerObjectId: string;
  callerAppId: string;
  /** ARM ID of the managed identity (`xms_mirid` claim); "" when not logged. */
  callerResourceId: string;
  /** The table the vault's audit events are in; runbook queries read the same one. */
  auditTable: KeyVaultAuditTable;
  total: number;
  succeeded: number;
  unauthorized: number;
  forbidden: number;
  /** The 403s split by what denied them (they sum to `forbidden`). */
  forbiddenRbac: number;
  forbiddenPolicy: number;
  forbiddenFirewall: number;
  throttled: number;
  other: number;
  operations: string[];
}

/** What one query returned. A partial or failed query never reads as "all healthy". */
export type SignalOutcome =
  | { status: "complete"; rows: KvRequestBin[] }
  | { status: "partial"; rows: KvRequestBin[]; problem: string }
  | { status: "failed"; problem: string };

/** The identity of a series: one caller's access to one vault. */
export interface SeriesKey {
  vaultResourceId: string;
  callerObjectId: string;
  callerAppId: string;
  callerResourceId: string;
  auditTable: KeyVaultAuditTable;
  /** The app a network incident is about (its dependency calls carry no caller identity). */
  app?: string | undefined;
}

/** Rules over the Key Vault request signal. */
export type RequestRuleId = "kv-auth-denied" | "kv-throttled";
/**
 * Every rule: the request rules; findings of the control-plane check; `network`, an app whose
 * dependency calls fail at the network level; `monitor`, the monitor itself unable to read.
 */
export type RuleId = RequestRuleId | "control-plane" | "network" | "monitor";

/** A control-plane finding as the core sees it (built by the app from the check's report). */
export interface ControlPlaneFindingInput {
  /** Stable across ticks for the same condition. */
  id: string;
  kind: string;
  summary: string;
  evidence: string[];
  severity: Severity;
  hypothesis: string | undefined;
  vaultResourceId: string | undefined;
  /** The principal (object ID) or identity (client ID) it is about, when any. */
  principal: string | undefined;
  /** The role it is about (role findings), e.g. "Key Vault Secrets User". */
  role: string | undefined;
  /** The workspace the vault's AuditEvent should reach (blind spots). */
  workspace: string | undefined;
}

/** The numbers behind a finding, over the evaluation window. */
export interface WindowCounts {
  total: number;
  succeeded: number;
  unauthorized: number;
  forbidden: number;
  forbiddenRbac: number;
  forbiddenPolicy: number;
  forbiddenFirewall: number;
  throttled: number;
  /** The failures this rule counts (401+403 for auth, 429 for throttling). */
  failures: number;
  failurePercent: number;
  /**
   * The failure share in the latest bin that has requests: impact now, which is what severity
   * reads. The window share lags because it still holds the successes from before onset.
   */
  currentFailurePercent: number;
  operations: string[];
  firstFailureAt: Date | undefined;
  lastFailureAt: Date | undefined;
}

/** Why a finding fired. Several can hold at once; each is evidence on the card. */
export type Trigger =
  /** The static floor (count and share), used while no warm baseline says otherwise. */
  | { kind: "threshold"; failures: number; failurePercent: number; baseline: "cold" | "none" }
  /** An SLO tier burning over both its windows. */
  | {
      kind: "slo";
      slo: string;
      tier: string;
      action: "page" | "ticket";
      longWindow: string;
      shortWindow: string;
      longBurn: number;
      shortBurn: number;
      burnThreshold: number;
      budgetRemaining: number | undefined;
      hoursToExhaustion: number | undefined;
    }
  /** Far outside what the series normally does for this time of day and week. */
  | { kind: "baseline"; expectedRatio: number; observedRatio: number; pValue: number; text: string }
  /** A control-plane finding: role or vault drift, a blind spot, a failed token probe. */
  | { kind: "control-plane"; finding: string; summary: string; evidence: string[]; role?: string | undefined; workspace?: string | undefined }
  /** An app's dependency calls failing without an answer: timeouts, connection failures, 5xx. */
  | { kind: "network"; app: string; failures: number; total: number; targets: string[] }
  /** The monitor cannot read its workspace or get its own token. */
  | { kind: "monitor"; problem: string; source?: MonitorBlindness | undefined };

/**
 * What the monitor cannot reach: its workspace (so it cannot judge vaults at all), or only its
 * own token for Resource Manager (so control-plane findings are unconfirmed, the data is not).
 */
export type MonitorBlindness = "workspace" | "token";

/** A baseline's judgement of a window, as the evaluation consumes it. */
export type BaselineOpinion =
  | { kind: "cold"; reason: string }
  | { kind: "normal"; text: string }
  | { kind: "anomalous"; expectedRatio: number; observedRatio: number; pValue: number; text: string };

/** The ranked hypotheses of a finding, as the incident keeps them (the top three). */
export interface DiagnosisSummary {
  top: { id: string; title: string; verdict: string; confirming: string[]; disproving: string[] }[];
  /** The evidence that put the first one first. */
  decidedBy: string;
  /** A role change just before or during the failures: re-test at this time before escalating. */
  propagation: { retestAt: Date; text: string } | undefined;
  summary: string;
}

/** The verdict of one rule on one series at one tick. */
export type Evaluation =
  | {
      kind: "firing";
      rule: RuleId;
      key: SeriesKey;
      counts: WindowCounts;
      severity: Severity;
      severityReason: string;
      triggers: Trigger[];
      diagnosis?: DiagnosisSummary | undefined;
      /** Overrides the series fingerprint (control-plane findings carry their own stable ID). */
      fingerprint?: string | undefined;
    }
  /** Failures below the threshold, or stopped too recently to call it recovered. */
  | { kind: "settling"; rule: RuleId; key: SeriesKey; counts: WindowCounts; fingerprint?: string | undefined }
  /** No failures for the whole confirmation period while calls kept succeeding. */
  | { kind: "recovered"; rule: RuleId; key: SeriesKey; counts: WindowCounts; successesInConfirmation: number; fingerprint?: string | undefined }
  /** No requests at all in the confirmation period: recovery cannot be confirmed. */
  | { kind: "no-traffic"; rule: RuleId; key: SeriesKey; fingerprint?: string | undefined };

/** The system state: what the monitor observes (Azure Monitor's "alert condition"). */
export type IncidentState = "pending" | "firing" | "resolved";

/** The responder state: what people did about it (Azure Monitor's "user response"). */
export type ResponderState = "new" | "acknowledged" | "closed";

export interface Responder {
  state: ResponderState;
  /** Who acknowledged or closed it, as they gave their name to the API. */
  by: string | undefined;
  at: Date | undefined;
  note: string | undefined;
  /** A person closed it (`by`, `at`, `note` are theirs), rather than the system on recovery. */
  closedByHand?: boolean | undefined;
}

/**
 * What a notice says happened. `escalated`: the severity rose; `unacknowledged`: a page nobody
 * acknowledged in time, sent to the escalation route; `repeated`: still firing, unacknowledged.
 */
export type NotificationKind = "opened" | "escalated" | "unacknowledged" | "repeated" | "acknowledged" | "resolved";

export type ChannelName = "teams" | "email" | "pagerduty";

/**
 * Why a send failed. `throttled`, `server`, `timeout` and `network` are worth retrying soon;
 * `client` (a 4xx other than 408/429) means the request or the configuration is wrong, and is
 * retried only on the slow schedule so that a fixed configuration still delivers it.
 */
export type FailureReason = "throttled" | "server" | "client" | "timeout" | "network";

/** The incident as it stood when a notification was decided; what the message renders. */
export interface IncidentSnapshot {
  id: string;
  rule: RuleId;
  key: SeriesKey;
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
}

export interface Incident extends IncidentSnapshot {
  updatedAt: Date;
  /** Base-36 start time of the episode; part of notice IDs and the dedup key. */
  episode: string;
  /** Counts each time this fingerprint opened. */
  occurrence: number;
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

/** Settings the pure core needs; built from `Settings` by the composition root. */
export interface Policy {
  /** Pending times and flap detection. */
  lifecycle: LifecyclePolicy;
  /** Repeats, acknowledgement timeouts and routes. */
  notify: NotifyPolicy;
  binMinutes: number;
  windowMinutes: number;
  minFailures: number;
  minFailurePercent: number;
  resolveAfterMinutes: number;
  /** Lower-case object IDs or identity names whose total loss of access is SEV-1 (legacy setting). */
  criticalIdentities: string[];
  /** Apps (criticality, fallbacks), SLOs and low-traffic guards. */
  spec: MonitorSpec;
}

/** One signal's standing at the last tick, as the health check reports it. */
export interface SignalHealth {
  status: "ok" | "no-data" | "unavailable" | "degraded" | "failed";
  problem: string | undefined;
}

/** An SLO's standing, as the health check reports it. */
export interface SloHealth {
  name: string;
  kind: "identity-vault" | "app-dependency";
  status: "firing" | "burning-within-budget" | "no-data" | "no-signal";
  /** The tier that fired, e.g. "page-fast (1h and 5m above 14.4x)". */
  firing: string | undefined;
  /** Of the period's error budget, 0..1 (negative when overspent). */
  budgetRemaining: number | undefined;
  hoursToExhaustion: number | undefined;
}

/** What the last control-plane check found, as the health check reports it. */
export interface ControlPlaneHealth {
  checkedAt: Date | undefined;
  /** Why the check could not run at all. */
  problem: string | undefined;
  /** About vaults and identities: role drift, vault drift, blind spots, failed probes. */
  findings: { kind: string; summary: string; severity: Severity; hypothesis: string | undefined; vaultResourceId: string | undefined }[];
  /** About the monitor itself: missing Reader, ARM throttling, its own token. */
  monitorProblems: string[];
  vaults: { vaultResourceId: string; config: string; coverage: string; permissionModel: string | undefined }[];
  armRequests: number;
  probesFailed: number;
}

/** The monitor's own record of its last tick, read by `/api/health`. */
export interface Heartbeat {
  tickAt: Date;
  /** The Key Vault request signal, which the incident rules read. */
  signalStatus: SignalOutcome["status"];
  problem: string | undefined;
  /** Every signal of the catalog, by name. */
  signals: Record<string, SignalHealth>;
  /** Every configured SLO's standing at the tick. */
  slos: SloHealth[];
  /** Query API round trips the tick took. */
  requests: number;
  /** The control-plane check, when configured. */
  controlPlane: ControlPlaneHealth | undefined;
  seriesObserved: number;
  openIncidents: number;
  undelivered: number;
}
