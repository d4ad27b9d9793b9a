import type { Incident, PendingNotification, SignalOutcome } from "../core/model/index.js";
import { decideTick } from "../core/tick.js";
import { kvOutcome } from "../core/signals/kv-bins.js";
import { isKnown, type SignalName, type SignalStatus } from "../core/signals/signal-set.js";
import type { SloHealth } from "../core/model/index.js";
import type { SloReport } from "../core/slo-report.js";
import { checkControlPlaneForTick, checkOf, controlPlaneHealth, factsOf } from "./control-plane/tick.js";
import type { Logger, Stored } from "../core/ports/ports.js";
import type { Runtime } from "./runtime.js";
import { deliverOutbox, tickClock, type DeliveryOutcome } from "./deliver.js";

/** What one tick did, for the invocation log and the local console. */
export interface TickReport {
  tickAt: Date;
  signal: SignalOutcome["status"];
  problem: string | undefined;
  /** Every signal's status this tick. */
  signals: Record<SignalName, SignalStatus>;
  /** Query API round trips this tick took. */
  requests: number;
  seriesObserved: number;
  firing: number;
  openIncidents: number;
  /** Incidents another run changed between our read and our write; re-evaluated next tick. */
  conflicts: number;
  unreadable: string[];
  delivered: PendingNotification[];
  failed: DeliveryOutcome[];
  undelivered: number;
}

/**
 * One monitoring tick, in order: load state → query → decide (pure) → write decisions with their
 * notifications → deliver the outbox → record the heartbeat. Decisions are written before any
 * notification is sent, and a notification leaves the outbox only after Teams accepted it.
 */
export async function runTick(rt: Runtime, log: Logger): Promise<TickReport> {
  const startedMs = performance.now();
  const now = rt.clock();
  const loaded = await rt.store.loadActive(new Date(now.getTime() - rt.policy.lifecycle.flap.windowMinutes * 60_000));
  for (const key of loaded.unreadable) log.error(`stored incident ${key} could not be read and was left untouched`);
  const silences = await rt.silences.list();
  for (const key of silences.unreadable)
    log.error(`stored silence ${key} could not be read; it mutes nothing until it is fixed or expired`);

  const historyHours = await rt.baselines.historyHours(now);
  const set = await rt.signals.fetch(now, { historyHours });
  const history = set.signals["kv-history"];
  const historyUsable = historyHours > 0 && isKnown(history.status);
  await rt.baselines.absorb(
    now,
    historyUsable ? history.rows : undefined,
    loaded.incidents.map((s) => s.value),
    log,
  );
  const cp = rt.controlPlane
    ? await checkControlPlaneForTick(
        rt.controlPlane,
        now,
        isKnown(set.signals.changes.status) ? set.signals.changes.rows : undefined,
        log,
      )
    : undefined;
  const signal = kvOutcome(set);
  if (signal.status !== "complete")
    log.warn(`Key Vault signal is ${signal.status}: ${signal.problem}; incidents will not be resolved on this tick`);

  const statuses = Object.fromEntries(Object.entries(set.signals).map(([name, s]) => [name, s.status])) as Record<
    SignalName,
    SignalStatus
  >;
  // SLO sums are trusted only when complete: a partial sum would misstate the ratio.
  const usable = (s: { status: SignalStatus }) => isKnown(s.status);
  const decision = decideTick({
    now,
    signal,
    incidents: loaded.incidents.map((s) => s.value),
    policy: rt.policy,
    sloWindows: usable(set.signals["slo-windows"]) ? set.signals["slo-windows"].rows : undefined,
    sloPeriod: usable(set.signals["slo-period"]) ? set.signals["slo-period"].rows : undefined,
    baselines: rt.baselines.judge,
    controlPlane: rt.controlPlane ? checkOf(cp, rt.controlPlane.config) : undefined,
    monitorTokenProblem: cp?.report?.monitorProblems.find((p) => p.kind === "monitor-token-failed")?.summary,
    silences: silences.silences.map((s) => s.value),
    evidence: {
      dependencyCalls: set.signals["dependency-calls"].rows,
      credentialTraces: set.signals["credential-traces"].rows,
      hostStartup: set.signals["host-startup"].rows,
      changes: set.signals.changes.rows,
      status: statuses,
      problems: Object.fromEntries(
        Object.entries(set.signals).flatMap(([n, s]) => (s.problem ? [[n, s.problem]] : [])),
      ),
      controlPlane: cp && rt.controlPlane ? factsOf(cp.report, rt.controlPlane.config) : undefined,
    },
  });

  const current = new Map<string, Stored<Incident>>(loaded.incidents.map((s) => [s.value.id, s]));
  let conflicts = 0;
  for (const next of decision.changed) {
    const result = await rt.store.save(next, current.get(next.id)?.etag);
    if (result.status === "conflict") {
      // An overlapping run wrote this incident first; its outbox carries the notification.
      conflicts++;
      current.delete(next.id);
      log.warn(`incident ${next.id} was changed by another run; it will be re-evaluated on the next tick`);
      continue;
    }
    current.set(next.id, { value: next, etag: result.etag });
  }

  // Claims are dated when written: the queries above may have taken minutes.
  const delivery = await deliverOutbox(rt, [...current.values()], now, log, rt.delivery, tickClock(rt, now, startedMs));

  const openIncidents = delivery.incidents.filter((s) => s.value.state === "firing").length;
  const undelivered = delivery.incidents.reduce((n, s) => n + s.value.outbox.length, 0);
  const problem = signal.status === "complete" ? undefined : signal.problem;
  await rt.store.saveHeartbeat({
    tickAt: now,
    signalStatus: signal.status,
    problem,
    seriesObserved: decision.seriesObserved,
    openIncidents,
    undelivered,
    signals: Object.fromEntries(
      Object.entries(set.signals).map(([name, s]) => [name, { status: s.status, problem: s.problem }]),
    ),
    slos: decision.slos.map(sloHealth),
    requests: set.requests,
    controlPlane: cp ? controlPlaneHealth(cp) : undefined,
  });

  return {
    tickAt: now,
    signal: signal.status,
    problem,
    signals: statuses,
    requests: set.requests,
    seriesObserved: decision.seriesObserved,
    firing: decision.evaluations.filter((e) => e.kind === "firing").length,
    openIncidents,
    conflicts,
    unreadable: loaded.unreadable,
    delivered: delivery.delivered,
    failed: delivery.failed,
    undelivered,
  };
}

function sloHealth(r: SloReport): SloHealth {
  const e = r.evaluation?.kind === "evaluated" ? r.evaluation : undefined;
  const fired = e?.fired;
  return {
    name: r.name,
    kind: r.kind,
    status: r.status,
    firing: fired
      ? `${fired.tier}: ${fired.longBurn.toFixed(1)}x and ${fired.shortBurn.toFixed(1)}x above ${fired.burnThreshold.toFixed(1)}x`
      : undefined,
    budgetRemaining: e?.budgetRemaining,
    hoursToExhaustion: e?.hoursToExhaustion,
  };
}
