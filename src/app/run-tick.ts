import type { PendingNotification, SignalOutcome } from "../core/model/index.js";
import type { Logger } from "../core/ports/ports.js";
import type { SignalName, SignalStatus } from "../core/signals/signal-set.js";
import { heartbeatOf } from "./tick/heartbeat.js";
import {
  deliverOutbox,
  tickClock,
  type Delivered,
  type DeliveryOutcome,
  type IncidentFailure,
} from "./delivery/deliver.js";
import { readMonotonic } from "./delivery/options.js";
import { noticeContent } from "./delivery/notice-content.js";
import { commit } from "./tick/commit.js";
import { decide } from "./tick/decide.js";
import type { TickDeps } from "./tick/deps.js";
import { loadState } from "./tick/load.js";
import { observe } from "./tick/observe.js";

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
  /** Writes another writer beat between our read and our write; each incident was read and decided again (tick/write-incidents.ts). */
  conflicts: number;
  unreadable: string[];
  delivered: PendingNotification[];
  failed: DeliveryOutcome[];
  /** Incidents whose write or delivery threw this tick; the others went on (docs/adr/0027-outbox-table.md). */
  incidentFailures: IncidentFailure[];
  undelivered: number;
}

/**
 * One monitoring tick: load → observe (reads only) → decide (pure) → commit (every write) →
 * deliver → heartbeat. Decisions are written with their notices before any is sent, and a notice
 * leaves the outbox only once its channel accepted it. One incident that cannot be written or
 * delivered is logged and counted, and the others go on; the heartbeat is written whatever
 * happened after the state was loaded.
 */
export async function runTick(deps: TickDeps, log: Logger): Promise<TickReport> {
  const startedMs = readMonotonic(deps.delivery);
  const now = deps.clock();
  const state = await loadState(deps, now, log);
  const seen = await observe(deps, state, now, log, { history: true, controlPlane: true });
  const plan = decide(state, seen, now, deps.policy, deps.controlPlane?.config);
  if (plan.signal.status !== "complete")
    log.warn(
      `Key Vault signal is ${plan.signal.status}: ${plan.signal.problem}; incidents will not be resolved on this tick`,
    );
  const written = await commit(deps, state, plan, log);
  // Claims are dated when written: the queries above may have taken minutes.
  const clock = tickClock(deps, now, startedMs);
  let delivery: Delivered = { incidents: written.incidents, delivered: [], failed: [], incidentFailures: [] };
  try {
    delivery = await deliverOutbox(
      {
        store: deps.store,
        channels: deps.channels,
        content: noticeContent({
          windowMinutes: deps.policy.windowMinutes,
          workspaceResourceId: deps.workspaceResourceId,
        }),
        options: deps.delivery,
        clock,
      },
      written.incidents,
      now,
      log,
    );
  } catch (error) {
    // Per incident, delivery already isolates its failures; this is the step itself failing.
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    log.error(`the delivery step failed: ${message.slice(0, 300)}; the heartbeat is written all the same`);
    delivery.incidentFailures.push({ incidentId: "*", step: "deliver", message: message.slice(0, 300) });
  }
  const incidentFailures = [...written.failures, ...delivery.incidentFailures];
  const heartbeat = heartbeatOf(now, seen, plan, delivery.incidents, incidentFailures);
  await deps.store.saveHeartbeat(heartbeat);

  return {
    tickAt: now,
    signal: plan.signal.status,
    problem: heartbeat.problem,
    signals: plan.statuses,
    requests: seen.set.requests,
    seriesObserved: plan.decision.seriesObserved,
    firing: plan.decision.evaluations.filter((e) => e.kind === "firing").length,
    openIncidents: heartbeat.openIncidents,
    conflicts: written.conflicts,
    unreadable: state.unreadableIncidents,
    delivered: delivery.delivered,
    failed: delivery.failed,
    incidentFailures,
    undelivered: heartbeat.undelivered,
  };
}
