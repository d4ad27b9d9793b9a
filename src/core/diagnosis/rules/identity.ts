import { type Rule, UNKNOWN, dominates, traceSentence, changeBeforeOnset } from "./rule.js";
import { partOf, plural } from "./words.js";

/** H1: managed identity missing or wrong identity attached (playbook H1). */

export const H1_RULES: Rule[] = [
  {
    id: "uami-not-found-traces",
    hypothesis: "H1",
    effect: "confirms",
    weight: 4,
    reads: ["credential-traces"],
    checks: "'user-assigned identity not found' errors",
    test: (f) =>
      !f.traces
        ? UNKNOWN
        : f.traces.uamiNotFound.events > 0
          ? traceSentence(f.traces.uamiNotFound, "'user-assigned identity not found'", f.appTraces)
          : undefined,
  },
  {
    id: "mi-unavailable-traces",
    hypothesis: "H1",
    effect: "confirms",
    weight: 3,
    reads: ["credential-traces"],
    checks: "'managed identity unavailable' errors",
    test: (f) =>
      !f.traces
        ? UNKNOWN
        : f.traces.miUnavailable.events > 0
          ? traceSentence(f.traces.miUnavailable, "'managed identity unavailable'", f.appTraces)
          : undefined,
  },
  {
    id: "identity-changed-before-onset",
    hypothesis: "H1",
    effect: "confirms",
    weight: 4,
    reads: ["changes", "kv-requests"],
    checks: "identity changes on the app before the failures",
    test: (f) => changeBeforeOnset(f, f.changes?.identityChangedBeforeOnset, (c) => `identity of ${c.scope} changed`),
  },
  {
    // Key Vault logs no caller for a call without a token; the app is the one whose own telemetry
    // of the same minutes shows it failing to get one (core/tokenless-attribution.ts). Weight 2:
    // it corroborates the app's credential errors (counted by the rules above) with their timing.
    id: "tokenless-calls-attributed",
    hypothesis: "H1",
    effect: "confirms",
    weight: 2,
    reads: ["credential-traces"],
    checks: "which app made the calls without a token",
    test: (f) => (f.attribution?.byCredentialErrors ? f.attribution.text : undefined),
  },
  {
    id: "startup-auth-failures",
    hypothesis: "H1",
    effect: "confirms",
    weight: 2,
    reads: ["host-startup"],
    checks: "trigger listeners failing to start on auth errors",
    test: (f) =>
      !f.startup
        ? UNKNOWN
        : f.startup.authEvents === 0
          ? undefined
          : `${plural(f.startup.authEvents, "trigger listener start-up failure")} with an auth error (${f.startup.functions.join(", ")})${f.startup.sample ? `: "${f.startup.sample.slice(0, 160)}"` : ""}`,
  },
  {
    id: "chain-exhausted-traces",
    hypothesis: "H1",
    effect: "confirms",
    weight: 1,
    reads: ["credential-traces"],
    checks: "'credential chain exhausted' errors",
    test: (f) =>
      !f.traces
        ? UNKNOWN
        : f.traces.chainExhausted.events > 0
          ? traceSentence(f.traces.chainExhausted, "'DefaultAzureCredential chain exhausted'", f.appTraces)
          : undefined,
  },
  {
    id: "401s-dominate",
    hypothesis: "H1",
    effect: "confirms",
    weight: 1,
    reads: ["kv-requests"],
    checks: "the share of 401s",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : dominates(f.kv.counts.unauthorized, f.kv.authDenials)
          ? `${partOf(f.kv.counts.unauthorized, f.kv.authDenials, "denial")} were 401: no valid token was presented`
          : undefined,
  },
  {
    id: "traces-show-no-identity-errors",
    hypothesis: "H1",
    effect: "disproves",
    weight: 2,
    reads: ["credential-traces"],
    checks: "identity errors in the app's traces",
    test: (f) =>
      !f.traces
        ? UNKNOWN
        : f.traces.identityErrors === 0
          ? `no managed-identity, user-assigned-identity or credential-chain errors in ${f.appTraces}: token acquisition works`
          : undefined,
  },
  {
    id: "403s-carry-a-token",
    hypothesis: "H1",
    effect: "disproves",
    weight: 1,
    reads: ["kv-requests"],
    checks: "whether the denied requests carried a token",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : f.callerObjectId !== "" && dominates(f.kv.forbiddenAuth, f.kv.authDenials)
          ? `${partOf(f.kv.forbiddenAuth, f.kv.authDenials, "denial")} were 403 with a token for ${f.caller}: the identity exists and gets tokens`
          : undefined,
  },
];
