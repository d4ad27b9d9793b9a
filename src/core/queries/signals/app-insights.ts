import type { Leg, WindowBound } from "./leg.js";
import { project } from "./leg.js";

/**
 * Application Insights tables in their two shapes: workspace-based (AppDependencies, ... in the
 * Log Analytics workspace) and classic (dependencies, ... queried on the App Insights resource).
 * KQL is case-sensitive, so every column name comes from this map.
 */
export type AppInsightsMode = "workspace" | "classic";

const COLUMNS = {
  workspace: {
    dependencies: "AppDependencies",
    traces: "AppTraces",
    requests: "AppRequests",
    time: "TimeGenerated",
    role: "AppRoleName",
    target: "Target",
    type: "DependencyType",
    code: "ResultCode",
    success: "Success",
    data: "Data",
    itemCount: "ItemCount",
    message: "Message",
    name: "Name",
  },
  classic: {
    dependencies: "dependencies",
    traces: "traces",
    requests: "requests",
    time: "timestamp",
    role: "cloud_RoleName",
    target: "target",
    type: "type",
    code: "resultCode",
    success: "success",
    data: "data",
    itemCount: "itemCount",
    message: "message",
    name: "name",
  },
} as const;

/**
 * Dependency calls from `from` to windowEnd, each classified: auth statuses first (an SDK may mark
 * a 403 as handled, but it is still a denial); result code 0 (or none) means no HTTP answer at
 * all: DNS, refused or reset connections (H6). ItemCount restores what sampling removed.
 */
export function dependencySource(mode: AppInsightsMode, from: WindowBound): string {
  const c = COLUMNS[mode];
  return [
    c.dependencies,
    `| where ${c.time} >= ${from} and ${c.time} < windowEnd`,
    `| extend Code = tostring(${c.code}), Detail = tostring(${c.data}), Ok = tostring(${c.success}) =~ "true", Items = toint(${c.itemCount})`,
    '| extend Failure = case(Code == "401", "unauthorized", Code == "403", "forbidden", Code == "429", "throttled", Ok, "",',
    '    Code in ("408", "504") or Detail has_any ("timeout", "timed out"), "timeout",',
    '    Code in ("0", ""), "connection",',
    '    Code startswith "5", "server", "other")',
    `| extend TargetKind = case(${c.target} has "vault.azure.net", "keyvault", ${c.target} has_any (".blob.core.", ".queue.core.", ".table.core.", ".file.core.", ".dfs.core."), "storage", ${c.target} has "servicebus.windows.net", "servicebus", "other")`,
    `| extend AppRoleName = ${c.role}, Target = ${c.target}, DependencyType = ${c.type}, When = ${c.time}`,
  ].join("\n");
}

/** Outgoing calls per app role and target: auth failures apart from timeouts, connection failures and 5xx. */
export function dependencyCallsLeg(mode: AppInsightsMode, binMinutes: string): Leg {
  const c = COLUMNS[mode];
  return {
    signal: "dependency-calls",
    table: c.dependencies,
    source: dependencySource(mode, "windowStart"),
    aggregate: [
      "| summarize Total = sum(Items),",
      '    Succeeded = sumif(Items, Failure == ""),',
      '    Unauthorized = sumif(Items, Failure == "unauthorized"),',
      '    Forbidden = sumif(Items, Failure == "forbidden"),',
      '    Throttled = sumif(Items, Failure == "throttled"),',
      '    Timeouts = sumif(Items, Failure == "timeout"),',
      '    ConnectionFailures = sumif(Items, Failure == "connection"),',
      '    ServerErrors = sumif(Items, Failure == "server"),',
      '    OtherFailures = sumif(Items, Failure == "other")',
      `    by BinStart = bin(When, ${binMinutes}), AppRoleName, Target, DependencyType, TargetKind`,
      project(
        "dependency-calls",
        { appRoleName: "AppRoleName", target: "Target", dependencyType: "DependencyType", targetKind: "TargetKind" },
        {
          total: "Total",
          succeeded: "Succeeded",
          unauthorized: "Unauthorized",
          forbidden: "Forbidden",
          throttled: "Throttled",
          timeouts: "Timeouts",
          connectionFailures: "ConnectionFailures",
          serverErrors: "ServerErrors",
          otherFailures: "OtherFailures",
        },
      ),
    ].join("\n"),
  };
}

