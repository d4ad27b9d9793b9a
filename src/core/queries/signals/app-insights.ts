import type { Leg, WindowBound, WindowEnd } from "./leg.js";
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
    exceptions: "AppExceptions",
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
    operationId: "OperationId",
    innermostMessage: "InnermostMessage",
    outerMessage: "OuterMessage",
  },
  classic: {
    dependencies: "dependencies",
    traces: "traces",
    requests: "requests",
    exceptions: "exceptions",
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
    operationId: "operation_Id",
    innermostMessage: "innermostMessage",
    outerMessage: "outerMessage",
  },
} as const;

/**
 * Dependency calls from `from` to windowEnd, each classified: auth statuses first (an SDK may mark
 * a 403 as handled, but it is still a denial); result code 0 (or none) means no HTTP answer at
 * all: DNS, refused or reset connections (H6). ItemCount restores what sampling removed.
 *
 * The Key Vault SDK's challenge is left out, as the Key Vault legs leave out its server-side
 * record: every Key Vault client sends its first request (at start-up, and again when its token
 * nears expiry) without a token, is answered 401 with WWW-Authenticate, and sends the same request
 * again with a token at once, in the same operation. Application Insights records the first as a
 * failed 401 dependency (Azure/azure-sdk-for-js#31279, Azure/azure-sdk-for-net#38039: "A single
 * 401 on initial request is expected"). So a 401 from a Key Vault target is a challenge when the
 * same operation called the same target again later; a 401 nothing followed (the app got no
 * token, or gave up) and the last 401 of a refused retry still count (docs/adr/0016-dependency-challenge-401.md).
 */
export function dependencySource(mode: AppInsightsMode, from: WindowBound, to: WindowEnd = "windowEnd"): string {
  const c = COLUMNS[mode];
  const inWindow = `| where ${c.time} >= ${from} and ${c.time} < ${to}`;
  return [
    c.dependencies,
    inWindow,
    `| join kind=leftouter (${c.dependencies}`,
    `    ${inWindow}`,
    `    | where ${c.target} has "vault.azure.net" and isnotempty(${c.operationId})`,
    `    | summarize LastCallAt = max(${c.time}) by ${c.operationId}, ${c.target}) on ${c.operationId}, ${c.target}`,
    `| where not(tostring(${c.code}) == "401" and ${c.target} has "vault.azure.net" and LastCallAt > ${c.time})`,
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

/**
 * The terms that put a message among the credential errors, and its class, most specific first:
 * a chain-exhausted message quotes the managed-identity error inside it. Sources of the texts:
 * - invalid-audience: Entra ID's AADSTS500011 "The resource principal named … was not found in the
 *   tenant" (the token was asked for a resource, i.e. an audience, that does not exist), and Key
 *   Vault's own refusal of a token minted for another audience, 401 "AKV10022: Invalid audience"
 *   (MicrosoftDocs/azure-docs#109562).
 * - uami-not-found: the App Service / Functions identity endpoint's 400 "Unable to load the proper
 *   Managed Identity." (Azure/azure-sdk-for-net#43691) and its older "No MSI found for specified
 *   ClientId/ResourceId" (MicrosoftDocs/azure-docs#43543); IMDS's 400, which azure-identity for JS
 *   words "The requested identity hasn't been assigned to this resource." and which IMDS itself
 *   answers as "Identity not found" (azure-sdk-for-js identity TROUBLESHOOTING.md). The client ID
 *   asked for is not an identity attached to the app.
 * - mi-unavailable: azure-identity's CredentialUnavailableError texts, "ManagedIdentityCredential
 *   authentication unavailable", "No managed identity endpoint found", "ManagedIdentityCredential:
 *   Network unreachable", "No response received from the managed identity endpoint".
 * - chain-exhausted: DefaultAzureCredential's and ChainedTokenCredential's aggregate errors.
 */
const CREDENTIAL_TERMS =
  '("ManagedIdentityCredential", "DefaultAzureCredential", "ChainedTokenCredential", "CredentialUnavailableError", "AADSTS500011", "AKV10022", "audience", "managed identity", "Managed Identity", "MSI found", "Identity not found")';
const classOf = (m: string) =>
  [
    "case(",
    `    ${m} has_any ("AADSTS500011", "AKV10022", "invalid audience"), "invalid-audience",`,
    `    ${m} has_any ("Unable to load the proper Managed Identity", "No MSI found for specified ClientId", "requested identity hasn't been assigned", "Identity not found"), "uami-not-found",`,
    `    ${m} has_any ("No managed identity endpoint found", "ManagedIdentityCredential authentication unavailable", "ManagedIdentityCredential: Network unreachable", "No response received from the managed identity endpoint"), "mi-unavailable",`,
    `    ${m} has_any ("DefaultAzureCredential failed to retrieve a token", "ChainedTokenCredential authentication failed"), "chain-exhausted",`,
    '    "")',
  ].join("\n");

const credentialAggregate = (mode: AppInsightsMode, binMinutes: string, text: string) => {
  const c = COLUMNS[mode];
  return [
    `| extend ErrorClass = ${classOf(text)}`,
    '| where ErrorClass != ""',
    `| summarize Events = sum(toint(${c.itemCount})), Sample = take_any(substring(${text}, 0, 400)) by BinStart = bin(${c.time}, ${binMinutes}), AppRoleName = ${c.role}, ErrorClass`,
    project(
      "credential-traces",
      { appRoleName: "AppRoleName", errorClass: "ErrorClass" },
      { events: "Events" },
      { sample: "Sample" },
    ),
  ].join("\n");
};

/** Credential errors an app logged, per app role and class (the playbooks' H1 and H5 evidence), one sample each. */
export function credentialTracesLeg(mode: AppInsightsMode, binMinutes: string): Leg {
  const c = COLUMNS[mode];
  return {
    signal: "credential-traces",
    table: c.traces,
    source: [
      c.traces,
      `| where ${c.time} >= windowStart and ${c.time} < windowEnd`,
      `| where ${c.message} has_any ${CREDENTIAL_TERMS}`,
    ].join("\n"),
    aggregate: credentialAggregate(mode, binMinutes, c.message),
  };
}

/**
 * Credential errors an app threw, into the same signal. What function code throws reaches
 * AppExceptions (classic `exceptions`), not traces (azure-functions analyze-telemetry-data.md), so
 * an app that never logs its CredentialUnavailableError shows it only here. The cause is the
 * innermost exception: the Functions host wraps what a function threw in "Exception while
 * executing function: Functions.X", and .NET's Azure.Identity wraps the endpoint's answer; the
 * outer message stands in when there is no innermost one.
 */
export function credentialExceptionsLeg(mode: AppInsightsMode, binMinutes: string): Leg {
  const c = COLUMNS[mode];
  return {
    signal: "credential-traces",
    table: c.exceptions,
    source: [
      c.exceptions,
      `| where ${c.time} >= windowStart and ${c.time} < windowEnd`,
      `| extend Cause = iff(isnotempty(${c.innermostMessage}), ${c.innermostMessage}, ${c.outerMessage})`,
      `| where Cause has_any ${CREDENTIAL_TERMS}`,
    ].join("\n"),
    aggregate: credentialAggregate(mode, binMinutes, "Cause"),
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
