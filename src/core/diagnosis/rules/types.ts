import type { RequestCounts, SignalName, SignalRow, SignalStatus } from "../../signals/signal-set.js";

/**
 * The playbooks' six competing hypotheses for one finding (one caller's failures on one vault), in
 * the Functions playbook's numbering (docs/reference/playbooks.md).
 * Everything here is plain data (Dates allowed), so a diagnosis can be stored with its incident.
 */
export type HypothesisId = "H1" | "H2" | "H3" | "H4" | "H5" | "H6";

export const HYPOTHESIS_IDS: readonly HypothesisId[] = ["H1", "H2", "H3", "H4", "H5", "H6"];

export const HYPOTHESIS_TITLES: Record<HypothesisId, string> = {
  H1: "Managed identity missing or wrong identity attached",
  H2: "Role or permission missing, or at the wrong scope",
  H3: "RBAC propagation delay or stale token",
  H4: "Key Vault permission model mismatch",
  H5: "Wrong token audience or scope",
  H6: "Network or outage masquerading as auth",
};

/** The failing caller's Key Vault requests over the evaluation window, and when they failed. */
export interface KvCounts extends RequestCounts {
  firstFailureAt: Date | undefined;
  lastFailureAt: Date | undefined;
  /** Start of the last bin with failures (WindowCounts.lastFailingBinStart); lastFailureAt when absent. */
  lastFailingBinStart?: Date | undefined;
  /** The operations logged in the bins with failures ("SecretGet", "SecretList"), when known. */
  operations?: readonly string[] | undefined;
}

export interface DiagnosisInput {
  now: Date;
  kv: KvCounts;
  /**
   * The incident's first failure, earliest seen this episode: "N minutes before the first 403"
   * counts from it, not from the first failure still inside the sliding window.
   */
  onsetAt?: Date | undefined;
  vaultResourceId: string;
  /** resourceId is the managed identity's ARM ID (`xms_mirid`), "" when not logged. */
  caller: { objectId: string; appId: string; resourceId: string };
  /** Evidence from the caller's app, already filtered to the app that uses this identity when known. */
  dependencyCalls: SignalRow<"dependency-calls">[];
  credentialTraces: SignalRow<"credential-traces">[];
  hostStartup: SignalRow<"host-startup">[];
  /** All control-plane changes in the look-back; the relevant ones are picked by scope and principal. */
  changes: SignalRow<"changes">[];
  /** Evidence from a signal that is not ok/no-data is unknown, not absent. */
  signalStatus: Partial<Record<SignalName, SignalStatus>>;
  /** Why a signal is not ok (the signal's `problem`), quoted when its evidence is unknown. */
  signalProblems?: Partial<Record<SignalName, string>>;
  /** Optional control-plane facts. */
  vault?: {
    enableRbacAuthorization?: boolean;
    publicNetworkAccess?: "Enabled" | "Disabled";
    defaultAction?: "Allow" | "Deny";
  };
  access?: {
    hasRequiredRole?: boolean;
    roleAtWrongScope?: boolean;
    hasAccessPolicy?: boolean;
    /** What the caller's access policy on the vault grants (lower-case), whatever model the vault uses. */
    accessPolicy?: { secrets: readonly string[]; keys: readonly string[]; certificates: readonly string[] };
  };
  /** Minutes allowed for RBAC propagation; default 10 (playbook: "wait 5-10 min"). */
  propagationMinutes?: number;
  /**
   * Whether the history the monitor read shows the caller's calls on the vault getting through
   * before (baselines/series-history.ts); undefined when not known. False makes a role write for it
   * a first-ever grant, not a restore (facts.ts).
   */
  accessBefore?: boolean | undefined;
  /**
   * How the caller holds the role the vault requires, from the role assignments' principal types
   * (control plane): directly, and through which groups (object IDs, lower case). Absent when not known.
   */
  roleThrough?: { direct: boolean; groupObjectIds: string[] };
  /** Entra ID group membership changes in the look-back (AuditLogs); the caller's are picked by object ID. */
  groupMembership?: SignalRow<"group-membership">[];
  /**
   * For calls without a token: the app they are attributed to by its own telemetry of the same
   * minutes (core/tokenless-attribution.ts), and whether its credential errors are what tied them.
   */
  attribution?: { text: string; byCredentialErrors: boolean };
}

export type Verdict = "likely" | "possible" | "unlikely" | "unknown";

export interface HypothesisVerdict {
  id: HypothesisId;
  title: string;
  verdict: Verdict;
  /** Confirming weight minus disproving weight; ranks hypotheses of the same verdict. */
  score: number;
  /** Sentences with the numbers, strongest first. */
  confirming: string[];
  disproving: string[];
  /** Checks that could not run because a signal they read is unknown, naming the signal and why. */
  unchecked: string[];
}

export interface Propagation {
  changeAt: Date;
  retestAt: Date;
  text: string;
  /** The write is the caller's first-ever grant (facts.ts): its failures are held, not paged (evaluate.ts). */
  firstGrant?: true;
}

export interface Diagnosis {
  /**
   * All six, best first: a likely hypothesis the playbooks say to deal with first (network failures
   * dominating), then by verdict, score and H-number.
   */
  ranked: HypothesisVerdict[];
  /** The one piece of evidence that put the top hypothesis first, or why none fits. */
  decidedBy: string;
  /** A role change just before or during the failures: not an escalation but a re-test time. */
  propagation?: Propagation;
  /**
   * Stable keys of the facts this diagnosis could see (changes, control-plane facts, trace
   * classes, which signals were known): what a later diagnosis of the same incident compares
   * against to tell new evidence from a sliding window (diagnosis/revise.ts).
   */
  facts: string[];
  /** The sentences that rest on such facts, with the keys of the facts each rests on. */
  basis: EvidenceBasis[];
}

/** One confirming or disproving sentence and the facts it rests on (none: window statistics only). */
export interface EvidenceBasis {
  hypothesis: HypothesisId;
  effect: "confirms" | "disproves";
  text: string;
  facts: string[];
}
