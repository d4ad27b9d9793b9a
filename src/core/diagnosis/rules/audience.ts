import { type Rule, UNKNOWN, dominates, traceSentence } from "./rule.js";
import { partOf } from "./words.js";

/** H5: wrong token audience or scope (playbook H5). */

export const H5_RULES: Rule[] = [
  {
    id: "invalid-audience-traces",
    hypothesis: "H5",
    effect: "confirms",
    weight: 5,
    reads: ["credential-traces"],
    checks: "invalid-audience errors (AADSTS500011)",
    test: (f) =>
      !f.traces
        ? UNKNOWN
        : f.traces.invalidAudience.events > 0
          ? traceSentence(f.traces.invalidAudience, "invalid-audience (AADSTS500011)", f.appTraces)
          : undefined,
  },
  {
    id: "401s-while-tokens-are-issued",
    hypothesis: "H5",
    effect: "confirms",
    weight: 2,
    reads: ["kv-requests", "credential-traces"],
    checks: "401s while the app gets tokens",
    test: (f) => {
      if (!f.kv) return UNKNOWN;
      if (!dominates(f.kv.counts.unauthorized, f.kv.authDenials)) return undefined;
      if (!f.traces) return UNKNOWN;
      return f.traces.identityErrors === 0
        ? `${partOf(f.kv.counts.unauthorized, f.kv.authDenials, "denial")} were 401 while ${f.appTraces} show no credential errors: a token was issued but Key Vault rejected it (expected audience https://vault.azure.net)`
        : undefined;
    },
  },
  {
    // A token for the wrong audience is rejected with 401 before any permission check, so a 403
    // from an authorization check means Key Vault accepted the token.
    id: "403s-mean-token-accepted",
    hypothesis: "H5",
    effect: "disproves",
    weight: 3,
    reads: ["kv-requests"],
    checks: "whether Key Vault accepted the token",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : dominates(f.kv.forbiddenAuth, f.kv.authDenials)
          ? `${partOf(f.kv.forbiddenAuth, f.kv.authDenials, "denial")} were 403 from a permission check: Key Vault accepted the token's audience (a wrong audience is a 401)`
          : undefined,
  },
  {
    id: "no-audience-errors",
    hypothesis: "H5",
    effect: "disproves",
    weight: 1,
    reads: ["credential-traces"],
    checks: "invalid-audience errors (AADSTS500011)",
    test: (f) =>
      !f.traces
        ? UNKNOWN
        : f.traces.invalidAudience.events === 0
          ? `no invalid-audience errors (AADSTS500011) in ${f.appTraces}`
          : undefined,
  },
];
