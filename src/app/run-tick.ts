import type { PendingNotification, SignalOutcome } from "../core/model/index.js";
import type { Logger } from "../core/ports/ports.js";
import type { SignalName, SignalStatus } from "../core/signals/signal-set.js";
import { heartbeatOf } from "./tick/heartbeat.js";
import { deliverOutbox, tickClock, type DeliveryOutcome } from "./delivery/deliver.js";
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
  /** Incidents another run changed between our read and our write; re-evaluated next tick. */
  conflicts: number;
  unreadable: string[];
  delivered: PendingNotification[];
  failed: DeliveryOutcome[];
  undelivered: number;
}

/**
 * One monitoring tick: load → observe (reads only) → decide (pure) → commit (every write) →
 * deliver → heartbeat. Decisions are written with their notices before any is sent, and a notice
 * leaves the outbox only once its channel accepted it.
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
  const delivery = await deliverOutbox(
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
  const heartbeat = heartbeatOf(now, seen, plan, delivery.incidents);
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
    undelivered: heartbeat.undelivered,
  };
}
