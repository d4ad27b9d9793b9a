import { describe, expect, it } from "vitest";
import { LogStore } from "../../tools/emulator/store.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import {
  azkvAuditLog,
  azureDiagnosticsAudit,
  kvChallenge,
  type KvAuditEvent,
} from "../../tools/emulator/records/key-vault.js";
import { otherDiagnostics } from "../../tools/emulator/records/other-resources.js";
import { activityRecords } from "../../tools/emulator/records/activity.js";
import {
  appDependency,
  appException,
  appTrace,
  keyVaultChallengeDependency,
  keyVaultChallengeExchange,
} from "../../tools/emulator/records/app-insights.js";
import { toClassic } from "../../tools/emulator/records/app-insights-classic.js";
import { CLASSIC_APP_INSIGHTS_TABLES } from "../../tools/emulator/schemas.js";
import { functionAppLog, listenerFailure } from "../../tools/emulator/records/function-app-logs.js";
import { emulatedSignals } from "../harness/emulated-source.js";
import { KEY, VAULT } from "../fixtures/incidents.js";

/**
 * What vaultwatch's KQL means, shown on raw records in Azure's shapes: each test feeds records an
 * emulated workspace holds and asserts the signal rows the monitor's own queries make of them. A
 * change of a query's meaning (a status code, a denial kind, a filter, a window, a bin) fails here.
 */

const NOW = new Date("2026-11-20T02:00:00Z");
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);
const CALLER = {
  vaultResourceId: VAULT,
  callerObjectId: KEY.callerObjectId,
  callerAppId: KEY.callerAppId,
  callerResourceId: KEY.callerResourceId,
};

/** A store whose records are all ingested one minute after they happen. */
function store(tables: readonly string[] = ["AzureDiagnostics"]): LogStore {
  const s = new LogStore({ delays: fixedDelays(1) });
  for (const t of tables) s.declare(t);
  return s;
}

const audit = (at: Date, status: number, more: Partial<KvAuditEvent> = {}): KvAuditEvent => ({
  at,
  ...CALLER,
  operation: "SecretGet",
  status,
  ...more,
});

function kvDiag(s: LogStore, e: KvAuditEvent, count = 1) {
  s.add("AzureDiagnostics", azureDiagnosticsAudit(e), { count });
}

async function kvRows(s: LogStore, config = {}) {
  const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [], ...config } }).fetch(
    NOW,
  );
  expect(set.signals["kv-requests"].status).toBe("ok");
  return set.signals["kv-requests"];
}

const sum = (rows: { counts: Record<string, number> }[], k: string) => rows.reduce((n, r) => n + (r.counts[k] ?? 0), 0);

