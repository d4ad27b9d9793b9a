import type {
  Evaluation,
  Incident,
  KvRequestBin,
  Policy,
  RequestRuleId,
  SeriesKey,
  SignalOutcome,
} from "./model/index.js";
import { isKnown, type SignalRow } from "./signals/signal-set.js";
import { countWindow, evaluate, groupSeries, RULES, type SeriesContext } from "./evaluate.js";
import { holdWhilePropagating } from "./propagation-hold.js";
import { fingerprint, isActive } from "./model/incidents.js";
import { transition } from "./lifecycle/transition.js";
import { planGroups, settleThreads } from "./notify/group.js";
import { groupKeysOf } from "./notify/group-keys.js";
import { memberOf } from "./notify/group-listing.js";
import { INHIBIT_RULES, inhibitionFor } from "./notify/inhibit.js";
import { silenceFor, type Silence } from "./notify/silence.js";
import { evaluateChannels, evaluateMonitor } from "./monitor-findings.js";
import type { IngestionStop } from "./signals/ingestion.js";
import type { SilentVault } from "./coverage/vault-silence.js";
import { evaluateNetwork } from "./network-findings.js";
import { callerName } from "./model/names.js";
import { type AppCall, sloFor } from "./model/spec-lookup.js";
import { periodCountsOf, reportSlos, rowsFor, windowCountsOf, type SloReport } from "./slo-report.js";
import { diagnoseFinding, type Evidence } from "./diagnose-finding.js";
import { tokenlessApp } from "./tokenless-attribution.js";
import { evaluateControlPlane, type ControlPlaneCheck } from "./control-plane-findings.js";
import { historyWith, judgeWith, type Baseline } from "./baselines/index.js";
import { MINUTE_MS } from "./common/duration.js";

export interface TickInput {
  now: Date;
  signal: SignalOutcome;
  /** Every incident that is active, has undelivered notices, or resolved within the flap window. */
  incidents: readonly Incident[];
  policy: Policy;
  /** SLO window and period sums, when SLOs are configured and their signals answered. */
  sloWindows?: readonly SignalRow<"slo-windows">[] | undefined;
  sloPeriod?: readonly SignalRow<"slo-period">[] | undefined;
  /** The learned baselines by `<rule>|<series>`; a series without one is judged by the static floor. */
  baselines?: ReadonlyMap<string, Baseline> | undefined;
  /** The other signals' rows and statuses, for diagnosing what fires and for the network rule. */
  evidence?: Evidence | undefined;
  /** Findings of this tick's control-plane check; undefined when it is off or did not run. */
  controlPlane?: ControlPlaneCheck | undefined;
  /** The control-plane check could not get the monitor's own token. */
  monitorTokenProblem?: string | undefined;
  /** Vaults that stopped sending AuditEvent (core/coverage/vault-silence.ts). */
  silentVaults?: readonly SilentVault[] | undefined;
  /** Silences and maintenance windows, active or not. */
  silences?: readonly Silence[] | undefined;
  /** The workspace stopped receiving Key Vault data (signals/ingestion.ts). */
  ingestionStop?: IngestionStop | undefined;
}

export interface TickDecision {
  /** Incidents whose new state must be written (with their new notices, before any is sent). */
  changed: Incident[];
  evaluations: Evaluation[];
  seriesObserved: number;
  /** Every configured SLO's standing, identity→vault and app→dependency alike. */
  slos: SloReport[];
}

/**
 * The pure heart of a tick, in Alertmanager's order: evaluate every rule → move each incident
 * through the lifecycle table → mute (silences, inhibition) → group incidents that share a cause
 * → decide notices, one thread per group, against what receivers were last told. A failed query
 * decides nothing about vaults (the monitor rule fires instead); a partial one may open or
 * escalate (the failures it saw are real) but never resolves, because missing rows cannot prove
 * recovery.
 */
