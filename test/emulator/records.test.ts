import { groupMembershipRecord } from "../../tools/emulator/records/entra-audit.js";
import { describe, expect, it } from "vitest";
import type { KustoType } from "../../tools/kusto/types.js";
import { LogStore } from "../../tools/emulator/store.js";
import { AZURE_DELAYS, fixedDelays } from "../../tools/emulator/ingestion.js";
import {
  AZURE_DIAGNOSTICS_KEYVAULT_OPTIONAL_COLUMNS,
  AZURE_DIAGNOSTICS_OPTIONAL_COLUMNS,
  TABLE_SCHEMAS,
  withoutAzureDiagnosticsColumns,
} from "../../tools/emulator/schemas.js";
import type { RawRecord } from "../../tools/emulator/records/raw-record.js";
import {
  azkvAuditLog,
  azureDiagnosticsAudit,
  type KvAuditEvent,
  kvChallenge,
} from "../../tools/emulator/records/key-vault.js";
import { otherDiagnostics } from "../../tools/emulator/records/other-resources.js";
import { activityRecords, type ControlPlaneChange } from "../../tools/emulator/records/activity.js";
import {
  appDependency,
  appException,
  appRequest,
  appTrace,
  keyVaultChallengeDependency,
} from "../../tools/emulator/records/app-insights.js";
import { toClassic } from "../../tools/emulator/records/app-insights-classic.js";
import { functionAppLog, listenerFailure } from "../../tools/emulator/records/function-app-logs.js";
import { dailyCapReached } from "../../tools/emulator/records/operation.js";
import { fitAzureDiagnostics } from "../../tools/emulator/records/additional-fields.js";