describe("the Key Vault requests leg over AzureDiagnostics AuditEvent records", () => {
  it("counts successes, 401s, 429s and 5xx apart, by caller and 5-minute bin", async () => {
    const s = store();
    kvDiag(s, audit(min(-12), 200), 40);
    kvDiag(s, audit(min(-12), 401), 3);
    kvDiag(s, audit(min(-7), 429), 5);
    kvDiag(s, audit(min(-7), 500), 2);
    const kv = await kvRows(s);
    const byBin = Object.fromEntries(kv.rows.map((r) => [r.binStart.toISOString(), r.counts]));
    expect(byBin[min(-15).toISOString()]).toMatchObject({
      total: 43,
      succeeded: 40,
      unauthorized: 3,
      throttled: 0,
      other: 0,
    });
    expect(byBin[min(-10).toISOString()]).toMatchObject({ total: 7, succeeded: 0, throttled: 5, other: 2 });
    expect(kv.rows[0]!.dims).toEqual({ ...CALLER, operation: "SecretGet", source: "AzureDiagnostics" });
  });

  it("splits 403s by what denied them: RBAC, an access policy, or the firewall", async () => {
    const s = store();
    kvDiag(s, audit(min(-8), 403, { denial: "rbac" }), 4);
    kvDiag(s, audit(min(-8), 403, { denial: "policy" }), 3);
    kvDiag(s, audit(min(-8), 403, { denial: "firewall" }), 2);
    const kv = await kvRows(s);
    expect(sum(kv.rows, "forbiddenRbac")).toBe(4);
    expect(sum(kv.rows, "forbiddenPolicy")).toBe(3);
    expect(sum(kv.rows, "forbiddenFirewall")).toBe(2);
    expect(sum(kv.rows, "forbiddenOther")).toBe(0);
  });

  it("leaves out the SDK's unauthenticated challenge (401 on Authentication), which is not a failure", async () => {
    const s = store();
    kvDiag(s, audit(min(-8), 200), 10);
    s.add("AzureDiagnostics", kvChallenge(min(-8), VAULT, "AzureDiagnostics"), { count: 6 });
    const kv = await kvRows(s);
    expect(sum(kv.rows, "unauthorized")).toBe(0);
    expect(sum(kv.rows, "total")).toBe(10);
    expect(kv.coverage).toEqual({ AzureDiagnostics: 10 });
  });

  it("reads only Key Vault AuditEvent rows of the table other services share", async () => {
    const s = store();
    kvDiag(s, audit(min(-8), 200), 10);
    for (const kind of ["sql", "appgw", "servicebus"] as const)
      s.add("AzureDiagnostics", otherDiagnostics(min(-8), kind), { count: 50 });
    const kv = await kvRows(s);
    expect(sum(kv.rows, "total")).toBe(10);
    expect(kv.rows.every((r) => r.dims.vaultResourceId === VAULT)).toBe(true);
  });

  it("reads the window [now - lookback, now) and nothing not yet ingested", async () => {
    const s = store();
    kvDiag(s, audit(min(-21), 403), 7); // before the 20-minute look-back
    kvDiag(s, audit(min(-20), 200), 1); // on its first minute
    kvDiag(s, audit(min(-1), 200), 100); // ingested one minute later: at now, just in time
    // Happened in the window but still on its way: ingested five minutes from now.
    s.add("AzureDiagnostics", azureDiagnosticsAudit(audit(min(-2), 200)), { count: 1000, ingestedAt: min(5) });
    const kv = await kvRows(s);
    expect(sum(kv.rows, "total")).toBe(101);
    expect(sum(kv.rows, "succeeded")).toBe(101);
  });

  it("starts bins on 5-minute boundaries", async () => {
    const s = store();
    kvDiag(s, audit(min(-14), 200), 1);
    kvDiag(s, audit(min(-11), 200), 1);
    kvDiag(s, audit(min(-9), 200), 1);
    const kv = await kvRows(s);
    expect(kv.rows.map((r) => r.binStart.toISOString()).sort()).toEqual([
      min(-15).toISOString(),
      min(-10).toISOString(),
    ]);
  });

  it("names the caller by its object ID, app ID and resource ID, in lower case where Azure varies the case", async () => {
    const s = store();
    kvDiag(s, audit(min(-8), 200, { callerObjectId: KEY.callerObjectId.toUpperCase() }), 1);
    const kv = await kvRows(s);
    expect(kv.rows[0]!.dims).toMatchObject({
      callerObjectId: KEY.callerObjectId,
      callerAppId: KEY.callerAppId,
      callerResourceId: KEY.callerResourceId,
    });
  });

  it("reads the resource-specific AZKVAuditLogs table the same way", async () => {
    const s = store(["AZKVAuditLogs"]);
    s.add("AZKVAuditLogs", azkvAuditLog(audit(min(-8), 403, { denial: "policy" })), { count: 3 });
    s.add("AZKVAuditLogs", azkvAuditLog(audit(min(-8), 200)), { count: 9 });
    s.add("AZKVAuditLogs", kvChallenge(min(-8), VAULT, "AZKVAuditLogs"), { count: 4 });
    const kv = await kvRows(s);
    expect(kv.rows[0]!.dims).toEqual({ ...CALLER, operation: "SecretGet", source: "AZKVAuditLogs" });
    expect(kv.rows[0]!.counts).toMatchObject({ total: 12, succeeded: 9, forbiddenPolicy: 3, unauthorized: 0 });
  });
});