export function decideTick(input: TickInput): TickDecision {
  const { now, signal, incidents, policy, evidence } = input;
  const slos = reportSlos(
    policy.spec,
    input.sloWindows,
    input.sloPeriod,
    (row, identity) => row.dims.subject === "identity-vault" && matchesIdentity(row.dims, identity),
  );
  const evaluations: Evaluation[] = [
    ...evaluateMonitor(
      {
        signal,
        tokenProblem: input.monitorTokenProblem,
        silentVaults: input.silentVaults,
        ingestionStop: input.ingestionStop,
      },
      incidents,
    ),
    // A channel that rejects every notice, told to the channels that still accept them.
    ...evaluateChannels(incidents),
    // Control-plane findings do not depend on the workspace: they are decided even when it failed.
    ...evaluateControlPlane(input.controlPlane, incidents),
    ...(evidence && isKnown(evidence.status["dependency-calls"] ?? "unavailable")
      ? evaluateNetwork(evidence.dependencyCalls, incidents, now, policy)
      : []),
  ];
  const kv = signal.status === "failed" ? { evaluations: [], seriesObserved: 0 } : evaluateVaults(input, signal.rows);
  evaluations.push(...kv.evaluations);

  const calls = evidence?.dependencyCalls ?? [];
  const grouping = {
    now,
    policy: policy.notify,
    keysOf: (i: Incident) => groupKeysOf(i, policy.notify.group, policy.spec, calls),
    describe: (i: Incident, muted: boolean) => memberOf(i, muted, policy.spec, policy.criticalIdentities, calls),
  };
  const current = new Map(incidents.map((i) => [i.id, i]));
  const changed = new Set<string>();
  // Before an incident closed by hand can fire again as a new episode, its group's thread moves on.
  for (const settled of settleThreads(incidents, {
    ...grouping,
    mutes: new Map(incidents.map((i) => [i.id, i.mutedBy])),
  }))
    if (settled !== current.get(settled.id)) {
      current.set(settled.id, settled);
      changed.add(settled.id);
    }
  for (const ev of evaluations) {
    const id = incidentIdOf(ev);
    const canResolve = RULES.includes(ev.rule as RequestRuleId) ? signal.status === "complete" : true;
    const t = transition(current.get(id), ev, now, canResolve, policy.lifecycle);
    if (t.changed && t.next) {
      current.set(id, t.next);
      changed.add(id);
    }
  }

  const all = [...current.values()];
  const silenced = new Map(all.map((i) => [i.id, silenceFor(i, input.silences ?? [], now, policy.spec, calls)]));
  // A silenced incident does not inhibit others: see inhibitionFor.
  const sources = all.filter((i) => isActive(i) && !silenced.get(i.id));
  const mutes = new Map(all.map((i) => [i.id, muteOf(i, silenced.get(i.id), sources, policy, calls)]));
  const planned = planGroups(all, { ...grouping, mutes });
  for (const incident of planned) {
    if (incident !== current.get(incident.id)) {
      current.set(incident.id, incident);
      changed.add(incident.id);
    }
  }
  return {
    changed: [...changed].map((id) => current.get(id) as Incident),
    evaluations,
    seriesObserved: kv.seriesObserved,
    slos,
  };
}

/** A silence first (people chose it), then inhibition by another incident. */
function muteOf(
  incident: Incident,
  silence: Silence | undefined,
  sources: readonly Incident[],
  policy: Policy,
  calls: readonly AppCall[],
): string | undefined {
  if (silence)
    return `silenced by ${silence.id} until ${silence.endsAt.toISOString()} (${silence.createdBy}: ${silence.comment})`;
  return inhibitionFor(incident, sources, policy.spec, INHIBIT_RULES, calls);
}

export function incidentIdOf(ev: Evaluation): string {
  return ev.fingerprint;
}

