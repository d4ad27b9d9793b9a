import { assessHealth, type HealthReport, type LiveCheck } from "../core/health.js";
import { decideTick } from "../core/tick.js";
import { kvOutcome } from "../core/signals/kv-bins.js";
import type { Incident } from "../core/model/index.js";
import type { Runtime } from "./runtime.js";

/**
 * Health checks run their query within this budget: uptime probes usually give up after 30 s, and
 * an answer that says "the live check timed out" beats no answer.
 */
export const LIVE_BUDGET_MS = 20_000;

/** A live result is reused for this long, so a probe polling every few seconds costs one query a minute. */
const LIVE_CACHE_MS = 60_000;
const cache = new WeakMap<Runtime, { at: number; check: Promise<LiveCheck> }>();

export interface HealthOptions {
  /** Query the workspace now and judge each target, besides reading the last tick's record. */
  live?: boolean;
  budgetMs?: number;
}

/** Reads the heartbeat and active incidents, optionally checks every target now, and judges health. */
export async function checkHealth(rt: Runtime, o: HealthOptions = {}): Promise<HealthReport> {
  const now = rt.clock();
  const [heartbeat, active] = await Promise.all([rt.store.loadHeartbeat(), rt.store.loadActive(now)]);
  const incidents = active.incidents.map((s) => s.value);
  const live = o.live ? await cachedLiveCheck(rt, now, incidents, o.budgetMs ?? LIVE_BUDGET_MS) : undefined;
  return assessHealth({ now, heartbeat, incidents, staleAfterMinutes: rt.healthStaleAfterMinutes, live });
}

function cachedLiveCheck(rt: Runtime, now: Date, incidents: readonly Incident[], budgetMs: number): Promise<LiveCheck> {
  const hit = cache.get(rt);
  if (hit && Date.now() - hit.at < LIVE_CACHE_MS) return hit.check;
  const check = liveCheck(rt, now, incidents, budgetMs);
  cache.set(rt, { at: Date.now(), check });
  return check;
}

/**
 * The same query and rules as a tick, judged purely: nothing is written and nothing is sent, so a
 * health probe can never open, resolve or notify anything.
 */
async function liveCheck(rt: Runtime, now: Date, incidents: readonly Incident[], budgetMs: number): Promise<LiveCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), budgetMs)));
  try {
    const set = await Promise.race([rt.signals.fetch(now, { historyHours: 0 }), timedOut]);
    if (set === "timeout") return { status: "timed-out", budgetMs };
    const signal = kvOutcome(set);
    if (signal.status === "failed") return { status: "failed", problem: signal.problem };
    const decision = decideTick({ now, signal, incidents, policy: rt.policy, baselines: rt.baselines.judge });
    return { status: "ran", at: now, partial: signal.status === "partial", evaluations: decision.evaluations };
  } catch (error) {
    return { status: "failed", problem: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