describe("the baselines' hourly history", () => {
  it("counts denials (401 and 403), throttles and all requests per caller and hour", async () => {
    const s = store();
    kvDiag(s, audit(min(-90), 200), 50);
    kvDiag(s, audit(min(-90), 401), 2);
    kvDiag(s, audit(min(-90), 403), 3);
    kvDiag(s, audit(min(-30), 429), 4);
    s.add("AzureDiagnostics", kvChallenge(min(-30), VAULT, "AzureDiagnostics"), { count: 9 });
    const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [] } }).fetch(NOW, {
      historyHours: 3,
    });
    const rows = set.signals["kv-history"].rows;
    const byHour = Object.fromEntries(rows.map((r) => [r.binStart.toISOString(), r.counts]));
    // The denials at 00:30 fell in the hour's seventh 5-minute bin (bit 6); the 429s are no denial.
    expect(byHour[min(-120).toISOString()]).toEqual({ denied: 5, throttled: 0, total: 55, deniedBins: 2 ** 6 });
    expect(byHour[min(-60).toISOString()]).toEqual({ denied: 0, throttled: 4, total: 4, deniedBins: 0 });
  });
});

describe("the error-budget legs", () => {
  it("count 401, 403, 429 and 5xx as bad over each alerting window ending now", async () => {
    const s = store();
    kvDiag(s, audit(min(-3), 200), 90);
    kvDiag(s, audit(min(-3), 429), 4);
    kvDiag(s, audit(min(-3), 403), 3);
    kvDiag(s, audit(min(-3), 503), 2);
    kvDiag(s, audit(min(-3), 404), 1); // a missing secret is the caller's business, not an access failure
    kvDiag(s, audit(min(-50), 403), 10); // inside 1h, outside 30m
    const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" } } }).fetch(NOW);
    const row = set.signals["slo-windows"].rows.find((r) => r.dims.subject === "identity-vault")!;
    expect(row.counts).toMatchObject({ bad5m: 9, total5m: 100, bad30m: 9, total30m: 100, bad1h: 19, total1h: 110 });
  });

  it("sum each SLO period and nothing older", async () => {
    const s = store();
    const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
    kvDiag(s, audit(daysAgo(6.5), 403), 5);
    kvDiag(s, audit(daysAgo(7.5), 403), 7);
    kvDiag(s, audit(daysAgo(29.5), 429), 2);
    kvDiag(s, audit(daysAgo(30.5), 403), 11);
    kvDiag(s, audit(min(-10), 200), 20);
    const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [7, 30] } }).fetch(NOW);
    const row = set.signals["slo-period"].rows.find((r) => r.dims.subject === "identity-vault")!;
    expect(row.counts).toEqual({ bad7d: 5, total7d: 25, bad30d: 14, total30d: 34 });
  });
});

