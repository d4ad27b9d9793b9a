import type { Heartbeat, Incident, SloHealth } from "../../core/model/index.js";
import type { IngestionHealth } from "../../core/model/heartbeat.js";
import type { IngestionSeen } from "../../core/signals/ingestion.js";
import { appTelemetryGaps } from "../../core/signals/app-telemetry-gaps.js";
import type { Stored } from "../../core/ports/ports.js";
import type { SloReport } from "../../core/slo-report.js";
import { controlPlaneHealth } from "../control-plane/tick.js";
import type { TickPlan } from "./decide.js";
import type { Observation } from "./observe.js";
import type { IncidentFailure } from "../delivery/deliver.js";

/** What the tick records for `/api/health`: its outcome, after delivery. */
export function heartbeatOf(
  now: Date,
  seen: Observation,
  plan: TickPlan,
  incidents: readonly Stored<Incident>[],
  failures: readonly IncidentFailure[] = [],
): Heartbeat {
  const { set } = seen;
  const gaps = appTelemetryGaps(set);
  return {
    tickAt: now,
    signalStatus: plan.signal.status,
    // An answer with no Key Vault data because none is arriving is not a complete one.
    ...(plan.signal.status === "complete" && set.ingestion?.stop
      ? { signalStatus: "partial" as const, problem: set.ingestion.stop.problem }
      : { problem: plan.signal.status === "complete" ? undefined : plan.signal.problem }),
    seriesObserved: plan.decision.seriesObserved,
    openIncidents: incidents.filter((s) => s.value.state === "firing").length,
    undelivered: incidents.reduce((n, s) => n + s.value.outbox.length, 0),
    // Incidents this tick could not write or deliver: the first one says why.
    incidentFailures: failures.length,
    ...(failures[0]
      ? { incidentFailure: `incident ${failures[0].incidentId} (${failures[0].step}): ${failures[0].message}` }
      : {}),
    signals: Object.fromEntries(
      Object.entries(set.signals).map(([name, s]) => [
        name,
        {
          status: s.status,
          problem: s.problem,
          ...(s.failure ? { reason: s.failure.reason } : {}),
          ...(name === "dependency-calls" && gaps.length > 0 ? { gaps } : {}),
        },
      ]),
    ),
    slos: plan.decision.slos.map(sloHealth),
    requests: set.requests,
    controlPlane: seen.controlPlane ? controlPlaneHealth(seen.controlPlane) : undefined,
    memo: set.memo,
    ingestion: ingestionHealth(set.ingestion),
    silentVaults: plan.silentVaults?.map((v) => ({
      vaultResourceId: v.vaultResourceId,
      lastAt: v.lastAt,
      summary: v.summary,
      cause: v.cause ? `${v.cause.kind} ${v.cause.setting}` : undefined,
    })),
  };
}

const iso = (d: Date | undefined) => d?.toISOString() ?? null;
const minutes = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 6_000) / 10);

function ingestionHealth(seen: IngestionSeen | undefined): IngestionHealth | undefined {
  if (!seen) return undefined;
  return {
    horizon: seen.horizon.toISOString(),
    delayMinutes: minutes(seen.delayMs) ?? 0,
    tables: seen.tables.map((t) => ({
      table: t.table,
      events: t.events,
      horizon: t.horizon.toISOString(),
      delayP95Minutes: minutes(t.delayP95Ms),
      newestEvent: iso(t.newestEvent),
      newestIngested: iso(t.newestIngested),
    })),
    stopped: seen.stop?.problem ?? null,
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
