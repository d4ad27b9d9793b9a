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
  H2: "RBAC role missing or at the wrong scope",
  H3: "RBAC propagation delay or stale token",
  H4: "Key Vault permission model mismatch",
  H5: "Wrong token audience or scope",
  H6: "Network or outage masquerading as auth",
};

/** The failing caller's Key Vault requests over the evaluation window, and when they failed. */
export interface KvCounts extends RequestCounts {
  firstFailureAt: Date | undefined;
  lastFailureAt: Date | undefined;
}

export interface DiagnosisInput {
  now: Date;
  kv: KvCounts;
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
  access?: { hasRequiredRole?: boolean; roleAtWrongScope?: boolean; hasAccessPolicy?: boolean };
  /** Minutes allowed for RBAC propagation; default 10 (playbook: "wait 5-10 min"). */
  propagationMinutes?: number;
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
}