/** Credential errors per app role and class (the playbooks' H1 and H5 evidence), one sample each. */
export function credentialTracesLeg(mode: AppInsightsMode, binMinutes: string): Leg {
  const c = COLUMNS[mode];
  const m = c.message;
  return {
    signal: "credential-traces",
    table: c.traces,
    source: [
      c.traces,
      `| where ${c.time} >= windowStart and ${c.time} < windowEnd`,
      `| where ${m} has_any ("ManagedIdentityCredential", "DefaultAzureCredential", "ChainedTokenCredential", "AADSTS500011", "audience", "managed identity", "Managed Identity")`,
    ].join("\n"),
    aggregate: [
      // Most specific first: a chain-exhausted message often quotes the managed-identity error inside it.
      "| extend ErrorClass = case(",
      `    ${m} has_any ("AADSTS500011", "invalid audience", "audience is invalid"), "invalid-audience",`,
      `    ${m} has_any ("User-assigned identity not found", "Unable to load the proper Managed Identity"), "uami-not-found",`,
      `    ${m} has_any ("No managed identity endpoint found", "ManagedIdentityCredential authentication unavailable", "ManagedIdentityCredential: Network unreachable"), "mi-unavailable",`,
      `    ${m} has_any ("DefaultAzureCredential failed to retrieve a token", "ChainedTokenCredential authentication failed"), "chain-exhausted",`,
      '    "")',
      '| where ErrorClass != ""',
      `| summarize Events = sum(toint(${c.itemCount})), Sample = take_any(substring(${m}, 0, 400)) by BinStart = bin(${c.time}, ${binMinutes}), AppRoleName = ${c.role}, ErrorClass`,
      project(
        "credential-traces",
        { appRoleName: "AppRoleName", errorClass: "ErrorClass" },
        { events: "Events" },
        { sample: "Sample" },
      ),
    ].join("\n"),
  };
}

/**
 * Invocations per function in the window, with a prior period for contrast, so "it normally runs
 * and has stopped" can be seen: the prior period counts the window-sized bins that had any run.
 */
export function invocationsLeg(mode: AppInsightsMode, windowMinutes: string, priorBins: number): Leg {
  const c = COLUMNS[mode];
  return {
    signal: "invocations",
    table: c.requests,
    source: [c.requests, `| where ${c.time} >= priorStart and ${c.time} < windowEnd`].join("\n"),
    aggregate: [
      `| extend InWindow = ${c.time} >= windowStart, Ok = tostring(${c.success}) =~ "true", Items = toint(${c.itemCount})`,
      "| summarize WindowTotal = sumif(Items, InWindow), WindowFailed = sumif(Items, InWindow and not(Ok)),",
      "    PriorTotal = sumif(Items, not(InWindow)),",
      // dcount is exact at these cardinalities (at most a few hundred bins).
      `    PriorActiveBins = dcountif(bin(${c.time}, ${windowMinutes}), not(InWindow))`,
      `    by AppRoleName = ${c.role}, OperationName = ${c.name}`,
      project(
        "invocations",
        { appRoleName: "AppRoleName", operationName: "OperationName" },
        {
          windowTotal: "WindowTotal",
          windowFailed: "WindowFailed",
          priorTotal: "PriorTotal",
          priorActiveBins: "PriorActiveBins",
          priorBins: String(priorBins),
        },
        { binStart: "windowStart" },
      ),
    ].join("\n"),
  };
}
