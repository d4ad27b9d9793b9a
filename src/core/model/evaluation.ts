import type { QueryFailureReason } from "./signals.js";
import type { Subject } from "./subject.js";
import type { RequestCounts } from "../signals/signal-set.js";

/** Rules, their verdicts and what they rest on: triggers, counts, baselines, diagnosis. */

export type Severity = "SEV-1" | "SEV-2" | "SEV-3" | "SEV-4";

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

/** The numbers behind a finding, over the evaluation window: the requests summed, and what they mean. */
export interface WindowCounts extends RequestCounts {
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
  /**
   * Start of the last bin with failures: the earliest the last failure can have been. What is
   * compared with a propagation window (diagnosis/rules/rule.ts writePhase), where rounding up
   * to the bin's end would put a failure up to a bin later than the logs place it.
   */
  lastFailingBinStart?: Date | undefined;
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
  | {
      kind: "control-plane";
      finding: string;
      summary: string;
      evidence: string[];
      role?: string | undefined;
      workspace?: string | undefined;
    }
  /** An app's dependency calls failing without an answer: timeouts, connection failures, 5xx. */
  | { kind: "network"; app: string; failures: number; total: number; targets: string[] }
  /**
   * The monitor cannot read its workspace or get its own token. `cause`: why the workspace query
   * failed (forbidden: the monitor lacks Log Analytics Reader), when the query said.
   */
  | {
      kind: "monitor";
      problem: string;
      source?: MonitorBlindness | undefined;
      cause?: QueryFailureReason | undefined;
      /** Why the workspace stopped receiving data (source "ingestion"): its daily cap, or not known. */
      stop?: (typeof INGESTION_STOP_CAUSES)[number] | undefined;
      /** The channel that rejects notices (source "channel"): its own notices go to the others. */
      channel?: "teams" | "email" | "pagerduty" | undefined;
    };

/**
 * What the monitor cannot reach: its workspace (so it cannot judge vaults at all), or only its
 * own token for Resource Manager (so control-plane findings are unconfirmed, the data is not).
 * "answer": the workspace answered, but what it said about Key Vault cannot be trusted (columns
 * changed, rows unreadable, counts that do not add up, part of a result): the failures it shows
 * are real, so vault incidents stand, but quiet proves nothing.
 * "vault": one vault stopped sending AuditEvent after its diagnostic setting was deleted or
 * changed (core/coverage/vault-silence.ts): that vault's failures can no longer be seen.
 * "channel": a notification channel rejects every notice (a revoked webhook): what the monitor
 * finds no longer reaches that channel (docs/adr/0027-outbox-table.md).
 */
export const MONITOR_BLINDNESS = ["workspace", "token", "answer", "vault", "ingestion", "channel"] as const;
export type MonitorBlindness = (typeof MONITOR_BLINDNESS)[number];

/** Why the workspace stopped receiving data (source "ingestion"): its daily cap, or not known. */
export const INGESTION_STOP_CAUSES = ["daily-cap", "unknown"] as const;

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
  propagation: { retestAt: Date; text: string; firstGrant?: boolean | undefined } | undefined;
  summary: string;
  /**
   * Keys of the facts the incident's diagnoses have seen (diagnosis/revise.ts): a later diagnosis
   * replaces this one only when it rests on a fact not among them. Absent on records from before,
   * and on diagnoses that are not ranked from evidence (control-plane and network findings).
   */
  facts?: string[] | undefined;
  /** On a tick's fresh diagnosis only: its sentences that rest on facts, with their keys. */
  basis?: { hypothesis: string; effect: "confirms" | "disproves"; text: string; facts: string[] }[] | undefined;
  /** Each time new evidence changed the hypothesis or its verdict since the incident opened, oldest first. */
  revisions?: DiagnosisRevision[] | undefined;
}

/** What changed the diagnosis: from and to as "H2 (possible)" or "none", and the new evidence. */
export interface DiagnosisRevision {
  at: Date;
  from: string;
  to: string;
  because: string;
}

/**
 * The verdict of one rule on one subject at one tick. `fingerprint` is the ID of the incident it
 * speaks for (model/incidents.ts for a series; each other rule digests what identifies its finding).
 */
export type Evaluation<S extends Subject = Subject> =
  | {
      kind: "firing";
      rule: RuleId;
      subject: S;
      fingerprint: string;
      counts: WindowCounts;
      severity: Severity;
      severityReason: string;
      triggers: Trigger[];
      diagnosis?: DiagnosisSummary | undefined;
      /**
       * Whether the history the monitor read shows the caller's calls on the vault getting through
       * before (baselines/series-history.ts); undefined when no history was read. The diagnosis
       * tells a first-ever grant from a restore by it.
       */
      accessBefore?: boolean | undefined;
    }
  /** Failures below the threshold, or stopped too recently to call it recovered. */
  | {
      kind: "settling";
      rule: RuleId;
      subject: S;
      fingerprint: string;
      counts: WindowCounts;
      /** Held below the rule: a first-ever grant still propagating (propagation-hold.ts). */
      propagating?: { retestAt: Date; text: string } | undefined;
    }
  /** No failures for the whole confirmation period while calls kept succeeding. */
  | {
      kind: "recovered";
      rule: RuleId;
      subject: S;
      fingerprint: string;
      counts: WindowCounts;
      successesInConfirmation: number;
    }
  /** No requests at all in the confirmation period: recovery cannot be confirmed. */
  | { kind: "no-traffic"; rule: RuleId; subject: S; fingerprint: string };
