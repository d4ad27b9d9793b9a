import { type Rule, UNKNOWN, changeBeforeOnset, writePhase, phaseIs } from "./rule.js";
import { CHANGE_BEFORE_ONSET_MINUTES, ONSET_BIN_MINUTES, PROPAGATION_GIVE_UP_MINUTES } from "./thresholds.js";
import type { Facts } from "./facts.js";
import type { Propagation } from "./types.js";
import { utcTime } from "../../common/utc.js";
import { addMinutes, beforeOnset, minutesFrom, plural } from "./words.js";

/** "the 5-minute bin from 01:20 UTC": where the logs place the last failure (rule.ts writePhase). */
const lastBin = (at: Date) => `the ${ONSET_BIN_MINUTES}-minute bin from ${utcTime(at)}`;

/** H3: RBAC propagation delay or stale token after a change (playbook H3; container playbook "token caching"). */

export const H3_RULES: Rule[] = [
  {
    id: "role-written-inside-propagation-window",
    hypothesis: "H3",
    effect: "confirms",
    weight: 5,
    reads: ["changes", "kv-requests"],
    checks: "role writes inside the propagation window",
    test: (f) => {
      const p = phaseIs(f, "inside-window");
      if (p === UNKNOWN || !p) return p;
      const w = writePhase(f)!;
      const when =
        !f.changes!.writeIsRestore && f.kv!.onsetAt
          ? `${beforeOnset(w.write.at, f.kv!.onsetAt, f.kv!.onset)} and `
          : "";
      return `${w.words}, ${when}${plural(minutesFrom(w.write.at, f.now), "minute")} ago: inside the ${f.propagationMinutes}-minute propagation window, re-test at ${utcTime(addMinutes(w.write.at, f.propagationMinutes))}`;
    },
  },
  {
    id: "failures-stopped-inside-window",
    hypothesis: "H3",
    effect: "confirms",
    weight: 3,
    reads: ["changes", "kv-requests"],
    checks: "failures stopping inside the propagation window",
    test: (f) => {
      const p = phaseIs(f, "stopped-inside");
      if (p === UNKNOWN || !p) return p;
      const w = writePhase(f)!;
      return `failures stopped in ${lastBin(w.lastAt)}, ${plural(minutesFrom(w.write.at, w.lastAt), "minute")} after the ${w.words}: inside the ${f.propagationMinutes}-minute propagation window`;
    },
  },
  {
    id: "failures-past-window",
    hypothesis: "H3",
    effect: "confirms",
    weight: 1,
    reads: ["changes", "kv-requests"],
    checks: "failures continuing just past the propagation window",
    test: (f) => {
      const p = phaseIs(f, "past-window");
      if (p === UNKNOWN || !p) return p;
      const w = writePhase(f)!;
      return `failures continued into ${lastBin(w.lastAt)}, ${plural(minutesFrom(w.write.at, w.lastAt), "minute")} after the ${w.words}: past the ${f.propagationMinutes}-minute window but not yet ${PROPAGATION_GIVE_UP_MINUTES}; restart the app to refresh its token and re-test`;
    },
  },
  {
    id: "identity-changed-before-onset",
    hypothesis: "H3",
    effect: "confirms",
    weight: 3,
    reads: ["changes", "kv-requests"],
    checks: "identity changes on the app before the failures",
    test: (f) => changeBeforeOnset(f, f.changes?.identityChangedBeforeOnset, (c) => `identity of ${c.scope} changed`),
  },
  {
    id: "identity-changed-tokens-still-issued",
    hypothesis: "H3",
    effect: "confirms",
    weight: 1,
    reads: ["changes", "kv-requests", "credential-traces"],
    checks: "token acquisition after the identity change",
    test: (f) => {
      if (!f.changes || !f.kv) return UNKNOWN;
      if (!f.changes.identityChangedBeforeOnset || !f.kv.onsetAt) return undefined;
      if (!f.traces) return UNKNOWN;
      return f.traces.identityErrors === 0
        ? `${f.app} still gets tokens after its identity changed (no credential errors in its traces): it may hold a token of the previous identity; restart it to refresh the token`
        : undefined;
    },
  },
  {
    id: "failures-outlast-propagation",
    hypothesis: "H3",
    effect: "disproves",
    weight: 4,
    reads: ["changes", "kv-requests"],
    checks: "failures continuing long after a role write",
    test: (f) => {
      const p = phaseIs(f, "outlasted");
      if (p === UNKNOWN || !p) return p;
      const w = writePhase(f)!;
      return `failures continued ${plural(minutesFrom(w.write.at, w.lastAt), "minute")} after the ${w.words}: more than ${PROPAGATION_GIVE_UP_MINUTES} minutes, so propagation alone does not explain them`;
    },
  },
  {
    id: "no-role-write-or-identity-change",
    hypothesis: "H3",
    effect: "disproves",
    weight: 2,
    reads: ["changes", "kv-requests"],
    checks: "role writes and identity changes around the failures",
    test: (f) => {
      if (!f.changes || !f.kv) return UNKNOWN;
      if (!f.kv.onsetAt || f.changes.latestRoleWrite || f.changes.identityChangedBeforeOnset) return undefined;
      return `no role assignment written and no identity change for ${f.caller} from ${utcTime(addMinutes(f.kv.onsetAt, -CHANGE_BEFORE_ONSET_MINUTES))} (${CHANGE_BEFORE_ONSET_MINUTES} minutes before ${f.kv.onset}) to now`;
    },
  },
  {
    // Only a stale token after an identity change is in question here; a role write's propagation
    // does not depend on the app's tokens.
    id: "no-token-to-go-stale",
    hypothesis: "H3",
    effect: "disproves",
    weight: 3,
    reads: ["changes", "kv-requests", "credential-traces"],
    checks: "identity errors in the app's traces after its identity changed",
    test: (f) => {
      if (!f.changes || !f.kv) return UNKNOWN;
      if (!f.changes.identityChangedBeforeOnset || !f.kv.onsetAt) return undefined;
      if (!f.traces) return UNKNOWN;
      const errors = f.traces.uamiNotFound.events + f.traces.miUnavailable.events;
      return errors > 0
        ? `${f.app} gets no token at all (${plural(errors, "identity error")} in its traces): there is no cached token to go stale`
        : undefined;
    },
  },
];

