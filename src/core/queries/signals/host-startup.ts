import type { Leg } from "./leg.js";
import { project } from "./leg.js";

// Status codes and error codes of refused auth (Storage's AuthorizationPermissionMismatch and
// AuthorizationFailure, Service Bus's "claim(s) are required") and Azure.Identity's exception names.
const AUTH_HINTS =
  '("401", "403", "Unauthorized", "Forbidden", "AuthorizationPermissionMismatch", "AuthenticationFailed", "ManagedIdentityCredential", "CredentialUnavailable", "AuthenticationFailedException", "AuthorizationFailure", "AADSTS", "AKV10022")';

/** Trigger listeners that could not start (FunctionAppLogs), flagged when the text hints at auth. */
export function hostStartupLeg(binMinutes: string): Leg {
  return {
    signal: "host-startup",
    table: "FunctionAppLogs",
    source: [
      "FunctionAppLogs",
      "| where TimeGenerated >= windowStart and TimeGenerated < windowEnd",
      // The host logs "The listener for function 'Functions.X' was unable to start."
      '| where Message has "listener" and Message has_any ("unable to start", "failed to start")',
    ].join("\n"),
    aggregate: [
      // The host logs this under Host.Startup with no function scope: FunctionName is empty and the
      // function is named only in the message (azure-webjobs-sdk FunctionListenerException.cs).
      `| extend FunctionName = coalesce(FunctionName, extract("listener for function '([^']+)'", 1, Message))`,
      // The message is generic; the cause is in the exception the host wrapped. ExceptionMessage
      // holds only the innermost one, which for an identity failure is often the network error
      // Azure.Identity wrapped (connection refused to the identity endpoint); ExceptionDetails holds
      // the whole chain, its first line "Outer : msg ---> Inner : msg ---> Innermost : msg" as .NET
      // prints it (azure-functions-host ExceptionExtensions.GetExceptionDetails).
      '| extend Chain = extract("---> ([^\\r\\n]+)", 1, ExceptionDetails)',
      '| extend Cause = iff(isnotempty(Chain), Chain, iff(isnotempty(ExceptionMessage), strcat(ExceptionType, ": ", ExceptionMessage), Message))',
      `| extend AuthRelated = Message has_any ${AUTH_HINTS} or ExceptionMessage has_any ${AUTH_HINTS} or ExceptionDetails has_any ${AUTH_HINTS}`,
      `| summarize Events = count(), Sample = take_any(substring(Cause, 0, 400)) by BinStart = bin(TimeGenerated, ${binMinutes}), AppName, FunctionName, AuthRelated`,
      project(
        "host-startup",
        { appName: "AppName", functionName: "FunctionName", authRelated: "AuthRelated" },
        { events: "Events" },
        { sample: "Sample" },
      ),
    ].join("\n"),
  };
}