const AT = new Date("2026-11-20T01:07:00.000Z");
const SUB = "2234e01d-6a53-4abc-9d1e-40a9de9123f2";
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-Secrets/providers/Microsoft.KeyVault/vaults/kv-Orders`;
const UAMI = `/subscriptions/${SUB}/resourcegroups/rg-apps/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders`;
const CALLER = {
  vaultResourceId: VAULT,
  callerObjectId: "7991ac3e-6b83-42fd-a3b7-7d2c85978df0",
  callerAppId: "12b00477-33dc-4f52-9c3f-7652be5dc78f",
  callerResourceId: UAMI,
};
const event = (o: Partial<KvAuditEvent> = {}): KvAuditEvent => ({
  at: AT,
  ...CALLER,
  operation: "SecretGet",
  status: 200,
  ...o,
});
const WORKSPACE = `/subscriptions/${SUB}/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-main`;

const GUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Whether a JSON value has the form a column of `type` holds (RawRecord's value forms). */
function fitsType(type: KustoType, v: unknown): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "int":
    case "long":
      return Number.isInteger(v);
    case "real":
    case "decimal":
      return typeof v === "number" && Number.isFinite(v);
    case "bool":
      return typeof v === "boolean";
    case "datetime":
      return typeof v === "string" && ISO.test(v) && !Number.isNaN(Date.parse(v));
    case "timespan":
      return typeof v === "number" || typeof v === "string";
    case "guid":
      return typeof v === "string" && GUID.test(v);
    case "dynamic":
      return typeof v === "object" && v !== null;
  }
}

/** The columns of `record` that are not in the table's schema, or hold a value of the wrong form. */
function misfits(table: string, record: RawRecord): string[] {
  const schema = new Map((TABLE_SCHEMAS[table] ?? []).map((c) => [c.name, c.type]));
  const out: string[] = [];
  for (const [column, value] of Object.entries(record)) {
    const type = schema.get(column);
    if (!type) out.push(`${column}: not a column of ${table}`);
    else if (!fitsType(type, value)) out.push(`${column}: ${JSON.stringify(value)} is not a ${type}`);
  }
  return out;
}

const ROLE_WRITE: ControlPlaneChange = {
  at: AT,
  operation: "Microsoft.Authorization/roleAssignments/write",
  scope: VAULT,
  principalId: CALLER.callerObjectId,
  roleDefinitionId: "4633458b-17de-408a-b874-0445c86b69e6",
  caller: "admin@contoso.com",
};

/** One record of every builder and variant, with its table. */
const SAMPLES: [string, string, RawRecord][] = [
  ["AuditEvent 200", "AzureDiagnostics", azureDiagnosticsAudit(event())],
  ["AuditEvent RBAC denial", "AzureDiagnostics", azureDiagnosticsAudit(event({ status: 403, denial: "rbac" }))],
  ["AuditEvent policy denial", "AzureDiagnostics", azureDiagnosticsAudit(event({ status: 403, denial: "policy" }))],
  ["AuditEvent firewall denial", "AzureDiagnostics", azureDiagnosticsAudit(event({ status: 403, denial: "firewall" }))],
  ["AuditEvent 429", "AzureDiagnostics", azureDiagnosticsAudit(event({ status: 429 }))],
  ["AuditEvent KeyUnwrap", "AzureDiagnostics", azureDiagnosticsAudit(event({ operation: "KeyUnwrap" }))],
  ["AuditEvent VaultGet", "AzureDiagnostics", azureDiagnosticsAudit(event({ operation: "VaultGet" }))],
  ["challenge", "AzureDiagnostics", kvChallenge(AT, VAULT, "AzureDiagnostics")],
  ["AZKV 200", "AZKVAuditLogs", azkvAuditLog(event())],
  ["AZKV RBAC denial", "AZKVAuditLogs", azkvAuditLog(event({ status: 403, denial: "rbac" }))],
  [
    "AZKV policy denial",
    "AZKVAuditLogs",
    azkvAuditLog(event({ status: 403, denial: "policy", permissionModel: "accessPolicy" })),
  ],
  ["AZKV firewall denial", "AZKVAuditLogs", azkvAuditLog(event({ status: 403, denial: "firewall" }))],
  ["AZKV challenge", "AZKVAuditLogs", kvChallenge(AT, VAULT, "AZKVAuditLogs")],
  ["SQL audit", "AzureDiagnostics", otherDiagnostics(AT, "sql", 1)],
  ["Application Gateway access", "AzureDiagnostics", otherDiagnostics(AT, "appgw", 2)],
  ["Service Bus operational", "AzureDiagnostics", otherDiagnostics(AT, "servicebus", 3)],
  ...activityRecords(ROLE_WRITE).map((r, i): [string, string, RawRecord] => [
    `role assignment write ${i}`,
    "AzureActivity",
    r,
  ]),
  ...activityRecords({ ...ROLE_WRITE, operation: "Microsoft.Authorization/roleAssignments/delete" }).map(
    (r, i): [string, string, RawRecord] => [`role assignment delete ${i}`, "AzureActivity", r],
  ),
  ...activityRecords({ ...ROLE_WRITE, outcome: "Failed" }).map((r, i): [string, string, RawRecord] => [
    `failed write ${i}`,
    "AzureActivity",
    r,
  ]),
  ...activityRecords({
    at: AT,
    operation: "Microsoft.KeyVault/vaults/write",
    scope: VAULT,
    caller: "admin@contoso.com",
  }).map((r, i): [string, string, RawRecord] => [`vault write ${i}`, "AzureActivity", r]),
  ...activityRecords({
    at: AT,
    operation: "Microsoft.KeyVault/vaults/accessPolicies/write",
    scope: VAULT,
    principalId: CALLER.callerObjectId,
    caller: "9e1c6a4b-0d2f-4c8e-b1a7-3f5d2e8c9a01",
  }).map((r, i): [string, string, RawRecord] => [`access policy write ${i}`, "AzureActivity", r]),
  ...activityRecords({
    at: AT,
    operation: "Microsoft.Web/sites/write",
    scope: `/subscriptions/${SUB}/resourceGroups/rg-apps/providers/Microsoft.Web/sites/func-orders`,
    principalId: UAMI,
    caller: "admin@contoso.com",
  }).map((r, i): [string, string, RawRecord] => [`site write ${i}`, "AzureActivity", r]),
  [
    "dependency",
    "AppDependencies",
    appDependency({
      at: AT,
      appRoleName: "func-orders",
      target: "kv-orders.vault.azure.net",
      dependencyType: "HTTP",
      resultCode: "200",
      success: true,
      data: "https://kv-orders.vault.azure.net/secrets/db-password/?api-version=7.5",
    }),
  ],
  [
    "challenge dependency",
    "AppDependencies",
    keyVaultChallengeDependency(AT, "func-orders", "kv-orders.vault.azure.net"),
  ],
  [
    "trace",
    "AppTraces",
    appTrace({
      at: AT,
      appRoleName: "func-orders",
      message: "ManagedIdentityCredential authentication failed",
      severityLevel: 3,
    }),
  ],
  [
    "request",
    "AppRequests",
    appRequest({ at: AT, appRoleName: "func-orders", name: "ProcessOrder", success: false, resultCode: "500" }),
  ],
  [
    "exception",
    "AppExceptions",
    appException({
      at: AT,
      appRoleName: "func-orders",
      type: "Microsoft.Azure.WebJobs.Host.FunctionInvocationException",
      outerMessage: "Exception while executing function: Functions.ProcessOrder",
      innermostMessage: "CredentialUnavailableError: ManagedIdentityCredential: No managed identity endpoint found.",
      operationName: "ProcessOrder",
    }),
  ],
  [
    "function log",
    "FunctionAppLogs",
    functionAppLog({
      at: AT,
      appName: "func-orders",
      functionName: "ProcessOrder",
      level: "Information",
      message: "Executed",
    }),
  ],
  [
    "listener failure",
    "FunctionAppLogs",
    listenerFailure(AT, "func-orders", "ProcessOrder", "Azure.RequestFailedException: Status: 403"),
  ],
  ["daily cap", "Operation", dailyCapReached(AT, WORKSPACE)],
  [
    "removal from a group",
    "AuditLogs",
    groupMembershipRecord({
      at: AT,
      change: "remove",
      memberObjectId: CALLER.callerObjectId,
      memberName: "id-func-orders",
      groupObjectId: "3a9c5e1b-7d4f-4a2e-8c6b-0e2a4c6e8a52",
      groupName: "grp-kv-orders-readers",
      initiatedBy: "admin@contoso.com",
    }),
  ],
  [
    "a user added to a group by an app",
    "AuditLogs",
    groupMembershipRecord({
      at: AT,
      change: "add",
      memberObjectId: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
      memberType: "User",
      memberUpn: "bob@contoso.com",
      groupObjectId: "3a9c5e1b-7d4f-4a2e-8c6b-0e2a4c6e8a52",
      groupName: "grp-kv-orders-readers",
      initiatedBy: "Access reviews",
    }),
  ],
];

describe("the table schemas", () => {
  it("name every column once, with a Kusto type, and every table a time column", () => {
    for (const [table, columns] of Object.entries(TABLE_SCHEMAS)) {
      const names = columns.map((c) => c.name);
      expect(new Set(names).size, table).toBe(names.length);
      expect(names.includes("TimeGenerated") || names.includes("timestamp"), table).toBe(true);
    }
  });

  it("keep the columns the product's queries read, with their types", () => {
    const has = (table: string, ...specs: string[]) =>
      expect(
        specs.filter((s) => !TABLE_SCHEMAS[table]!.some((c) => `${c.name}:${c.type}` === s)),
        table,
      ).toEqual([]);
    has(
      "AzureDiagnostics",
      "ResourceProvider:string",
      "Category:string",
      "httpStatusCode_d:real",
      "isAccessPolicyMatch_b:bool",
    );
    has(
      "AzureDiagnostics",
      "identity_claim_oid_g:guid",
      "identity_claim_xms_mirid_s:string",
      "isRbacAuthorized_b:bool",
    );
    has(
      "AzureDiagnostics",
      "identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g:guid",
      "isAddressAuthorized_b:bool",
    );
    has(
      "AZKVAuditLogs",
      "HttpStatusCode:int",
      "Identity:dynamic",
      "IsRbacAuthorized:bool",
      "IsAccessPolicyMatch:bool",
      "IsAddressAuthorized:bool",
    );
    has(
      "AzureActivity",
      "OperationNameValue:string",
      "ActivityStatusValue:string",
      "Properties_d:dynamic",
      "Authorization_d:dynamic",
    );
    has(
      "AppDependencies",
      "Target:string",
      "DependencyType:string",
      "ResultCode:string",
      "Success:bool",
      "ItemCount:int",
    );
    has("FunctionAppLogs", "Message:string", "ExceptionMessage:string", "FunctionName:string", "AppName:string");
    has("dependencies", "timestamp:datetime", "cloud_RoleName:string", "success:string", "itemCount:int");
  });

  it("list as optional only AzureDiagnostics columns outside the documented standard set", () => {
    const diag = TABLE_SCHEMAS.AzureDiagnostics!.map((c) => c.name);
    for (const c of AZURE_DIAGNOSTICS_OPTIONAL_COLUMNS) expect(diag).toContain(c);
    expect(AZURE_DIAGNOSTICS_KEYVAULT_OPTIONAL_COLUMNS).toEqual(
      expect.arrayContaining([
        "identity_claim_oid_g",
        "identity_claim_xms_mirid_s",
        "isRbacAuthorized_b",
        "isAddressAuthorized_b",
      ]),
    );
    // Columns the product reads without column_ifexists must be standard.
    for (const c of [
      "httpStatusCode_d",
      "isAccessPolicyMatch_b",
      "identity_claim_appid_g",
      "ResultDescription",
      "OperationName",
    ])
      expect(AZURE_DIAGNOSTICS_OPTIONAL_COLUMNS).not.toContain(c);
    const base = withoutAzureDiagnosticsColumns(AZURE_DIAGNOSTICS_KEYVAULT_OPTIONAL_COLUMNS).AzureDiagnostics!.map(
      (c) => c.name,
    );
    expect(base).not.toContain("identity_claim_oid_g");
    expect(base).toContain("identity_claim_appid_g");
  });
});

describe("every builder", () => {
  it.each(SAMPLES)("%s: only columns of %s, each value in its column's form", (_, table, record) => {
    expect(misfits(table, record)).toEqual([]);
    expect(record.TimeGenerated).toMatch(ISO);
  });

  it("writes records the emulated workspace accepts", () => {
    const store = new LogStore({ delays: fixedDelays(0) });
    for (const [, table, record] of SAMPLES) store.add(table, record);
    const db = store.view(new Date(AT.getTime() + 3_600_000));
    expect([...db.get("AzureDiagnostics")!.scan()].length).toBe(
      SAMPLES.filter(([, t]) => t === "AzureDiagnostics").length,
    );
  });

  it("is deterministic: the same input gives the same record", () => {
    expect(azureDiagnosticsAudit(event())).toEqual(azureDiagnosticsAudit(event()));
    expect(activityRecords(ROLE_WRITE)).toEqual(activityRecords(ROLE_WRITE));
    expect(keyVaultChallengeDependency(AT, "a", "kv.vault.azure.net")).toEqual(
      keyVaultChallengeDependency(AT, "a", "kv.vault.azure.net"),
    );
    expect(azureDiagnosticsAudit(event()).CorrelationId).not.toEqual(
      azureDiagnosticsAudit(event({ at: new Date(AT.getTime() + 1) })).CorrelationId,
    );
  });

  it("gives classic Application Insights records only classic columns", () => {
    for (const [, table, record] of SAMPLES.filter(([, t]) => t.startsWith("App"))) {
      const classic = toClassic(table as "AppDependencies", record);
      expect(misfits(classic.table, classic.record)).toEqual([]);
    }
    const dep = toClassic(
      "AppDependencies",
      keyVaultChallengeDependency(AT, "func-orders", "kv-orders.vault.azure.net"),
    );
    expect(dep.table).toBe("dependencies");
    expect(dep.record).toMatchObject({
      itemType: "dependency",
      success: "False",
      resultCode: "401",
      cloud_RoleName: "func-orders",
      type: "HTTP",
    });
  });
});

describe("Key Vault AuditEvent records", () => {
  it("match the field names and value forms of the Key Vault logging doc's sample record", () => {
    // MicrosoftDocs/azure-docs articles/key-vault/general/logging.md, "Interpret your Key Vault
    // logs" (the doc's masked X digits written as 0). Its JSON fields become AzureDiagnostics
    // columns: operationName → OperationName, resultSignature → ResultSignature, durationMs →
    // DurationMs, identity.claim.appid → identity_claim_appid_g, properties.requestUri → requestUri_s …
    const sample = {
      time: "2016-01-05T01:32:01.2691226Z",
      resourceId:
        "/SUBSCRIPTIONS/361DA5D4-A47A-4C79-AFDD-000000000000/RESOURCEGROUPS/CONTOSOGROUP/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/CONTOSOKEYVAULT",
      operationName: "VaultGet",
      operationVersion: "2015-06-01",
      category: "AuditEvent",
      resultType: "Success",
      resultSignature: "OK",
      durationMs: "78",
      callerIpAddress: "104.40.82.76",
      objectidentifier: "d9da5048-2737-4770-bd64-000000000000",
      appid: "1950a258-227b-4e31-a9cf-000000000000",
      clientInfo: "azure-resource-manager/2.0",
      requestUri:
        "https://control-prod-wus.vaultcore.azure.net/subscriptions/361da5d4-a47a-4c79-afdd-000000000000/resourcegroups/contosoresourcegroup/providers/Microsoft.KeyVault/vaults/contosokeyvault?api-version=2015-06-01",
      id: "https://contosokeyvault.vault.azure.net/",
      httpStatusCode: 200,
    };
    const r = azureDiagnosticsAudit({
      at: new Date(sample.time),
      vaultResourceId:
        "/subscriptions/361da5d4-a47a-4c79-afdd-000000000000/resourceGroups/ContosoGroup/providers/Microsoft.KeyVault/vaults/ContosoKeyVault",
      callerObjectId: sample.objectidentifier,
      callerAppId: sample.appid,
      callerResourceId: "",
      callerIpAddress: sample.callerIpAddress,
      operation: "VaultGet",
      status: 200,
      durationMs: 78,
      requestUri: sample.requestUri,
    });
    expect(r).toMatchObject({
      TimeGenerated: "2016-01-05T01:32:01.269Z",
      ResourceId: sample.resourceId,
      OperationName: sample.operationName,
      OperationVersion: sample.operationVersion,
      Category: sample.category,
      ResultType: sample.resultType,
      ResultSignature: sample.resultSignature,
      DurationMs: Number(sample.durationMs),
      CallerIPAddress: sample.callerIpAddress,
      identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g: sample.objectidentifier,
      identity_claim_appid_g: sample.appid,
      clientInfo_s: sample.clientInfo,
      requestUri_s: sample.requestUri,
      id_s: sample.id,
      httpStatusCode_d: sample.httpStatusCode,
      ResourceProvider: "MICROSOFT.KEYVAULT",
      Resource: "CONTOSOKEYVAULT",
      _ResourceId: sample.resourceId.toLowerCase(),
    });
  });

  it("read a firewall denial as the documented text, with the address refused", () => {
    const e = event({ status: 403, denial: "firewall", callerIpAddress: "203.0.113.7" });
    const diag = azureDiagnosticsAudit(e);
    expect(diag.ResultDescription).toMatch(
      /^Client address is not authorized and caller is not a trusted service\.\r\nClient address: 203\.0\.113\.7\r\n/,
    );
    expect(diag).toMatchObject({
      ResultSignature: "Forbidden",
      ResultType: "Success",
      httpStatusCode_d: 403,
      isAddressAuthorized_b: false,
    });
    expect(diag).not.toHaveProperty("isRbacAuthorized_b");
    expect(azkvAuditLog(e)).toMatchObject({
      IsAddressAuthorized: false,
      HttpStatusCode: 403,
      ResultDescription: diag.ResultDescription,
    });
  });

  it("set the flag of the check that denied: RBAC on an RBAC vault, the access policy on a policy vault", () => {
    const rbac = azureDiagnosticsAudit(event({ status: 403, denial: "rbac" }));
    expect(rbac).toMatchObject({ isRbacAuthorized_b: false, ResultSignature: "Forbidden" });
    expect(rbac.ResultDescription).toMatch(/^Caller is not authorized to perform action on resource\./);
    expect(rbac).not.toHaveProperty("isAccessPolicyMatch_b");
    const policy = azureDiagnosticsAudit(event({ status: 403, denial: "policy" }));
    expect(policy).toMatchObject({ isAccessPolicyMatch_b: false });
    expect(policy.ResultDescription).toMatch(/does not have secrets get permission on key vault 'kv-orders;location=/);
    expect(policy).not.toHaveProperty("isRbacAuthorized_b");
    const ok = azureDiagnosticsAudit(event());
    expect(ok).toMatchObject({ isRbacAuthorized_b: true, ResultSignature: "OK", ResultType: "Success" });
    expect(ok.appliedAssignmentId_g).toMatch(GUID);
    const onPolicyVault = azureDiagnosticsAudit(event({ permissionModel: "accessPolicy" }));
    expect(onPolicyVault).toMatchObject({ isAccessPolicyMatch_b: true });
    expect(azureDiagnosticsAudit(event({ status: 429 }))).toMatchObject({
      ResultSignature: "TooManyRequests",
      httpStatusCode_d: 429,
    });
  });

  it("carry a managed identity's claims, in AzureDiagnostics columns and in the Identity bag", () => {
    expect(azureDiagnosticsAudit(event())).toMatchObject({
      identity_claim_oid_g: CALLER.callerObjectId,
      identity_claim_appid_g: CALLER.callerAppId,
      identity_claim_xms_mirid_s: UAMI,
      identity_claim_idtyp_s: "app",
      _ResourceId: VAULT.toLowerCase(),
      ResourceId: VAULT.toUpperCase(),
      ResourceGroup: "RG-SECRETS",
      SubscriptionId: SUB,
    });
    expect(azkvAuditLog(event()).Identity).toMatchObject({
      claim: { oid: CALLER.callerObjectId, appid: CALLER.callerAppId, xms_mirid: UAMI, idtyp: "app" },
    });
  });

  it("log the SDK's challenge as Authentication, 401, Unauthorized, Success, with no identity", () => {
    const diag = kvChallenge(AT, VAULT, "AzureDiagnostics");
    expect(diag).toMatchObject({
      OperationName: "Authentication",
      httpStatusCode_d: 401,
      ResultSignature: "Unauthorized",
      ResultType: "Success",
    });
    expect(Object.keys(diag).filter((k) => k.startsWith("identity_claim_") || k.startsWith("is"))).toEqual([]);
    expect(diag.requestUri_s).toMatch(/^https:\/\/kv-orders\.vault\.azure\.net\/secrets\//);
    expect(kvChallenge(AT, VAULT, "AZKVAuditLogs")).toMatchObject({
      OperationName: "Authentication",
      HttpStatusCode: 401,
      ResultSignature: "Unauthorized",
      ResultType: "Success",
      Identity: {},
    });
  });

  it("fit a workspace without the optional Key Vault columns by moving them into AdditionalFields", () => {
    const schemas = withoutAzureDiagnosticsColumns(AZURE_DIAGNOSTICS_KEYVAULT_OPTIONAL_COLUMNS);
    const fitted = fitAzureDiagnostics(azureDiagnosticsAudit(event()), schemas.AzureDiagnostics!);
    expect(fitted).not.toHaveProperty("identity_claim_oid_g");
    expect(fitted.AdditionalFields).toMatchObject({
      identity_claim_oid: CALLER.callerObjectId,
      isRbacAuthorized: true,
    });
    const store = new LogStore({ schemas, delays: fixedDelays(0) });
    store.add("AzureDiagnostics", fitted);
    expect(() => store.add("AzureDiagnostics", azureDiagnosticsAudit(event()))).toThrow(/no such column/);
  });
});

describe("AzureActivity records of a control-plane change", () => {
  it("give a role assignment write as Start and Success with one CorrelationId, the request body on Start only", () => {
    const [start, success] = activityRecords(ROLE_WRITE) as [RawRecord, RawRecord];
    expect(start.CorrelationId).toBe(success.CorrelationId);
    expect(start).toMatchObject({
      ActivityStatusValue: "Start",
      OperationNameValue: "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE",
      CategoryValue: "Administrative",
      Caller: "admin@contoso.com",
    });
    expect(success).toMatchObject({ ActivityStatusValue: "Success", ActivitySubstatusValue: "Created" });
    expect(Date.parse(success.TimeGenerated as string)).toBeGreaterThan(Date.parse(start.TimeGenerated as string));
    const startProps = start.Properties_d as Record<string, unknown>;
    const body = JSON.parse(startProps.requestbody as string);
    expect(body).toEqual({
      Id: expect.stringMatching(GUID),
      Properties: {
        PrincipalId: CALLER.callerObjectId,
        PrincipalType: "ServicePrincipal",
        RoleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
        Scope: VAULT,
      },
    });
    const successProps = success.Properties_d as Record<string, unknown>;
    expect(successProps).not.toHaveProperty("requestbody");
    expect(successProps).toMatchObject({ statusCode: "Created", eventCategory: "Administrative" });
    // Authorization_d.scope is the assignment's own resource ID, not the scope it grants.
    const auth = start.Authorization_d as { action: string; scope: string };
    expect(auth.action).toBe("Microsoft.Authorization/roleAssignments/write");
    expect(auth.scope).toBe(`${VAULT}/providers/Microsoft.Authorization/roleAssignments/${body.Id}`);
    expect(JSON.parse(start.Properties as string)).toEqual(startProps);
  });

  it("give a role assignment delete with the deleted assignment in the Success event's responseBody", () => {
    const [start, success] = activityRecords({
      ...ROLE_WRITE,
      operation: "Microsoft.Authorization/roleAssignments/delete",
    }) as [RawRecord, RawRecord];
    expect(start.Properties_d).not.toHaveProperty("responseBody");
    expect(start.Properties_d).not.toHaveProperty("requestbody");
    const response = JSON.parse((success.Properties_d as { responseBody: string }).responseBody);
    expect(response).toMatchObject({
      properties: { principalId: CALLER.callerObjectId, scope: VAULT, principalType: "ServicePrincipal" },
      type: "Microsoft.Authorization/roleAssignments",
    });
    expect(success).toMatchObject({
      ActivityStatusValue: "Success",
      OperationNameValue: "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/DELETE",
    });
  });

  it("give a failed change as Start and Failure", () => {
    const [, failure] = activityRecords({ ...ROLE_WRITE, outcome: "Failed" }) as [RawRecord, RawRecord];
    expect(failure).toMatchObject({
      ActivityStatusValue: "Failure",
      ActivitySubstatusValue: "Forbidden",
      Level: "Error",
    });
  });

  it("put the identity an app is given in the Start event's request body of a site write", () => {
    const [start] = activityRecords({
      at: AT,
      operation: "Microsoft.Web/sites/write",
      scope: `/subscriptions/${SUB}/resourceGroups/rg-apps/providers/Microsoft.Web/sites/func-orders`,
      principalId: UAMI,
      caller: "admin@contoso.com",
    }) as [RawRecord];
    const body = JSON.parse((start.Properties_d as { requestbody: string }).requestbody);
    expect(body.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: { [UAMI]: {} } });
  });
});

describe("the other records", () => {
  it("write other services' AzureDiagnostics rows under their own provider and category", () => {
    expect(otherDiagnostics(AT, "sql")).toMatchObject({
      ResourceProvider: "MICROSOFT.SQL",
      Category: "SQLSecurityAuditEvents",
    });
    expect(otherDiagnostics(AT, "appgw")).toMatchObject({
      ResourceProvider: "MICROSOFT.NETWORK",
      Category: "ApplicationGatewayAccessLog",
    });
    expect(otherDiagnostics(AT, "servicebus")).toMatchObject({
      ResourceProvider: "MICROSOFT.SERVICEBUS",
      Category: "OperationalLogs",
    });
  });

  it("show the Key Vault challenge on the client side as a failed 401 HTTP dependency to the vault", () => {
    expect(keyVaultChallengeDependency(AT, "func-orders", "kv-orders.vault.azure.net")).toMatchObject({
      Target: "kv-orders.vault.azure.net",
      DependencyType: "HTTP",
      ResultCode: "401",
      Success: false,
      Name: "GET /secrets/app-secret/",
    });
  });

  it("log a listener that could not start under Host.Startup, the cause in ExceptionMessage", () => {
    const r = listenerFailure(
      AT,
      "func-orders",
      "ProcessOrder",
      "Azure.RequestFailedException: Status: 403 (Forbidden)",
    );
    expect(r).toMatchObject({
      Message: "The listener for function 'Functions.ProcessOrder' was unable to start.",
      Level: "Error",
      LevelId: 4,
      Category: "Host.Startup",
      ExceptionType: "Azure.RequestFailedException",
      ExceptionMessage: "Status: 403 (Forbidden)",
    });
    expect(r).not.toHaveProperty("FunctionName");
  });

  it("write the daily-cap notification as the Operation table's data-collection warning", () => {
    expect(dailyCapReached(AT, WORKSPACE)).toMatchObject({
      OperationCategory: "Data Collection Status",
      OperationStatus: "Warning",
      Detail: expect.stringContaining("OverQuota"),
      _ResourceId: WORKSPACE.toLowerCase(),
    });
  });
});

describe("ingestion delays", () => {
  /** Percentiles of 10,000 draws for a table, in minutes. */
  function percentiles(table: string): { p50: number; p99: number; min: number; max: number } {
    const start = Date.parse("2026-11-20T00:00:00Z");
    const minutes: number[] = [];
    for (let seq = 0; seq < 10_000; seq++)
      minutes.push(AZURE_DELAYS.delayMs(table, start + (seq % 600) * 1_000, seq) / 60_000);
    minutes.sort((a, b) => a - b);
    return { p50: minutes[4_999]!, p99: minutes[9_899]!, min: minutes[0]!, max: minutes[9_999]! };
  }

  it("are a function of table, time and sequence number", () => {
    expect(AZURE_DELAYS.delayMs("AzureDiagnostics", 1_700_000_000_000, 7)).toBe(
      AZURE_DELAYS.delayMs("AzureDiagnostics", 1_700_000_000_000, 7),
    );
    const spread = new Set(
      Array.from({ length: 50 }, (_, seq) => AZURE_DELAYS.delayMs("AzureDiagnostics", 1_700_000_000_000, seq)),
    );
    expect(spread.size).toBeGreaterThan(45);
    expect(fixedDelays(2).delayMs("AzureActivity", 0, 0)).toBe(120_000);
    expect(() => fixedDelays(-1)).toThrow(RangeError);
  });

  it("fall in the documented ranges: resource logs 3–10 min, the activity log 3–20, Application Insights under 5", () => {
    for (const table of ["AzureDiagnostics", "AZKVAuditLogs", "FunctionAppLogs"]) {
      const p = percentiles(table);
      expect(p.min, table).toBeGreaterThanOrEqual(3);
      expect(p.p50, table).toBeGreaterThan(3);
      expect(p.p50, table).toBeLessThan(6.5);
      expect(p.p99, table).toBeLessThanOrEqual(10);
      expect(p.max, table).toBeGreaterThan(10); // the occasional straggler
    }
    const activity = percentiles("AzureActivity");
    expect(activity.p50).toBeGreaterThan(3);
    expect(activity.p50).toBeLessThan(10);
    expect(activity.p99).toBeLessThanOrEqual(20);
    for (const table of ["AppDependencies", "AppTraces", "AppRequests", "requests"]) {
      const p = percentiles(table);
      expect(p.p50, table).toBeLessThan(2.5);
      expect(p.p99, table).toBeLessThanOrEqual(5);
    }
  });
});
