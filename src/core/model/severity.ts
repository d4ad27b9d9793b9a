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
 * Severity from impact, after the Functions playbook's severity guidance (SEV-1 to SEV-3) and the
 * Key Vault guide's fourth, cosmetic level (docs/reference/playbooks.md):
 * - SEV-1: a production (critical) path blocked by auth errors, with no fallback.
 * - SEV-2: blocked but a fallback exists, or a non-critical path blocked, or a large share failing
 *   (25%+), or an SLO page tier burning.
 * - SEV-3: intermittent, retries mostly succeeding, or an SLO ticket tier.
 * - SEV-4: a small share failing where a fallback covers it: cosmetic.
 * "Blocked" reads the current share (the latest bin with requests): a caller that lost access two
 * minutes ago is blocked now, whatever the window still remembers. Monotonic in the share: more
 * failures never lower severity (a property test holds it to that).
 * The playbooks give no percentages: 90, 50, 25 and 5 are this project's choices, each explained
 * where it is read and in docs/evaluation.md ("Why these cut-offs").
 */
export function severityFor(i: Impact): SeverityDecision {
  const share = i.counts.currentFailurePercent;
  // Blocked: at most one call in ten gets through. Not 100%: a blocked caller's bin can still hold a
  // few successes (calls just before the loss, an operation another grant still allows), and one
  // success must not make a path that is down look merely degraded.
  const blocked = share >= 90;
  if (i.rule === "kv-throttled") {
    // Throttled calls are retried with backoff (1-2-4-8-16 s, Key Vault's throttling guidance,
    // learn.microsoft.com/azure/key-vault/general/overview-throttling), so 429s alone rarely block.
    // From half the calls throttled, a call needs two tries on average and one in sixteen is still
    // throttled after four: the app waits on backoff instead of working.
    if (share >= 50)
      return { severity: "SEV-2", reason: `${Math.round(share)}% of calls throttled: retries are not keeping up` };
    // Under 5% (the static floor's default share) with a fallback covering it: cosmetic.
    if (share < 5 && i.hasFallback)
      return { severity: "SEV-4", reason: "a little throttling, covered by the app's fallback" };
    return { severity: "SEV-3", reason: "throttling with retries succeeding" };
  }
  if (blocked && i.critical && !i.hasFallback)
    return { severity: "SEV-1", reason: "a critical path is blocked by auth errors and has no fallback" };
  if (blocked && i.critical) return { severity: "SEV-2", reason: "a critical path is blocked, but a fallback exists" };
  if (blocked) return { severity: "SEV-2", reason: "the caller has lost access (not marked critical)" };
  // Denials are not random: a steady quarter of the calls denied is part of the work failing every
  // time (one secret, one operation, one instance), the playbook's "partial function set impacted".
  if (share >= 25) return { severity: "SEV-2", reason: `${Math.round(share)}% of calls denied right now` };
  if (i.sloAction === "page") return { severity: "SEV-2", reason: "the error budget is burning at a paging rate" };
  // Under 5% (the static floor's default share) with a fallback covering it, and no budget burning.
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

/**
 * The response each severity expects: how fast and how. The how is the Functions playbook's; the
 * acknowledgement times (15 minutes, 1 hour) are this project's choice, and the defaults of
 * NOTIFY_CONFIG's escalation (notify-policy.ts).
 */
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
