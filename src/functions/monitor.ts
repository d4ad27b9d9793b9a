import { app } from "@azure/functions";
import { runtimeFromEnv } from "../composition.js";
import { createMonitorHandler } from "./handlers/monitor.js";

export const monitorTimer = createMonitorHandler(runtimeFromEnv);

app.timer("monitor", {
  // Resolved by the host from the MONITOR_SCHEDULE app setting (six-field NCRONTAB, UTC).
  schedule: "%MONITOR_SCHEDULE%",
  // A restart or scale-out must not trigger an extra tick; the schedule alone drives ticks.
  runOnStartup: false,
  useMonitor: true,
  handler: monitorTimer,
});
