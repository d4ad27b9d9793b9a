import { RESOURCE_GROUP, SUBSCRIPTION_ID, WORKSPACE_ID } from "./environment.js";
import { guidOf, hexOf, intOf } from "./hash.js";
import type { RawRecord } from "./raw-record.js";

/**
 * Workspace-based Application Insights records (AppDependencies, AppTraces, AppRequests,
 * AppExceptions) of a Functions app. Columns from the table references
 * (azure-reference-other app*-include.md); ids in the W3C trace-context form Application
 * Insights uses (OperationId 32 hex digits, Id and ParentId 16); the columns every server-side
 * item carries (ClientType "PC", ClientIP "0.0.0.0", the geography of the ingestion point).
 * Each app is its own Application Insights component here, `appi-<role>`, in the apps' group.
 */

const SDK_VERSION = "azurefunctions: 4.1037.1.23568";

/** The Application Insights component an app role reports to: its ARM ID (lower case, as `_ResourceId` holds it), app ID and key. */
export function componentOf(appRoleName: string): { resourceId: string; appId: string; iKey: string; name: string } {
  const name = `appi-${appRoleName.toLowerCase()}`;
  return {
    name,
    resourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/${RESOURCE_GROUP}/providers/microsoft.insights/components/${name}`,
    appId: guidOf("appinsights-app-id", name),
    iKey: guidOf("appinsights-ikey", name),
  };
}

interface Envelope {
  at: Date;
  appRoleName: string;
  itemCount?: number;
  operationId?: string;
  operationName?: string;
  table: "AppDependencies" | "AppTraces" | "AppRequests" | "AppExceptions";
}

function envelope(e: Envelope): Record<string, unknown> {
  const component = componentOf(e.appRoleName);
  const operationId = e.operationId ?? hexOf(32, "operation", e.appRoleName, e.at.getTime(), e.operationName ?? "");
  return {
    TenantId: WORKSPACE_ID,
    TimeGenerated: e.at.toISOString(),
    AppRoleName: e.appRoleName,
    AppRoleInstance: hexOf(64, "role-instance", e.appRoleName),
    ClientType: "PC",
    ClientIP: "0.0.0.0",
    ClientCity: "Amsterdam",
    ClientStateOrProvince: "North Holland",
    ClientCountryOrRegion: "Netherlands",
    IKey: component.iKey,
    ItemCount: e.itemCount ?? 1,
    OperationId: operationId,
    ParentId: hexOf(16, "request", operationId),
    ...(e.operationName ? { OperationName: e.operationName } : {}),
    ResourceGUID: component.appId,
    SDKVersion: SDK_VERSION,
    SourceSystem: "Azure",
    Type: e.table,
    _ResourceId: component.resourceId,
    _SubscriptionId: SUBSCRIPTION_ID,
  };
}

/** An outgoing call an app made, as Application Insights tracked it. */
export function appDependency(d: {
  at: Date;
  appRoleName: string;
  target: string;
  dependencyType: string;
  resultCode: string;
  success: boolean;
  data?: string;
  name?: string;
  durationMs?: number;
  itemCount?: number;
  operationId?: string;
}): RawRecord {
  const e = envelope({ ...d, table: "AppDependencies" });
  const path = d.data ? /^https?:\/\/[^/]+(\/[^?]*)/.exec(d.data)?.[1] : undefined;
  return {
    ...e,
    Id: hexOf(16, "dependency", String(e.OperationId), d.target, d.at.getTime()),
    Target: d.target,
    DependencyType: d.dependencyType,
    // HTTP dependencies are named "<method> <path>" (the Application Insights HTTP dependency name).
    Name: d.name ?? (path ? `GET ${path}` : d.target),
    ...(d.data !== undefined ? { Data: d.data } : {}),
    Success: d.success,
    ResultCode: d.resultCode,
    DurationMs: d.durationMs ?? intOf(3, 120, "dependency-duration", d.appRoleName, d.target, d.at.getTime()),
  };
}

/**
 * The client-side view of the Key Vault SDK's challenge: the token-less first request answered
 * 401. Application Insights records it as an HTTP dependency with ResultCode "401" and Success
 * false (it counts any status of 400 or more as failed), so it shows among failed dependencies
 * although the SDK retries with a token at once and the app sees no error
 * (Azure/azure-sdk-for-js#31279; Azure/azure-sdk-for-net#38039: "The 401 exceptions only appear
 * on the Dependencies tab in the Failure blade", "A single 401 on initial request is expected").
 * Alone, as here, it is a challenge nothing followed: the app got no token. keyVaultChallengeExchange
 * is the usual case.
 */
export function keyVaultChallengeDependency(
  at: Date,
  appRoleName: string,
  vaultHost: string,
  operationId?: string,
): RawRecord {
  return appDependency({
    at,
    appRoleName,
    target: vaultHost,
    dependencyType: "HTTP",
    resultCode: "401",
    success: false,
    data: `https://${vaultHost}/secrets/app-secret/?api-version=7.5`,
    durationMs: intOf(8, 60, "challenge-duration", appRoleName, vaultHost, at.getTime()),
    operationId: operationId ?? challengeOperation(at, appRoleName, vaultHost),
  });
}

/** The operation (W3C trace ID) a challenge and its retry share: the invocation that made the call. */
const challengeOperation = (at: Date, appRoleName: string, vaultHost: string) =>
  hexOf(32, "challenge-operation", appRoleName, vaultHost, at.getTime());

