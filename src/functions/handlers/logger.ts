import type { InvocationContext } from "@azure/functions";
import type { Logger } from "../../core/ports/ports.js";

/** Routes app logs to the invocation, so they carry its ID in Application Insights. */
export function contextLogger(context: InvocationContext): Logger {
  return {
    info: (m) => context.log(m),
    warn: (m) => context.warn(m),
    error: (m) => context.error(m),
  };
}
