import type { InvocationContext, Timer } from "@azure/functions";
import { runTick, type TickReport } from "../../app/run-tick.js";
import type { Runtime } from "../../app/runtime.js";
import { contextLogger } from "./logger.js";

/** Builds the timer handler around a runtime source, so tests can hand it a runtime of their own. */
export function createMonitorHandler(getRuntime: () => Runtime) {
  return async function monitor(timer: Timer, context: InvocationContext): Promise<void> {
    const log = contextLogger(context);
    if (timer.isPastDue)
      log.warn("the timer is past due (the host was down or busy); this tick still reads its full window");
    let rt: Runtime;
    try {
      rt = getRuntime();
    } catch (error) {
      log.error(error instanceof Error ? error.message : String(error));
      throw error;
    }
    const report = await runTick(rt, log);
    log.info(summarize(report));
  };
}

export function summarize(r: TickReport): string {
  return [
    `tick ${r.tickAt.toISOString()}: signal ${r.signal}${r.problem ? ` (${r.problem})` : ""}`,
    `${r.seriesObserved} series, ${r.firing} firing, ${r.openIncidents} open incident(s)`,
    `${r.delivered.length} notification(s) delivered, ${r.failed.length} failed, ${r.undelivered} queued`,
    r.conflicts > 0 ? `${r.conflicts} write conflict(s)` : "",
  ]
    .filter(Boolean)
    .join("; ");
}
