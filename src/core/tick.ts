import type { Evaluation, Incident, Policy, SignalOutcome } from "./model.js";
import { evaluate, groupSeries, RULES } from "./evaluate.js";
import { fingerprint, transition } from "./incidents.js";

export interface TickInput {
  now: Date;
  signal: SignalOutcome;
  /** Every incident that is open or still has undelivered notifications, as loaded. */
  incidents: readonly Incident[];
  policy: Policy;
}

export interface TickDecision {
  /** Incidents whose new state must be written (before any notification is sent). */
  changed: Incident[];
  evaluations: Evaluation[];
  seriesObserved: number;
}

/**
 * The pure heart of a tick: signal rows in, incident changes out. A failed query decides
 * nothing; a partial one may open or escalate (the failures it saw are real) but never resolves,
 * because missing rows cannot prove recovery.
 */
export function decideTick({ now, signal, incidents, policy }: TickInput): TickDecision {
  if (signal.status === "failed") return { changed: [], evaluations: [], seriesObserved: 0 };
  const canResolve = signal.status === "complete";
  const byId = new Map(incidents.map((i) => [i.id, i]));
  const series = groupSeries(signal.rows);
  const evaluations: Evaluation[] = [];
  const changed: Incident[] = [];
  const seen = new Set<string>();

  for (const s of series) {
    for (const rule of RULES) {
      const ev = evaluate(rule, s, now, policy);
      evaluations.push(ev);
      const id = fingerprint(rule, s.key);
      seen.add(id);
      const t = transition(byId.get(id), ev, now, canResolve);
      if (t.changed && t.next) changed.push(t.next);
    }
  }
  // An open incident whose caller made no requests at all in the window stays open: silence is
  // not recovery. It is reported as such by the health check.
  for (const incident of incidents) {
    if (incident.state === "open" && !seen.has(incident.id)) {
      evaluations.push({ kind: "no-traffic", rule: incident.rule, key: incident.key });
    }
  }
  return { changed, evaluations, seriesObserved: series.length };
}