describe("the Application Insights legs", () => {
  const APP = "func-orders";
  const APP_INSIGHTS_RESOURCE =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-apps/providers/microsoft.insights/components/appi-func-orders";
  it("classify dependency calls by status and target, restoring sampled calls by ItemCount", async () => {
    const s = store(["AppDependencies"]);
    const dep = (resultCode: string, success: boolean, itemCount = 1, target = "kv-app.vault.azure.net") =>
      s.add(
        "AppDependencies",
        appDependency({
          at: min(-8),
          appRoleName: APP,
          target,
          dependencyType: "HTTP",
          resultCode,
          success,
          itemCount,
        }),
      );
    dep("200", true, 10);
    dep("403", false, 2);
    dep("401", false, 1);
    dep("429", false, 3);
    dep("0", false, 1);
    dep("503", false, 1);
    dep("200", true, 5, "storeorders.blob.core.windows.net");
    const set = await emulatedSignals(s, { config: { sloPeriods: [] } }).fetch(NOW);
    const rows = set.signals["dependency-calls"].rows;
    const kv = rows.find((r) => r.dims.targetKind === "keyvault")!;
    expect(kv.counts).toMatchObject({
      total: 18,
      succeeded: 10,
      forbidden: 2,
      unauthorized: 1,
      throttled: 3,
      connectionFailures: 1,
      serverErrors: 1,
    });
    expect(rows.find((r) => r.dims.targetKind === "storage")!.counts).toMatchObject({ total: 5, succeeded: 5 });
  });

  it("leave out the Key Vault SDK's challenge 401, answered in the same operation by the retry with a token", async () => {
    const s = store(["AppDependencies"]);
    // Twelve instances start cold, each challenging the vault once; one token renewal later on.
    for (const r of keyVaultChallengeExchange(min(-8), APP, "kv-app.vault.azure.net"))
      s.add("AppDependencies", r, { count: 12 });
    for (const r of keyVaultChallengeExchange(min(-3), APP, "kv-app.vault.azure.net")) s.add("AppDependencies", r);
    const set = await emulatedSignals(s, { config: { sloPeriods: [30] } }).fetch(NOW);
    const kv = set.signals["dependency-calls"].rows.filter((r) => r.dims.targetKind === "keyvault");
    expect(sum(kv, "unauthorized")).toBe(0);
    expect(sum(kv, "total")).toBe(13);
    // Nor do they burn the app's error budget.
    const slo = set.signals["slo-windows"].rows.find((r) => r.dims.subject === "app-dependency")!;
    expect(slo.counts).toMatchObject({ bad1h: 0, total1h: 13 });
    expect(set.signals["slo-period"].rows.find((r) => r.dims.subject === "app-dependency")!.counts).toMatchObject({
      bad30d: 0,
      total30d: 13,
    });
  });

  it("count a 401 as a failure when the retry with a token is refused too, or when no retry follows", async () => {
    const s = store(["AppDependencies"]);
    // A token for the wrong audience: the challenge, then the real refusal (AKV10022) in the same operation.
    for (const r of keyVaultChallengeExchange(min(-8), APP, "kv-app.vault.azure.net", "401"))
      s.add("AppDependencies", r, { count: 5 });
    // No token at all: the challenge is the only call of its operation.
    s.add("AppDependencies", keyVaultChallengeDependency(min(-7), APP, "kv-app.vault.azure.net"), { count: 2 });
    // 401s from a cached client, several in one operation at one instant: none is followed by a later call.
    s.add(
      "AppDependencies",
      appDependency({
        at: min(-6),
        appRoleName: APP,
        target: "kv-app.vault.azure.net",
        dependencyType: "HTTP",
        resultCode: "401",
        success: false,
        operationId: "4bf92f3577b34da6a3ce929d0e0e4736",
      }),
      { count: 3 },
    );
    const set = await emulatedSignals(s, { config: { sloPeriods: [30] } }).fetch(NOW);
    const kv = set.signals["dependency-calls"].rows.filter((r) => r.dims.targetKind === "keyvault");
    expect(sum(kv, "unauthorized")).toBe(5 + 2 + 3);
    const slo = set.signals["slo-windows"].rows.find((r) => r.dims.subject === "app-dependency")!;
    expect(slo.counts).toMatchObject({ bad1h: 10, total1h: 10 });
  });

  it("leave out the challenge in classic Application Insights too", async () => {
    const s = store(CLASSIC_APP_INSIGHTS_TABLES);
    for (const r of keyVaultChallengeExchange(min(-8), APP, "kv-app.vault.azure.net")) {
      const classic = toClassic("AppDependencies", r);
      s.add(classic.table, classic.record, { count: 4 });
    }
    const set = await emulatedSignals(s, {
      config: { appInsights: { mode: "classic", resourceId: APP_INSIGHTS_RESOURCE }, sloPeriods: [] },
    }).fetch(NOW);
    const kv = set.signals["dependency-calls"].rows.filter((r) => r.dims.targetKind === "keyvault");
    expect(sum(kv, "unauthorized")).toBe(0);
    expect(sum(kv, "succeeded")).toBe(4);
  });

  it("class credential errors by their message, most specific first", async () => {
    const s = store(["AppTraces"]);
    const trace = (message: string) =>
      s.add("AppTraces", appTrace({ at: min(-8), appRoleName: APP, message, severityLevel: 3 }));
    trace(
      "ManagedIdentityCredential authentication failed: AADSTS500011: The resource principal named https://vault.azure.net was not found",
    );
    trace(
      "DefaultAzureCredential failed to retrieve a token from the included credentials. ManagedIdentityCredential authentication unavailable. No managed identity endpoint found.",
    );
    trace("ManagedIdentityCredential authentication unavailable. No managed identity endpoint found.");
    trace("ManagedIdentityCredential: the request succeeded"); // names the credential, no error class
    const set = await emulatedSignals(s, { config: { sloPeriods: [] } }).fetch(NOW);
    const classes = Object.fromEntries(
      set.signals["credential-traces"].rows.map((r) => [r.dims.errorClass, r.counts.events]),
    );
    expect(classes).toEqual({ "invalid-audience": 1, "mi-unavailable": 2 });
  });

  it("class the errors Azure really answers: AKV10022, the identity endpoint's 'Unable to load the proper Managed Identity', IMDS's unassigned identity", async () => {
    const s = store(["AppTraces"]);
    const trace = (message: string) =>
      s.add("AppTraces", appTrace({ at: min(-8), appRoleName: APP, message, severityLevel: 3 }));
    trace(
      'Azure.RequestFailedException: Service request failed. Status: 401 (Unauthorized) Content: {"error":{"code":"Unauthorized","message":"AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://storage.azure.com/."}}',
    );
    trace(
      'ManagedIdentityCredential authentication failed: Service request failed. Status: 400 (Bad Request) Content: {"statusCode":400,"message":"Unable to load the proper Managed Identity.","correlationId":"bf68136a-73f7-4ca4-9903-9ee8af3ab2ee"}',
    );
    trace(
      "ManagedIdentityCredential: The requested identity hasn't been assigned to this resource. Error: invalid_request: Identity not found",
    );
    const set = await emulatedSignals(s, { config: { sloPeriods: [] } }).fetch(NOW);
    const classes = Object.fromEntries(
      set.signals["credential-traces"].rows.map((r) => [r.dims.errorClass, r.counts.events]),
    );
    expect(classes).toEqual({ "invalid-audience": 1, "uami-not-found": 2 });
  });

  it("read credential errors the app threw (AppExceptions) by their innermost message, when it logged no trace", async () => {
    const s = store(["AppTraces", "AppExceptions"]);
    s.add(
      "AppExceptions",
      appException({
        at: min(-8),
        appRoleName: APP,
        operationName: "ProcessOrder",
        type: "Azure.Identity.CredentialUnavailableException",
        outerMessage: "Exception while executing function: Functions.ProcessOrder",
        innermostMessage:
          "ManagedIdentityCredential authentication unavailable. No response received from the managed identity endpoint.",
        itemCount: 4,
      }),
    );
    // An exception that is not about credentials stays out.
    s.add(
      "AppExceptions",
      appException({ at: min(-8), appRoleName: APP, type: "System.TimeoutException", outerMessage: "Timed out" }),
    );
    const set = await emulatedSignals(s, { config: { sloPeriods: [] } }).fetch(NOW);
    const cred = set.signals["credential-traces"];
    expect(cred.status).toBe("ok");
    expect(cred.rows.map((r) => [r.dims.errorClass, r.counts.events])).toEqual([["mi-unavailable", 4]]);
    expect(cred.rows[0]!.sample).toMatch(/^ManagedIdentityCredential authentication unavailable/);
    // AppTraces has had nothing in a day, so only AppExceptions is read.
    expect(cred.coverage).toEqual({ AppExceptions: 1 });
  });

  it("read the classic exceptions table the same way", async () => {
    const s = store(CLASSIC_APP_INSIGHTS_TABLES);
    const x = toClassic(
      "AppExceptions",
      appException({
        at: min(-8),
        appRoleName: APP,
        type: "AuthenticationError",
        outerMessage: "Result: Failure Exception: ManagedIdentityCredential authentication failed",
        innermostMessage:
          "ManagedIdentityCredential authentication failed. AADSTS500011: The resource principal named https://vault.azure.com was not found in the tenant named Contoso.",
      }),
    );
    s.add(x.table, x.record);
    const set = await emulatedSignals(s, {
      config: { appInsights: { mode: "classic", resourceId: APP_INSIGHTS_RESOURCE }, sloPeriods: [] },
    }).fetch(NOW);
    expect(set.signals["credential-traces"].rows.map((r) => r.dims.errorClass)).toEqual(["invalid-audience"]);
  });
});

