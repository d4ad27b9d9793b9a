import type { SignalName } from "../../signals/signal-set.js";
import type { Change, Facts, TraceClass } from "./facts.js";
import { DOMINANT_SHARE, ONSET_BIN_MINUTES, PROPAGATION_GIVE_UP_MINUTES } from "./thresholds.js";
import type { HypothesisId } from "./types.js";
import { utcTime } from "../../common/utc.js";
import { addMinutes, beforeOnset, minutesFrom, plural } from "./words.js";

/**
 * One line of the evidence table (rules/): which hypothesis a piece of evidence confirms or
 * disproves, how strongly, and which signals it reads. A rule returns its sentence when the
 * evidence is there, undefined when it is not, and UNKNOWN when a signal it needs is unknown and
 * what is known does not already settle it.
 */

export const UNKNOWN = Symbol("unknown");
export type Outcome = string | undefined | typeof UNKNOWN;

export interface Rule {
  id: string;
  hypothesis: HypothesisId;
  effect: "confirms" | "disproves";
  /**
   * Relative strength; the playbooks give none, so these are this module's scale: 5 for evidence
   * the playbooks treat as decisive on its own (AADSTS500011, a role write inside the propagation
   * window, network failures or firewall denials dominating), 4 for a change or control-plane fact
   * that directly explains the failure, 3 for a strong signature, 1-2 for corroboration.
   */
  weight: number;
  reads: readonly SignalName[];
  /** What the rule looks for, quoted when it cannot run. */
  checks: string;
  /** Evidence that puts a likely hypothesis first whatever the others score. */
  outranks?: true;
  test(f: Facts): Outcome;
}

export const dominates = (part: number, whole: number) => whole > 0 && part / whole >= DOMINANT_SHARE;

export function traceSentence(t: TraceClass, what: string, traces: string): string {
  const sample = t.sample ? `: "${t.sample.slice(0, 160)}"` : "";
  return `${plural(t.events, `${what} error`)} in ${traces}${t.firstAt ? ` since ${utcTime(t.firstAt)}` : ""}${sample}`;
}

/** "<what> at 01:00 UTC by deploy-pipeline@contoso.com, 3 minutes before the first 403[: meaning]". */
export function changeBeforeOnset(f: Facts, c: Change | undefined, what: (c: Change) => string, meaning = ""): Outcome {
  if (!f.changes || !f.kv) return UNKNOWN;
  if (!c || !f.kv.onsetAt) return undefined;
  return `${what(c)} at ${utcTime(c.at)} by ${c.by}, ${beforeOnset(c.at, f.kv.onsetAt, f.kv.onset)}${meaning ? `: ${meaning}` : ""}`;
}

/**
 * Where the failures stand against the latest role write for the caller (playbook H3 timeline).
 * `lastAt` is the start of the last bin with failures (facts.ts): failures "stopped inside" the
 * window when that bin began inside it, since the logs place them no later.
 */
export type WritePhase = "inside-window" | "stopped-inside" | "past-window" | "outlasted";

export function writePhase(f: Facts): { phase: WritePhase; write: Change; lastAt: Date; words: string } | undefined {
  const write = f.changes?.latestRoleWrite;
  if (!f.kv || !f.changes || !write) return undefined;
  const lastAt = f.kv.lastAt ?? f.now;
  // Failures that had already stopped before the write are not explained by it.
  if (lastAt.getTime() < addMinutes(write.at, -ONSET_BIN_MINUTES).getTime()) return undefined;
  const how = f.changes.firstGrant ? "granted for the first time" : f.changes.writeIsRestore ? "restored" : "written";
  const words = `${write.role} for ${f.caller} on ${write.scope} ${how} at ${utcTime(write.at)} by ${write.by}`;
  const windowEnd = addMinutes(write.at, f.propagationMinutes);
  const phase: WritePhase =
    f.now.getTime() < windowEnd.getTime()
      ? "inside-window"
      : lastAt.getTime() <= windowEnd.getTime()
        ? "stopped-inside"
        : minutesFrom(write.at, lastAt) <= PROPAGATION_GIVE_UP_MINUTES
          ? "past-window"
          : "outlasted";
  return { phase, write, lastAt, words };
}

/** The write phase when it is one of `phases`; UNKNOWN when the counts or the change log are. */
export function phaseIs(f: Facts, ...phases: WritePhase[]): WritePhase | undefined | typeof UNKNOWN {
  if (!f.kv || !f.changes) return UNKNOWN;
  const p = writePhase(f)?.phase;
  return p && phases.includes(p) ? p : undefined;
}
