import type { Heartbeat, Incident, SloHealth } from "../../core/model/index.js";
import type { Stored } from "../../core/ports/ports.js";
import type { SloReport } from "../../core/slo-report.js";
import { controlPlaneHealth } from "../control-plane/tick.js";
import type { TickPlan } from "./decide.js";
import type { Observation } from "./observe.js";

/** What the tick records for `/api/health`: its outcome, after delivery. */
export function heartbeatOf(
  now: Date,
  seen: Observation,
  plan: TickPlan,
  incidents: readonly Stored<Incident>[],
): Heartbeat {
  const { set } = seen;
  return {
    tickAt: now,
    signalStatus: plan.signal.status,
    problem: plan.signal.status === "complete" ? undefined : plan.signal.problem,
    seriesObserved: plan.decision.seriesObserved,
    openIncidents: incidents.filter((s) => s.value.state === "firing").length,
    undelivered: incidents.reduce((n, s) => n + s.value.outbox.length, 0),
    signals: Object.fromEntries(
      Object.entries(set.signals).map(([name, s]) => [
        name,
        { status: s.status, problem: s.problem, ...(s.failure ? { reason: s.failure.reason } : {}) },
      ]),
    ),
    slos: plan.decision.slos.map(sloHealth),
    requests: set.requests,
    controlPlane: seen.controlPlane ? controlPlaneHealth(seen.controlPlane) : undefined,
    memo: set.memo,
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
