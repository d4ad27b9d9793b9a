import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { checkHealth } from "../../app/check-health.js";
import type { Runtime } from "../../app/runtime.js";
import { SettingsError } from "../../config/settings.js";
import { NO_STORE } from "../http/headers.js";

/** Builds the health handler around a runtime source. Any failure answers 503 with the reason, never 500. */
export function createHealthHandler(getRuntime: () => Runtime) {
  return async function health(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    if (request.method !== "GET") {
      return {
        status: 405,
        headers: { ...NO_STORE, allow: "GET" },
        jsonBody: { error: `method ${request.method} is not allowed; use GET` },
      };
    }
    let rt: Runtime;
    try {
      rt = getRuntime();
    } catch (error) {
      const reasons = error instanceof SettingsError ? error.problems : [String(error)];
      context.error(`health: settings are invalid: ${reasons.join("; ")}`);
      return { status: 503, headers: NO_STORE, jsonBody: { status: "misconfigured", reasons } };
    }
    try {
      // ?live=false answers from the last tick alone, without querying the workspace.
      const report = await checkHealth(rt, { live: request.query.get("live") !== "false" });
      return { status: report.httpStatus, headers: NO_STORE, jsonBody: report };
    } catch (error) {
      const reason = `the state store could not be read: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
      context.error(`health: ${reason}`);
      return {
        status: 503,
        headers: NO_STORE,
        jsonBody: { status: "degraded", checkedAt: rt.clock().toISOString(), reasons: [reason] },
      };
    }
  };
}
