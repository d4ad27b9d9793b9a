import { type Facts, gatherFacts } from "./rules/facts.js";
import { type Rule, UNKNOWN } from "./rules/rule.js";
import { propagationOf } from "./rules/propagation.js";
import { RULES } from "./rules/index.js";
import { FIRM_DISPROOF, LIKELY_SCORE } from "./rules/thresholds.js";
import {
  type Diagnosis,
  type DiagnosisInput,
  type EvidenceBasis,
  HYPOTHESIS_IDS,
  HYPOTHESIS_TITLES,
  type HypothesisId,
  type HypothesisVerdict,
  type Verdict,
} from "./rules/types.js";
import type { SignalName } from "../signals/signal-set.js";

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
  /** The facts it rests on (factsOfRule); none for window statistics. */
  facts: string[];
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
  const basis: EvidenceBasis[] = judged.flatMap((j) =>
    (["confirms", "disproves"] as const).flatMap((effect) =>
      (effect === "confirms" ? j.confirming : j.disproving)
        .filter((e) => e.facts.length > 0)
        .map((e) => ({ hypothesis: j.verdict.id, effect, text: e.text, facts: e.facts })),
    ),
  );
  return {
    ranked: judged.map((j) => j.verdict),
    decidedBy: decidedBy(top, judged, facts),
    ...(propagation ? { propagation } : {}),
    facts: [...new Set([...seenFacts(facts), ...basis.flatMap((b) => b.facts)])].sort(),
    basis,
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
        facts: factsOfRule(rule, f),
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

export function topHypothesis(d: Diagnosis): HypothesisVerdict {
  const top = d.ranked[0];
  if (!top) throw new Error("a diagnosis ranks all six hypotheses");
  return top;
}

/**
 * One line for the alert: "H2 Role or permission missing, or at the wrong scope (likely): …; …".
 * With no hypothesis likely or possible it names none, as every other line does (revise.ts,
 * namedHypothesis).
 */
export function summarize(d: Diagnosis): string {
  const top = topHypothesis(d);
  if (top.verdict === "likely" || top.verdict === "possible") {
    return `${top.id} ${top.title} (${top.verdict}): ${top.confirming.slice(0, 2).join("; ")}`;
  }
  return `${d.decidedBy.charAt(0).toUpperCase()}${d.decidedBy.slice(1)}`;
}

/*
 * Facts: what a later diagnosis of the same incident compares against, to tell evidence it has not
 * seen before from the same evidence read through a window that moved (diagnosis/revise.ts). A key
 * names a fact, never a count: a change before the onset by its kind and time, the control plane
 * by being known (not by its values, which a fix flips), a trace class by its name, a signal by
 * being known. Key Vault request counts are window statistics and name no fact.
 */

/** The facts `rule` rests on when it speaks: those of every signal it reads (control-plane facts for none). */
function factsOfRule(rule: Rule, f: Facts): string[] {
  if (rule.reads.length === 0) return controlPlaneFacts(f);
  return [...new Set(rule.reads.flatMap((s) => signalFacts(s, f) ?? [`signal:${s}`, `rule:${rule.id}`]))];
}

/** Every fact this diagnosis could see. */
function seenFacts(f: Facts): string[] {
  const signals: SignalName[] = [...new Set(RULES.flatMap((r) => r.reads))];
  return [
    ...controlPlaneFacts(f),
    ...signals.flatMap((s) => signalFacts(s, f) ?? (f.unknown[s] === undefined ? [`signal:${s}`] : [])),
  ];
}

/**
 * Control-plane facts by whether the check knew the vault and the caller's access at all. What it
 * knows changes while an incident is open mostly because someone fixed it (a role restored, a
 * policy written back): that is the fix, not new evidence of the cause.
 */
function controlPlaneFacts(f: Facts): string[] {
  const known = (o: object) => Object.values(o).some((v) => v !== undefined);
  return [...(known(f.vault) ? ["control-plane:vault"] : []), ...(known(f.access) ? ["control-plane:access"] : [])];
}

/**
 * The facts of one signal; undefined for a signal whose facts this module does not know (a rule
 * reading it then rests on its own firing). Unknown signals have none.
 */
function signalFacts(s: SignalName, f: Facts): string[] | undefined {
  if (f.unknown[s] !== undefined) return [];
  switch (s) {
    case "kv-requests":
      return [];
    case "dependency-calls":
    case "invocations":
      return [`signal:${s}`];
    case "changes":
      return f.changes ? ["signal:changes", ...datedFacts("change", f.changes, f.changes.writeIsRestore)] : [];
    case "credential-traces":
      return f.traces
        ? [
            "signal:credential-traces",
            ...Object.entries(f.traces)
              .filter(([, t]) => typeof t === "object" && t.events > 0)
              .map(([k]) => `traces:${k}`),
          ]
        : [];
    case "host-startup":
      return f.startup ? ["signal:host-startup", ...(f.startup.authEvents > 0 ? ["host-startup:auth"] : [])] : [];
    case "group-membership":
      return f.groups
        ? ["signal:group-membership", ...datedFacts("group", f.groups, false)]
        : ["signal:group-membership"];
    default:
      return undefined;
  }
}

/**
 * The dated events among `section`'s fields (a Change, or a list of them): `<prefix>:<field>@<time>`.
 * A role write that restored access is the fix, not the cause: it is no new evidence of why.
 */
function datedFacts(prefix: string, section: object, writeIsRestore: boolean): string[] {
  const out: string[] = [];
  for (const [field, value] of Object.entries(section)) {
    if (field === "latestRoleWrite" && writeIsRestore) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const at = (v as { at?: unknown } | undefined)?.at;
      if (at instanceof Date) out.push(`${prefix}:${field}@${at.toISOString()}`);
    }
  }
  return out;
}