/**
 * The whole challenge as the app's telemetry holds it: the token-less request answered 401, then,
 * as soon as the client has its token, the same request again, answered `retryCode` (200 when the
 * identity may read the secret), in the same operation (azure-sdk-for-js keyvault-common
 * challengeBasedAuthenticationPolicy: authorizeRequestOnChallenge resends the request).
 */
export function keyVaultChallengeExchange(
  at: Date,
  appRoleName: string,
  vaultHost: string,
  retryCode = "200",
): RawRecord[] {
  const operationId = challengeOperation(at, appRoleName, vaultHost);
  const challenge = keyVaultChallengeDependency(at, appRoleName, vaultHost, operationId);
  // The retry starts once the challenge has been answered and a token fetched (tens of milliseconds).
  const retryAt = new Date(
    at.getTime() + Number(challenge.DurationMs) + intOf(20, 400, "token-fetch", appRoleName, at.getTime()),
  );
  const retry = appDependency({
    at: retryAt,
    appRoleName,
    target: vaultHost,
    dependencyType: "HTTP",
    resultCode: retryCode,
    success: Number(retryCode) < 400,
    data: `https://${vaultHost}/secrets/app-secret/?api-version=7.5`,
    operationId,
  });
  return [challenge, retry];
}

/** A log line an app wrote (ILogger / context.log), SeverityLevel 0 Verbose … 4 Critical. */
export function appTrace(t: {
  at: Date;
  appRoleName: string;
  message: string;
  severityLevel: number;
  itemCount?: number;
}): RawRecord {
  const levels = ["Trace", "Information", "Warning", "Error", "Critical"];
  return {
    ...envelope({ ...t, table: "AppTraces" }),
    Message: t.message,
    SeverityLevel: t.severityLevel,
    Properties: { LogLevel: levels[t.severityLevel] ?? "Information", Category: `Function.${t.appRoleName}.User` },
  };
}

/** A function invocation, as the Functions host reports it: a request named after the function. */
export function appRequest(r: {
  at: Date;
  appRoleName: string;
  name: string;
  success: boolean;
  resultCode: string;
  durationMs?: number;
  itemCount?: number;
}): RawRecord {
  const e = envelope({ ...r, operationName: r.name, table: "AppRequests" });
  return {
    ...e,
    // A triggered invocation is the root of its operation: its own ID is what its dependencies
    // and traces name as ParentId, and its parent is the operation itself.
    Id: e.ParentId,
    ParentId: e.OperationId,
    Name: r.name,
    Success: r.success,
    ResultCode: r.resultCode,
    DurationMs: r.durationMs ?? intOf(20, 2_000, "request-duration", r.appRoleName, r.name, r.at.getTime()),
    Properties: {
      FullName: `Functions.${r.name}`,
      InvocationId: guidOf("invocation", r.appRoleName, r.name, r.at.getTime()),
      LogLevel: "Information",
      Category: `Function.${r.name}`,
    },
  };
}

/** Where the Functions host catches what a function threw (the method of ProblemId). */
const FUNCTION_EXECUTOR =
  "Microsoft.Azure.WebJobs.Host.Executors.FunctionExecutor+<ExecuteWithLoggingAsync>d__26.MoveNext";

/**
 * An exception thrown by function code, as the Functions host reports it: an exception item
 * (not a trace) with ProblemId "<type> at <method>", severity 3 (Error), the outer and innermost
 * exception, and the function as OperationName (MicrosoftDocs/azure-docs
 * azure-functions/analyze-telemetry-data.md: "exceptions" holds what functions throw).
 */
export function appException(x: {
  at: Date;
  appRoleName: string;
  type: string;
  outerMessage: string;
  innermostMessage?: string;
  problemId?: string;
  itemCount?: number;
  operationName?: string;
}): RawRecord {
  const e = envelope({ ...x, table: "AppExceptions" });
  const innermost = x.innermostMessage ?? x.outerMessage;
  const details = [
    {
      id: intOf(1, 2 ** 30, "exception", x.type, x.at.getTime()),
      outerId: 0,
      type: x.type,
      message: x.outerMessage,
      parsedStack: [],
    },
    ...(x.innermostMessage
      ? [
          {
            id: intOf(1, 2 ** 30, "inner", x.type, x.at.getTime()),
            outerId: 1,
            type: x.type,
            message: innermost,
            parsedStack: [],
          },
        ]
      : []),
  ];
  return {
    ...e,
    ExceptionType: x.type,
    ProblemId: x.problemId ?? `${x.type} at ${FUNCTION_EXECUTOR}`,
    Message: x.outerMessage,
    Method: FUNCTION_EXECUTOR,
    OuterType: x.type,
    OuterMessage: x.outerMessage,
    OuterMethod: FUNCTION_EXECUTOR,
    InnermostType: x.type,
    InnermostMessage: innermost,
    InnermostMethod: FUNCTION_EXECUTOR,
    SeverityLevel: 3,
    Details: details,
    Properties: {
      LogLevel: "Error",
      Category: x.operationName ? `Function.${x.operationName}` : "Host.Results",
      ...(x.operationName
        ? { InvocationId: guidOf("invocation", x.appRoleName, x.operationName, x.at.getTime()) }
        : {}),
    },
  };
}
