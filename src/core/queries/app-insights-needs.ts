import type { SignalName } from "../signals/signal-set.js";

/** The workspace-based Application Insights tables an app signal reads, and what fills them. */
export interface AppInsightsNeed {
  /** Any one of them is enough for the signal to be read. */
  tables: readonly string[];
  /** What to turn on when none of them has data: said in the signal's `unavailable` reason. */
  fix: string;
}

/**
 * What fills each table, from the Functions monitoring docs (azure-functions/functions-monitoring.md,
 * configure-monitoring.md, analyze-telemetry-data.md): the host itself writes requests, traces and
 * exceptions once APPLICATIONINSIGHTS_CONNECTION_STRING is set; dependency calls it collects only
 * for .NET in-process apps. Node.js, Python and isolated .NET apps report them only through the
 * Application Insights SDK or the Azure Monitor OpenTelemetry distro. The tables land in a Log
 * Analytics workspace only for a workspace-based Application Insights resource.
 */
const WORKSPACE_BASED =
  "the app's Application Insights resource must be workspace-based on this workspace, and the app must have APPLICATIONINSIGHTS_CONNECTION_STRING";

export const APP_INSIGHTS_NEEDS: Partial<Record<SignalName, AppInsightsNeed>> = {
  "dependency-calls": {
    tables: ["AppDependencies"],
    fix: `${WORKSPACE_BASED}; the Functions host records dependency calls by itself only for .NET in-process apps, so Node.js, Python and isolated .NET apps need the Application Insights SDK or the Azure Monitor OpenTelemetry distro with HTTP instrumentation`,
  },
  "credential-traces": {
    tables: ["AppTraces", "AppExceptions"],
    fix: `${WORKSPACE_BASED} (the host sends what functions log and throw; the Azure SDK's own warnings need its log level at warning or lower)`,
  },
  invocations: {
    tables: ["AppRequests"],
    fix: `${WORKSPACE_BASED} (the Functions host reports each invocation as a request)`,
  },
};
