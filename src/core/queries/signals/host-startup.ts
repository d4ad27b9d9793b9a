import type { Leg } from "./leg.js";
import { project } from "./leg.js";

const AUTH_HINTS =
  '("401", "403", "Unauthorized", "Forbidden", "AuthorizationPermissionMismatch", "AuthenticationFailed", "ManagedIdentityCredential", "CredentialUnavailable", "AuthorizationFailure")';

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
      `| extend AuthRelated = Message has_any ${AUTH_HINTS} or ExceptionMessage has_any ${AUTH_HINTS}`,
      `| summarize Events = count(), Sample = take_any(substring(strcat(Message, " ", ExceptionMessage), 0, 400)) by BinStart = bin(TimeGenerated, ${binMinutes}), AppName, FunctionName, AuthRelated`,
      project(
        "host-startup",
        { appName: "AppName", functionName: "FunctionName", authRelated: "AuthRelated" },
        { events: "Events" },
        { sample: "Sample" },
      ),
    ].join("\n"),
  };
}
