import type { DiagnosisRevision, DiagnosisSummary } from "../model/evaluation.js";
import { utcTime } from "../common/utc.js";
import { SIGNAL_NAMES, type SignalName } from "../signals/signal-set.js";
import { signalWords } from "./rules/words.js";

/**
 * One diagnosis per incident: fixed when the incident opens, revised only by new evidence. The
 * window the rules read slides every tick, so evidence drops out of it and shares drift: none of
 * that is new, and none of it changes what the incident is said to be. A tick's diagnosis replaces
 * the incident's only when it names another hypothesis or verdict AND rests on a fact the incident
 * has not seen before (a change, a control-plane fact, a group-membership event, a signal that was
 * unknown); the incident then records what changed and when.
 */

/** The hypothesis a diagnosis names: its first when likely or possible, none otherwise. Every channel and line shows this one. */
export function namedHypothesis(
  d: DiagnosisSummary | undefined,
): { id: string; title: string; verdict: string } | undefined {
  const top = d?.top[0];
  return top && (top.verdict === "likely" || top.verdict === "possible") ? top : undefined;
}

/** "H2 (likely)", or "none" when no hypothesis is named. */
function label(d: DiagnosisSummary): string {
  const h = namedHypothesis(d);
  return h ? `${h.id} (${h.verdict})` : "none";
}

/**
 * The incident's diagnosis after a tick: `kept` (the incident's) unless `fresh` (the tick's)
 * changes the named hypothesis or its verdict on new evidence. Diagnoses that are not ranked from
 * evidence (no `facts`: control-plane and network findings, whose hypothesis is what the finding
 * is) are taken as they come.
 */
export function reviseDiagnosis(
  kept: DiagnosisSummary | undefined,
  fresh: DiagnosisSummary | undefined,
  now: Date,
): DiagnosisSummary | undefined {
  if (!fresh) return kept;
  if (!kept || fresh.facts === undefined) return withoutBasis(fresh);
  // Written before facts were kept: it stays, and learns what is known now.
  if (kept.facts === undefined) return { ...kept, facts: fresh.facts };
  const seen = new Set(kept.facts);
  const facts = [...new Set([...kept.facts, ...fresh.facts])].sort();
  if (label(kept) === label(fresh)) return { ...kept, facts };
  const because = newEvidence(kept, fresh, seen);
  if (because === undefined) return { ...kept, facts };
  const revision: DiagnosisRevision = { at: now, from: label(kept), to: label(fresh), because };
  return { ...withoutBasis(fresh), facts, revisions: [...(kept.revisions ?? []), revision] };
}

/**
 * The new evidence `fresh` rests on, in words: a sentence for its first hypothesis, or against the
 * one it replaces, that reads a fact not seen before; else a signal that was unknown until now.
 */
function newEvidence(kept: DiagnosisSummary, fresh: DiagnosisSummary, seen: ReadonlySet<string>): string | undefined {
  const to = fresh.top[0]?.id;
  const from = kept.top[0]?.id;
  const isNew = (facts: readonly string[]) => facts.some((k) => !seen.has(k));
  const basis = fresh.basis ?? [];
  const found =
    basis.find((b) => b.hypothesis === to && b.effect === "confirms" && isNew(b.facts)) ??
    basis.find((b) => b.hypothesis === from && b.effect === "disproves" && isNew(b.facts));
  if (found) return found.text;
  const signals = (fresh.facts ?? [])
    .filter((k) => k.startsWith("signal:") && !seen.has(k))
    .map((k) => k.slice("signal:".length))
    .filter((s): s is SignalName => (SIGNAL_NAMES as readonly string[]).includes(s));
  if (signals.length === 0) return undefined;
  return `${signals.map(signalWords).join(", ")} ${signals.length === 1 ? "is" : "are"} known now`;
}

function withoutBasis(d: DiagnosisSummary): DiagnosisSummary {
  const { basis: _, ...rest } = d;
  return rest;
}

/** "revised: H2 → H4 because <evidence> at 10:42 UTC" for the latest revision; undefined when there was none. */
export function revisionLine(d: DiagnosisSummary | undefined): string | undefined {
  const r = d?.revisions?.at(-1);
  if (!r) return undefined;
  const id = (l: string) => l.split(" ")[0] ?? l;
  const [from, to] = id(r.from) === id(r.to) ? [r.from, r.to] : [id(r.from), id(r.to)];
  return `revised: ${from} → ${to} because ${r.because} at ${utcTime(r.at)}`;
}
