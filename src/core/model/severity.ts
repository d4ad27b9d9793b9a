import type { RequestRuleId, Severity, WindowCounts } from "./index.js";

/** What decides severity: how much is failing now, and what the app can bear. */
export interface Impact {
  rule: RequestRuleId;
  counts: WindowCounts;
  /** From the monitor spec; an app not listed is taken as non-critical without a fallback. */
  critical: boolean;
  hasFallback: boolean;
  /** The most urgent SLO tier that fired for this series, if any. */
  sloAction?: "page" | "ticket" | undefined;
}

export interface SeverityDecision {
  severity: Severity;
  /** The row of the matrix that applied, in words. */
  reason: string;
}

/**
 * Severity from impact, after the playbooks' matrix:
 * - SEV-1: a production (critical) path blocked by auth errors, with no fallback.
 * - SEV-2: blocked but a fallback exists, or a non-critical path blocked, or a large share failing
 *   (25%+), or an SLO page tier burning.
 * - SEV-3: intermittent, retries mostly succeeding, or an SLO ticket tier.
 * - SEV-4: a small share failing where a fallback covers it: cosmetic.
 * "Blocked" reads the current share (the latest bin with requests): a caller that lost access two
 * minutes ago is blocked now, whatever the window still remembers. Monotonic in the share: more
 * failures never lower severity (a property test holds it to that).
 */
export function severityFor(i: Impact): SeverityDecision {
  const share = i.counts.currentFailurePercent;
  const blocked = share >= 90;
  if (i.rule === "kv-throttled") {
    // Throttled calls are retried by the SDKs (1-2-4-8-16 s backoff), so 429s alone rarely block.
    if (share >= 50)
      return { severity: "SEV-2", reason: `${Math.round(share)}% of calls throttled: retries are not keeping up` };
    if (share < 5 && i.hasFallback)
      return { severity: "SEV-4", reason: "a little throttling, covered by the app's fallback" };
    return { severity: "SEV-3", reason: "throttling with retries succeeding" };
  }
  if (blocked && i.critical && !i.hasFallback)
    return { severity: "SEV-1", reason: "a critical path is blocked by auth errors and has no fallback" };
  if (blocked && i.critical) return { severity: "SEV-2", reason: "a critical path is blocked, but a fallback exists" };
  if (blocked) return { severity: "SEV-2", reason: "the caller has lost access (not marked critical)" };
  if (share >= 25) return { severity: "SEV-2", reason: `${Math.round(share)}% of calls denied right now` };
  if (i.sloAction === "page") return { severity: "SEV-2", reason: "the error budget is burning at a paging rate" };
  if (share < 5 && i.hasFallback && i.sloAction !== "ticket")
    return { severity: "SEV-4", reason: "a few denials, covered by the app's fallback" };
  return {
    severity: "SEV-3",
    reason:
      i.sloAction === "ticket"
        ? "the error budget is burning at a ticket rate"
        : "intermittent denials, retries mostly succeeding",
  };
}

/** The response each severity expects: how fast and how. */
export const RESPONSE: Record<Severity, string> = {
  "SEV-1": "respond now, 24x7 (acknowledge within 15 minutes): open an incident channel and mitigate",
  "SEV-2": "restore within the current shift (acknowledge within 1 hour); keep the evidence",
  "SEV-3": "fix in the next planned window (next business day); watch the trend",
  "SEV-4": "cosmetic: add to the backlog",
};

/** 1 is the most severe; for sorting. */
export const SEVERITY_RANK: Record<Severity, number> = { "SEV-1": 1, "SEV-2": 2, "SEV-3": 3, "SEV-4": 4 };

/** True when `a` is more severe than `b`. */
export function moreSevere(a: Severity, b: Severity): boolean {
  return SEVERITY_RANK[a] < SEVERITY_RANK[b];
}
