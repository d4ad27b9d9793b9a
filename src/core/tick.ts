import type { BaselineOpinion, Evaluation, Incident, Policy, RequestRuleId, SeriesKey, SignalOutcome } from "./model.js";
import type { SignalRow } from "../signals/model.js";
import { countWindow, evaluate, groupSeries, RULES, type SeriesContext } from "./evaluate.js";
import { fingerprint, transition } from "./incidents.js";
import { callerName } from "./names.js";
import { sloFor } from "./spec-lookup.js";
import { periodCountsOf, reportSlos, rowsFor, windowCountsOf, type SloReport } from "./slo/report.js";
import { diagnoseFinding, type Evidence } from "./diagnose-finding.js";
import { evaluateControlPlane, type ControlPlaneCheck } from "./control-plane-findings.js";

/** Judges a series' window against its learned baseline; undefined when it has none. */
export type BaselineJudge = (seriesId: string, rule: RequestRuleId, observed: { failures: number; total: number; at: Date }) => BaselineOpinion | undefined;

export interface TickInput {
  now: Date;
  signal: SignalOutcome;
  /** Every incident that is open or still has undelivered notifications, as loaded. */
  incidents: readonly Incident[];
  policy: Policy;
  /** SLO window and period sums, when SLOs are configured and their signals answered. */
  sloWindows?: readonly SignalRow<"slo-windows">[] | undefined;
  sloPeriod?: readonly SignalRow<"slo-period">[] | undefined;
  baselines?: BaselineJudge | undefined;
  /** The other signals' rows and statuses, for diagnosing what fires. */
  evidence?: Evidence | undefined;
  /** Findings of this tick's control-plane check; undefined when it is off or did not run. */
  controlPlane?: ControlPlaneCheck | undefined;
}

export interface TickDecision {
  /** Incidents whose new state must be written (before any notification is sent). */
  changed: Incident[];
  evaluations: Evaluation[];
  seriesObserved: number;
  /** Every configured SLO's standing, identity→vault and app→dependency alike. */
  slos: SloReport[];
}

/**
 * The pure heart of a tick: signal rows in, incident changes out. A failed query decides
 * nothing; a partial one may open or escalate (the failures it saw are real) but never resolves,
 * because missing rows cannot prove recovery.
 */
export function decideTick({ now, signal, incidents, policy, sloWindows, sloPeriod, baselines, evidence, controlPlane }: TickInput): TickDecision {
  const slos = reportSlos(policy.spec, sloWindows, sloPeriod, (row, identity) => row.dims.subject === "identity-vault" && matchesIdentity(row.dims, identity));
  const byId = new Map(incidents.map((i) => [i.id, i]));
  // Control-plane findings do not depend on the workspace: they are decided even when it failed.
  const cpChanged: Incident[] = [];
  const cpEvaluations = evaluateControlPlane(controlPlane, incidents);
  for (const ev of cpEvaluations) {
    const id = ev.kind === "firing" || ev.kind === "recovered" ? ev.fingerprint : undefined;
    const t = transition(id ? byId.get(id) : undefined, ev, now, true);
    if (t.changed && t.next) cpChanged.push(t.next);
  }
  if (signal.status === "failed") return { changed: cpChanged, evaluations: cpEvaluations, seriesObserved: 0, slos };
  const canResolve = signal.status === "complete";
  const series = groupSeries(signal.rows);
  const evaluations: Evaluation[] = [];
  const changed: Incident[] = [];
  const seen = new Set<string>();

  for (const s of series) {
    const slo = sloContext(s.key, policy, sloWindows, sloPeriod);
    for (const rule of RULES) {
      const context: SeriesContext = { slo };
      if (baselines) {
        // The same window the rule counts, so the baseline judges exactly what the floor would.
        const c = countWindow(rule, s.bins, new Date(now.getTime() - policy.windowMinutes * 60_000), now, policy.binMinutes);
        context.baseline = baselines(s.id, rule, { failures: c.failures, total: c.total, at: now });
      }
      const judged = evaluate(rule, s, now, policy, context);
      const ev = judged.kind === "firing" && evidence ? { ...judged, diagnosis: diagnoseFinding(judged, now, policy, evidence) } : judged;
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
    if (incident.rule === "control-plane") continue;
    if (incident.state === "open" && !seen.has(incident.id)) {
      evaluations.push({ kind: "no-traffic", rule: incident.rule, key: incident.key });
    }
  }
  return { changed: [...cpChanged, ...changed], evaluations: [...cpEvaluations, ...evaluations], seriesObserved: series.length, slos };
}

function matchesIdentity(d: { callerObjectId: string; callerAppId: string; callerResourceId: string }, identity: string): boolean {
  if (d.callerObjectId === identity || d.callerAppId === identity) return true;
  const name = callerName({ vaultResourceId: "", auditTable: "AzureDiagnostics", ...d }).name;
  return name !== undefined && name.toLowerCase() === identity;
}

/** The identity→vault SLO covering a series, with the series' own window and period sums. */
function sloContext(key: SeriesKey, policy: Policy, windows: TickInput["sloWindows"], period: TickInput["sloPeriod"]): SeriesContext["slo"] {
  const spec = sloFor(key, policy.spec);
  if (!spec || !windows) return undefined;
  const mine = <R extends SignalRow<"slo-windows"> | SignalRow<"slo-period">>(rows: readonly R[]) =>
    rowsFor(spec, rows, () => true).filter((r) => r.dims.subject === "identity-vault" && r.dims.callerObjectId === key.callerObjectId && r.dims.vaultResourceId === key.vaultResourceId);
  const w = mine(windows);
  if (w.length === 0) return undefined;
  return {
    spec: { name: spec.name, objective: spec.objective, periodDays: spec.period },
    windows: windowCountsOf(w),
    period: period ? periodCountsOf(mine(period), spec.period) : undefined,
  };
}
