import { assessHealth, type HealthReport, type LiveCheck } from "../core/health.js";
import type { Logger } from "../core/ports/ports.js";
import type { Runtime } from "./runtime.js";
import { decide } from "./tick/decide.js";
import { loadState, type TickState } from "./tick/load.js";
import { observe } from "./tick/observe.js";
import { MINUTE_MS } from "../core/common/duration.js";

/**
 * Health checks run their query within this budget: uptime probes usually give up after 30 s, and
 * an answer that says "the live check timed out" beats no answer.
 */
export const LIVE_BUDGET_MS = 20_000;

/** A live result is reused for this long, so a probe polling every few seconds costs one query a minute. */
const LIVE_CACHE_MS = MINUTE_MS;
const cache = new WeakMap<Runtime, { at: number; check: Promise<LiveCheck> }>();

export interface HealthOptions {
  /** Query the workspace now and judge each target, besides reading the last tick's record. */
  live?: boolean;
  budgetMs?: number;
  log?: Logger;
}

const QUIET: Logger = { info() {}, warn() {}, error() {} };

/**
 * Loads what a tick loads and the last heartbeat; optionally observes the workspace now and decides
 * exactly as a tick would (learned baselines, SLO sums, silences), without writing or sending
 * anything. Whichever instance serves it, the answer depends only on the store and the workspace.
 */
export async function checkHealth(rt: Runtime, o: HealthOptions = {}): Promise<HealthReport> {
  const now = rt.clock();
  const log = o.log ?? QUIET;
  const state = await loadState(rt, now, log);
  const heartbeat = state.heartbeat;
  const live = o.live ? await cachedLiveCheck(rt, state, now, o.budgetMs ?? LIVE_BUDGET_MS, log) : undefined;
  // Health reports what is open now; the recently resolved ones the tick loads are for flap detection.
  const incidents = state.incidents.map((s) => s.value).filter((i) => i.state !== "resolved" || i.outbox.length > 0);
  return assessHealth({ now, heartbeat, incidents, staleAfterMinutes: rt.healthStaleAfterMinutes, live });
}

function cachedLiveCheck(rt: Runtime, state: TickState, now: Date, budgetMs: number, log: Logger): Promise<LiveCheck> {
  const hit = cache.get(rt);
  if (hit && Date.now() - hit.at < LIVE_CACHE_MS) return hit.check;
  const check = liveCheck(rt, state, now, budgetMs, log);
  cache.set(rt, { at: Date.now(), check });
  return check;
}

/**
 * The tick's observe and decide steps, without the history read and the ARM reads (the last
 * tick's control-plane findings stand in the incidents and the heartbeat): nothing is written and
 * nothing is sent, so a health probe can never open, resolve or notify anything.
 */
async function liveCheck(rt: Runtime, state: TickState, now: Date, budgetMs: number, log: Logger): Promise<LiveCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), budgetMs);
  });
  try {
    const seen = await Promise.race([observe(rt, state, now, log, { history: false, controlPlane: false }), timedOut]);
    if (seen === "timeout") return { status: "timed-out", budgetMs };
    const plan = decide(state, seen, now, rt.policy, undefined);
    if (plan.signal.status === "failed") return { status: "failed", problem: plan.signal.problem };
    return {
      status: "ran",
      at: now,
      partial: plan.signal.status === "partial",
      evaluations: plan.decision.evaluations,
    };
  } catch (error) {
    return { status: "failed", problem: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
