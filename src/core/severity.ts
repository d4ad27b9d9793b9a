import type { RuleId, Severity, WindowCounts } from "./model.js";

/**
 * Provisional severity from impact, after the playbooks' guidance: a caller that has lost access
 * outright is a blocked pipeline (SEV-1 when the identity is marked critical, SEV-2 otherwise);
 * a partial loss is SEV-2; a trickle is SEV-3. The evaluation engine refines this with
 * per-app criticality and fallbacks. It reads the current share (latest bin), not the window's,
 * so a caller that lost access two minutes ago is not rated by the successes before onset.
 * Monotonic: a higher failure share never lowers severity.
 */
export function severityFor(rule: RuleId, counts: WindowCounts, critical: boolean): Severity {
  const share = counts.currentFailurePercent;
  if (rule === "kv-throttled") {
    // Throttled calls are retried by the SDKs (1-2-4-8-16 s backoff), so 429s alone rarely block.
    return share >= 50 ? "SEV-2" : "SEV-3";
  }
  if (share >= 90) return critical ? "SEV-1" : "SEV-2";
  if (share >= 25) return "SEV-2";
  return "SEV-3";
}

/** The response each severity expects, as on-call reads it. */
export const RESPONSE: Record<Severity, string> = {
  "SEV-1": "respond now, 24x7: open an incident channel and mitigate",
  "SEV-2": "restore within the current shift; keep the evidence",
  "SEV-3": "fix in the next planned window; watch the trend",
  "SEV-4": "cosmetic: add to the backlog",
};

const ORDER: Record<Severity, number> = { "SEV-1": 1, "SEV-2": 2, "SEV-3": 3, "SEV-4": 4 };

/** True when `a` is more severe than `b`. */
export function moreSevere(a: Severity, b: Severity): boolean {
  return ORDER[a] < ORDER[b];
}
