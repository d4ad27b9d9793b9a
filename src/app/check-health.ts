import { assessHealth, type HealthReport } from "../core/health.js";
import type { Runtime } from "./runtime.js";

/** Reads the heartbeat and active incidents and judges health now. */
export async function checkHealth(rt: Runtime): Promise<HealthReport> {
  const [heartbeat, active] = await Promise.all([rt.store.loadHeartbeat(), rt.store.loadActive(rt.clock())]);
  return assessHealth({
    now: rt.clock(),
    heartbeat,
    incidents: active.incidents.map((s) => s.value),
    staleAfterMinutes: rt.healthStaleAfterMinutes,
  });
}