describe("the Functions host leg", () => {
  it("finds trigger listeners that could not start and flags the auth-related ones", async () => {
    const s = store(["FunctionAppLogs"]);
    s.add(
      "FunctionAppLogs",
      listenerFailure(
        min(-8),
        "func-orders",
        "Functions.ProcessOrder",
        "Azure.RequestFailedException: Status: 403 (This request is not authorized to perform this operation.) ErrorCode: AuthorizationPermissionMismatch",
      ),
    );
    s.add(
      "FunctionAppLogs",
      listenerFailure(
        min(-8),
        "func-orders",
        "Functions.Nightly",
        "System.InvalidOperationException: the schedule is not valid",
      ),
    );
    const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [] } }).fetch(NOW);
    const rows = set.signals["host-startup"].rows;
    expect(rows.map((r) => [r.dims.functionName, r.dims.authRelated]).sort()).toEqual([
      ["Functions.Nightly", false],
      ["Functions.ProcessOrder", true],
    ]);
  });

  it("takes the auth cause from the wrapped exception chain when the innermost exception is a network error", async () => {
    const s = store(["FunctionAppLogs"]);
    const message = "The listener for function 'Functions.OnPayment' was unable to start.";
    s.add(
      "FunctionAppLogs",
      functionAppLog({
        at: min(-8),
        appName: "func-payments",
        level: "Error",
        category: "Host.Startup",
        message,
        exceptionType: "System.Net.Sockets.SocketException",
        exceptionMessage: "Connection refused (169.254.255.2:8081)",
        exceptionDetails: [
          `Microsoft.Azure.WebJobs.Host.Listeners.FunctionListenerException : ${message} ---> Azure.Identity.CredentialUnavailableException : ManagedIdentityCredential authentication unavailable. No response received from the managed identity endpoint. ---> System.Net.Sockets.SocketException : Connection refused (169.254.255.2:8081)`,
          "   at Azure.Identity.ManagedIdentitySource.AuthenticateAsync(Boolean async, TokenRequestContext context, CancellationToken cancellationToken)",
          "   --- End of inner exception stack trace ---",
        ].join("\n"),
      }),
    );
    const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [] } }).fetch(NOW);
    const [row] = set.signals["host-startup"].rows;
    expect(row!.dims).toEqual({ appName: "func-payments", functionName: "Functions.OnPayment", authRelated: true });
    expect(row!.sample).toMatch(
      /^Azure\.Identity\.CredentialUnavailableException : ManagedIdentityCredential authentication unavailable/,
    );
    expect(row!.sample).not.toContain("at Azure.Identity");
  });
});

