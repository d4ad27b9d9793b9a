import type { Facts } from "./facts.js";
import { type Rule, type Outcome, UNKNOWN, dominates } from "./rule.js";
import { HYPOTHESIS_IDS } from "./types.js";
import { partOf } from "./words.js";

/** Throttling is load, not access: it weakens every hypothesis (playbook: "cache your secrets"). */
export const THROTTLING_RULES: Rule[] = HYPOTHESIS_IDS.map((h) => ({
  id: "throttling-dominates",
  hypothesis: h,
  effect: "disproves",
  weight: 2,
  reads: ["kv-requests"],
  checks: "throttling",
  test: (f: Facts): Outcome =>
    !f.kv
      ? UNKNOWN
      : dominates(f.kv.counts.throttled, f.kv.denials + f.kv.counts.throttled)
        ? `${partOf(f.kv.counts.throttled, f.kv.denials + f.kv.counts.throttled, "failed request")} were throttled (429): load on ${f.vaultName}, not an access failure; cache secrets and honour Retry-After`
        : undefined,
}));