/**
 * The re-test time, once the caller has found propagation the leading explanation: a role written
 * inside the window is re-tested when the window closes. A first-ever grant (facts.ts firstGrant)
 * is "propagating" for as long as propagation explains its failures — inside the window, and after
 * it when they stopped inside it — so that they are held, not paged (evaluate.ts
 * propagation-hold.ts), until they leave the evaluation window. Denials that go on past the
 * window get no re-test time: propagation no longer explains them.
 */
export function propagationOf(f: Facts): Propagation | undefined {
  const w = writePhase(f);
  if (!w) return undefined;
  const first = f.changes?.firstGrant === true;
  const retestAt = addMinutes(w.write.at, f.propagationMinutes);
  const window = `${f.propagationMinutes}-minute propagation window`;
  if (w.phase === "inside-window")
    return {
      changeAt: w.write.at,
      retestAt,
      text: `${w.words}: inside the ${window}; re-test at ${utcTime(retestAt)} (in ${plural(minutesFrom(f.now, retestAt), "minute")}) ${first ? "before treating the denials as an incident" : "before escalating"}`,
      ...(first ? { firstGrant: true as const } : {}),
    };
  if (first && w.phase === "stopped-inside")
    return {
      changeAt: w.write.at,
      retestAt,
      text: `${w.words}: the denials stopped in ${lastBin(w.lastAt)}, inside the ${window}: access has propagated`,
      firstGrant: true,
    };
  return undefined;
}
