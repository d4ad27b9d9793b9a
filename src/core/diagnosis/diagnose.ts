import { type Facts, gatherFacts } from "./rules/facts.js";
import { type Rule, UNKNOWN, writePhase } from "./rules/rule.js";
import { RULES } from "./rules/index.js";
import { FIRM_DISPROOF, LIKELY_SCORE } from "./rules/thresholds.js";
import {
  type Diagnosis,
  type DiagnosisInput,
  HYPOTHESIS_IDS,
  HYPOTHESIS_TITLES,
  type HypothesisId,
  type HypothesisVerdict,
  type Propagation,
  type Verdict,
} from "./rules/types.js";
import { utcTime } from "../common/utc.js";
import { addMinutes, minutesFrom, plural } from "./rules/words.js";

/**
 * Ranks the playbooks' six hypotheses (docs/reference/playbooks.md) for one finding from the
 * evidence table in rules/.
 * Pure: the clock is `input.now`, and nothing is read but the input.
 */

interface Evidence {
  rule: string;
  text: string;
  weight: number;
  outranks: boolean;
}

interface Judged {
  verdict: HypothesisVerdict;
  confirming: Evidence[];
  disproving: Evidence[];
  /** Likely, with evidence the playbooks say must be dealt with first. */
  outranks: boolean;
}

const VERDICT_ORDER: Record<Verdict, number> = { likely: 0, possible: 1, unknown: 2, unlikely: 3 };

export function diagnose(input: DiagnosisInput): Diagnosis {
  const facts = gatherFacts(input);
  const judged = HYPOTHESIS_IDS.map((id) => judge(id, facts));
  judged.sort(
    (a, b) =>
      Number(b.outranks) - Number(a.outranks) ||
      VERDICT_ORDER[a.verdict.verdict] - VERDICT_ORDER[b.verdict.verdict] ||
      b.verdict.score - a.verdict.score ||
      HYPOTHESIS_IDS.indexOf(a.verdict.id) - HYPOTHESIS_IDS.indexOf(b.verdict.id),
  );
  const top = judged[0]!;
  const propagation = top.verdict.id === "H3" ? propagationOf(facts) : undefined;
  return {
    ranked: judged.map((j) => j.verdict),
    decidedBy: decidedBy(top, judged, facts),
    ...(propagation ? { propagation } : {}),
  };
}

/** Runs every rule of one hypothesis and turns the evidence into a verdict. */
function judge(id: HypothesisId, f: Facts): Judged {
  const confirming: Evidence[] = [];
  const disproving: Evidence[] = [];
  /** What could not be checked, grouped by the unknown signal(s) that stopped it. */
  const unchecked = new Map<string, string[]>();
  let confirmationUnknown = false;
  let disproofUnknown = false;
  for (const rule of RULES.filter((r) => r.hypothesis === id)) {
    const outcome = rule.test(f);
    if (outcome === UNKNOWN) {
      const reason = why(rule, f);
      const checks = unchecked.get(reason) ?? [];
      if (!checks.includes(rule.checks)) checks.push(rule.checks);
      unchecked.set(reason, checks);
      if (rule.effect === "confirms") confirmationUnknown = true;
      else disproofUnknown = true;
    } else if (outcome !== undefined) {
      (rule.effect === "confirms" ? confirming : disproving).push({
        rule: rule.id,
        text: outcome,
        weight: rule.weight,
        outranks: rule.outranks === true,
      });
    }
  }
  const strongestFirst = (a: Evidence, b: Evidence) => Number(b.outranks) - Number(a.outranks) || b.weight - a.weight;
  confirming.sort(strongestFirst);
  disproving.sort(strongestFirst);
  const c = confirming.reduce((n, e) => n + e.weight, 0);
  const d = disproving.reduce((n, e) => n + e.weight, 0);
  const score = c - d;
  const verdict = verdictOf(c, d, confirmationUnknown, disproofUnknown);
  return {
    confirming,
    disproving,
    outranks: verdict === "likely" && confirming.some((e) => e.outranks),
    verdict: {
      id,
      title: HYPOTHESIS_TITLES[id],
      verdict,
      score,
      confirming: confirming.map((e) => e.text),
      disproving: disproving.map((e) => e.text),
      unchecked: [...unchecked].map(([reason, checks]) => `not checked ${reason}: ${checks.join(", ")}`),
    },
  };
}

/**
 * "likely" needs a clear margin and every disproving check done: evidence we could not see must
 * never make a hypothesis look more certain. With nothing confirming it and its confirming checks
 * unknown, a hypothesis is "unknown" unless what is known firmly disproves it.
 */
function verdictOf(c: number, d: number, confirmationUnknown: boolean, disproofUnknown: boolean): Verdict {
  const score = c - d;
  if (score >= LIKELY_SCORE && !disproofUnknown) return "likely";
  if (score > 0) return "possible";
  if (c === 0 && confirmationUnknown && d < FIRM_DISPROOF) return "unknown";
  return "unlikely";
}

function why(rule: Rule, f: Facts): string {
  const reasons = rule.reads.map((s) => f.unknown[s]).filter((r): r is string => r !== undefined);
  return reasons.length > 0 ? reasons.join(" ") : "(a signal it reads is unknown)";
}

function decidedBy(top: Judged, all: readonly Judged[], f: Facts): string {
  const best = top.confirming[0];
  if (best && (top.verdict.verdict === "likely" || top.verdict.verdict === "possible")) return best.text;
  const throttling = all.flatMap((j) => j.disproving).find((e) => e.rule === "throttling-dominates");
  if (throttling) return `none of H1-H6 is supported: ${throttling.text}`;
  const unknown = Object.values(f.unknown);
  if (all.some((j) => j.verdict.verdict === "unknown") && unknown.length > 0) {
    return `none of H1-H6 is supported, and the evidence that could decide it is unknown ${unknown.join(" ")}`;
  }
  return "none of H1-H6 is supported: no evidence in the signals points at a cause";
}

/** Set only when propagation is the leading explanation and its window is still open. */
function propagationOf(f: Facts): Propagation | undefined {
  const w = writePhase(f);
  if (w?.phase !== "inside-window") return undefined;
  const retestAt = addMinutes(w.write.at, f.propagationMinutes);
  return {
    changeAt: w.write.at,
    retestAt,
    text: `${w.words}: inside the ${f.propagationMinutes}-minute propagation window; re-test at ${utcTime(retestAt)} (in ${plural(minutesFrom(f.now, retestAt), "minute")}) before escalating`,
  };
}

export function topHypothesis(d: Diagnosis): HypothesisVerdict {
  const top = d.ranked[0];
  if (!top) throw new Error("a diagnosis ranks all six hypotheses");
  return top;
}

/** One line for the alert: "H2 RBAC role missing or at the wrong scope (likely): …; …". */
export function summarize(d: Diagnosis): string {
  const top = topHypothesis(d);
  if (top.verdict === "likely" || top.verdict === "possible") {
    return `${top.id} ${top.title} (${top.verdict}): ${top.confirming.slice(0, 2).join("; ")}`;
  }
  return `${d.decidedBy.charAt(0).toUpperCase()}${d.decidedBy.slice(1)} (best: ${top.id} ${top.title}, ${top.verdict})`;
}