describe("the control-plane changes leg over AzureActivity Start and Success events", () => {
  const ROLE =
    "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6";
  it("reads who was granted what from the Start event of a completed role assignment", async () => {
    const s = store(["AzureActivity"]);
    for (const r of activityRecords({
      at: min(-30),
      operation: "Microsoft.Authorization/roleAssignments/write",
      scope: VAULT,
      principalId: KEY.callerObjectId,
      roleDefinitionId: ROLE,
      caller: "admin@contoso.com",
    }))
      s.add("AzureActivity", r);
    const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [] } }).fetch(NOW);
    const rows = set.signals.changes.rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dims).toMatchObject({
      kind: "role-assignment-write",
      principalId: KEY.callerObjectId,
      roleDefinitionId: ROLE.toLowerCase(),
      scope: VAULT,
    });
  });

  it("reads a deleted assignment from the Success event's response body", async () => {
    const s = store(["AzureActivity"]);
    for (const r of activityRecords({
      at: min(-30),
      operation: "Microsoft.Authorization/roleAssignments/delete",
      scope: VAULT,
      principalId: KEY.callerObjectId,
      roleDefinitionId: ROLE,
      caller: "pipeline",
    }))
      s.add("AzureActivity", r);
    const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [] } }).fetch(NOW);
    expect(set.signals.changes.rows[0]!.dims).toMatchObject({
      kind: "role-assignment-delete",
      principalId: KEY.callerObjectId,
    });
  });

  it("counts a change once, not once per event, and leaves out failed changes", async () => {
    const s = store(["AzureActivity"]);
    for (const r of activityRecords({
      at: min(-30),
      operation: "Microsoft.KeyVault/vaults/write",
      scope: VAULT,
      caller: "admin@contoso.com",
    }))
      s.add("AzureActivity", r);
    for (const r of activityRecords({
      at: min(-20),
      operation: "Microsoft.KeyVault/vaults/write",
      scope: VAULT,
      caller: "admin@contoso.com",
      outcome: "Failed",
    }))
      s.add("AzureActivity", r);
    const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [] } }).fetch(NOW);
    expect(set.signals.changes.rows.map((r) => [r.dims.kind, r.counts.events])).toEqual([["vault-write", 1]]);
  });
});
