import type { Evaluation, Subject } from "./model/index.js";

/**
 * A firing finding whose diagnosis says a first-ever grant is still propagating (no earlier access
 * in the history, no earlier role assignment: diagnosis/rules/propagation.ts propagationOf). Its
 * failures are the wait the playbooks prescribe ("allow 5-10 minutes, then re-test"), not an
 * incident: held below the rule — no incident opens, nothing is sent — for as long as the
 * diagnosis says so, while the window is open and after it when the failures stopped inside it.
 * Failures that go on past the window are not explained by it: the diagnosis stops saying so, and
 * the finding opens and escalates as any other.
 */
export function holdWhilePropagating<S extends Subject>(ev: Evaluation<S>): Evaluation<S> {
  if (ev.kind !== "firing") return ev;
  const p = ev.diagnosis?.propagation;
  if (!p?.firstGrant) return ev;
  return {
    kind: "settling",
    rule: ev.rule,
    subject: ev.subject,
    fingerprint: ev.fingerprint,
    counts: ev.counts,
    propagating: { retestAt: p.retestAt, text: p.text },
  };
}