/** The Key Vault request rules over every caller-and-vault series. */
function evaluateVaults(
  { now, incidents, policy, sloWindows, sloPeriod, baselines, evidence }: TickInput,
  rows: readonly KvRequestBin[],
): { evaluations: Evaluation[]; seriesObserved: number } {
  const series = groupSeries(rows);
  const judge = baselines ? judgeWith(baselines) : undefined;
  const historyOf = baselines ? historyWith(baselines) : undefined;
  // Looked up once per firing series: a fleet has thousands of series and incidents.
  const open = new Map(incidents.map((i) => [i.id, i]));
  const evaluations: Evaluation[] = [];
  const seen = new Set<string>();
  for (const s of series) {
    const slo = sloContext(s.key, policy, sloWindows, sloPeriod);
    // Access before and usual bursts: what the history says beyond the ratio (baselines/series-history.ts).
    const history = historyOf?.(s.id);
    for (const rule of RULES) {
      // Calls without a token are judged by the app their own telemetry points at (tokenless-attribution.ts).
      const context: SeriesContext = {
        slo,
        history,
        calls: evidence?.dependencyCalls,
        app: tokenlessApp(s, now, policy, evidence),
      };
      if (judge) {
        // The same window the rule counts, so the baseline judges exactly what the floor would.
        const c = countWindow(
          rule,
          s.bins,
          new Date(now.getTime() - policy.windowMinutes * MINUTE_MS),
          now,
          policy.binMinutes,
        );
        context.baseline = judge(s.id, rule, { failures: c.failures, total: c.total, at: now });
      }
      const judged = evaluate(rule, s, now, policy, context);
      evaluations.push(
        judged.kind === "firing" && evidence
          ? // A first-ever grant still propagating is held, not paged (evaluate.ts).
            holdWhilePropagating({
              ...judged,
              diagnosis: diagnoseFinding(judged, now, policy, evidence, open.get(judged.fingerprint)),
            })
          : judged,
      );
      seen.add(fingerprint(rule, s.key));
    }
  }
  // An active incident whose caller made no requests at all in the window stays open: silence is
  // not recovery (reported as such by the health check), except for calls without a token, which
  // can never succeed (see tokenless-bursts.ts).
  for (const incident of incidents) {
    if (!RULES.includes(incident.rule as RequestRuleId) || incident.subject.kind !== "caller-on-vault") continue;
    if (!isActive(incident) || seen.has(incident.id)) continue;
    // Judged like any series, with no bins: `evaluate` decides what silence means for this caller.
    const quiet = evaluate(
      incident.rule as RequestRuleId,
      { id: incident.id, key: incident.subject, bins: [] },
      now,
      policy,
    );
    evaluations.push({ ...quiet, fingerprint: incident.id });
  }
  return { evaluations, seriesObserved: series.length };
}

function matchesIdentity(
  d: { callerObjectId: string; callerAppId: string; callerResourceId: string },
  identity: string,
): boolean {
  if (d.callerObjectId === identity || d.callerAppId === identity) return true;
  const name = callerName(d).name;
  return name !== undefined && name.toLowerCase() === identity;
}

/** The identity→vault SLO covering a series, with the series' own window and period sums. */
function sloContext(
  key: SeriesKey,
  policy: Policy,
  windows: TickInput["sloWindows"],
  period: TickInput["sloPeriod"],
): SeriesContext["slo"] {
  const spec = sloFor(key, policy.spec);
  if (!spec || !windows) return undefined;
  const mine = <R extends SignalRow<"slo-windows"> | SignalRow<"slo-period">>(rows: readonly R[]) =>
    rowsFor(spec, rows, () => true).filter(
      (r) =>
        r.dims.subject === "identity-vault" &&
        r.dims.callerObjectId === key.callerObjectId &&
        r.dims.vaultResourceId === key.vaultResourceId,
    );
  const w = mine(windows);
  if (w.length === 0) return undefined;
  return {
    spec: { name: spec.name, objective: spec.objective, periodDays: spec.period },
    windows: windowCountsOf(w),
    period: period ? periodCountsOf(mine(period), spec.period) : undefined,
  };
}
