import { isKnown, type SignalSet } from "./signal-set.js";

/**
 * Apps whose Application Insights telemetry is half there: the Functions host reports their
 * invocations (AppRequests) but no outgoing call of theirs reaches AppDependencies. The host
 * collects dependency calls by itself only for .NET in-process apps (azure-functions
 * functions-monitoring.md); Node.js, Python and isolated .NET apps report them only through the
 * Application Insights SDK or the Azure Monitor OpenTelemetry distro. Such an app's Key Vault
 * calls are invisible to the dependency signal and its SLOs, which would read as quiet, not as
 * blind. Pure; said per app, for `/api/health`'s coverage gaps.
 *
 * Judged only when both signals answered (known), from apps that ran in the window: an app that
 * did not run says nothing about its dependency tracking.
 */
export function appTelemetryGaps(set: SignalSet): string[] {
  const invocations = set.signals.invocations;
  const dependencies = set.signals["dependency-calls"];
  if (!isKnown(invocations.status) || !isKnown(dependencies.status)) return [];
  const calling = new Set(dependencies.rows.map((r) => r.dims.appRoleName));
  const running = new Set(invocations.rows.filter((r) => r.counts.windowTotal > 0).map((r) => r.dims.appRoleName));
  return [...running]
    .filter((app) => app !== "" && !calling.has(app))
    .sort()
    .map(
      (app) =>
        `${app}: its invocations reach AppRequests but none of its outgoing calls reach AppDependencies; ` +
        "unless it calls nothing, dependency tracking is off: the Functions host records dependency calls by itself only " +
        "for .NET in-process apps, so a Node.js, Python or isolated .NET app needs the Application Insights SDK or the " +
        "Azure Monitor OpenTelemetry distro",
    );
}
