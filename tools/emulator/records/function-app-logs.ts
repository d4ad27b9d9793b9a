import { LOCATION_DISPLAY, RESOURCE_GROUP, SUBSCRIPTION_ID, WORKSPACE_ID } from "./environment.js";
import { guidOf, hexOf, intOf } from "./hash.js";
import type { RawRecord } from "./raw-record.js";

/**
 * FunctionAppLogs records: what the Functions host writes through its Azure Monitor logger
 * (Azure/azure-functions-host src/WebJobs.Script.WebHost/Diagnostics/AzureMonitorDiagnosticLogger.cs).
 * The host fills `functionName` only from the log state or a function's scope, `level` and
 * `levelId` from the .NET LogLevel (2 Information, 3 Warning, 4 Error), `eventId`/`eventName`
 * only when the event has one, and `exceptionType`/`exceptionMessage` from the innermost
 * exception, `exceptionDetails` from the whole chain (ExceptionExtensions.GetExceptionDetails).
 * Columns: azure-reference-other functionapplogs-include.md.
 */

const HOST_VERSION = "4.1037.1.23568";
const LEVEL_IDS = { Information: 2, Warning: 3, Error: 4 } as const;

/** The ARM ID of a function app (lower case, as `_ResourceId` holds it). */
export function functionAppResourceId(appName: string): string {
  return `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/${RESOURCE_GROUP}/providers/microsoft.web/sites/${appName.toLowerCase()}`;
}

export function functionAppLog(l: {
  at: Date;
  appName: string;
  functionName?: string;
  level: "Information" | "Warning" | "Error";
  message: string;
  category?: string;
  exceptionType?: string;
  exceptionMessage?: string;
  hostInstanceId?: string;
  /** The whole exception as .NET prints it; built from type and message when absent. */
  exceptionDetails?: string;
}): RawRecord {
  const hostInstanceId = l.hostInstanceId ?? guidOf("host-instance", l.appName);
  return {
    TenantId: WORKSPACE_ID,
    TimeGenerated: l.at.toISOString(),
    AppName: l.appName,
    ...(l.functionName
      ? {
          FunctionName: l.functionName,
          FunctionInvocationId: guidOf("invocation", l.appName, l.functionName, l.at.getTime()),
        }
      : {}),
    // User code logs under "Function.<name>.User", the host under "Host.*" (Functions logging categories).
    Category: l.category ?? (l.functionName ? `Function.${l.functionName}.User` : "Host.General"),
    Level: l.level,
    LevelId: LEVEL_IDS[l.level],
    Message: l.message,
    ...(l.exceptionType || l.exceptionMessage
      ? {
          ExceptionType: l.exceptionType ?? "System.Exception",
          ExceptionMessage: l.exceptionMessage ?? "",
          ExceptionDetails:
            l.exceptionDetails ?? `${l.exceptionType ?? "System.Exception"} : ${l.exceptionMessage ?? ""}`,
        }
      : {}),
    HostInstanceId: hostInstanceId,
    HostVersion: HOST_VERSION,
    ActivityId: guidOf("activity", l.appName, l.at.getTime()),
    Location: LOCATION_DISPLAY,
    ProcessId: intOf(20, 400, "process", hostInstanceId),
    RoleInstance: hexOf(64, "role-instance", l.appName),
    _ResourceId: functionAppResourceId(l.appName),
    _SubscriptionId: SUBSCRIPTION_ID,
    SourceSystem: "Azure",
    Type: "FunctionAppLogs",
  };
}

/**
 * A trigger listener that could not start. The host wraps the cause in FunctionListenerException,
 * "The listener for function '{ShortName}' was unable to start." (Azure/azure-webjobs-sdk
 * src/Microsoft.Azure.WebJobs.Host/Listeners/FunctionListenerException.cs; ShortName is
 * "Functions.<name>" in the Functions host), and logs it as an Error under "Host.Startup"
 * (FunctionListener.cs: `loggerFactory.CreateLogger(LogCategories.Startup)`, `LogError(0, this, Message)`).
 * The cause lands in ExceptionType/ExceptionMessage (the innermost exception). No function scope
 * is active at startup and the state carries no function name, so FunctionName stays empty: the
 * function is named only inside Message.
 *
 * `innerException` is the cause's message, optionally prefixed with its type ("Azure.RequestFailedException: …").
 */
export function listenerFailure(at: Date, appName: string, functionName: string, innerException: string): RawRecord {
  const shortName = functionName.startsWith("Functions.") ? functionName : `Functions.${functionName}`;
  const typed = /^([A-Za-z_][\w.]*(?:Exception|Error)): ([\s\S]*)$/.exec(innerException);
  const innerType = typed?.[1] ?? "Azure.RequestFailedException";
  const innerMessage = typed?.[2] ?? innerException;
  const message = `The listener for function '${shortName}' was unable to start.`;
  return functionAppLog({
    at,
    appName,
    level: "Error",
    category: "Host.Startup",
    message,
    exceptionType: innerType,
    exceptionMessage: innerMessage,
    exceptionDetails: `Microsoft.Azure.WebJobs.Host.Listeners.FunctionListenerException : ${message} ---> ${innerType} : ${innerMessage}`,
  });
}
