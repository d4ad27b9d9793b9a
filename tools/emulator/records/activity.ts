import { AAD_TENANT_ID, ISSUER, LOCATION, WORKSPACE_ID } from "./environment.js";
import { azureIpOf, guidOf, intOf } from "./hash.js";
import type { RawRecord } from "./raw-record.js";
import { parseArmId } from "./resource-id.js";

/**
 * AzureActivity records of a control-plane change, as a diagnostic setting exports them. An ARM
 * write is logged twice, joined by CorrelationId: a Start event carrying the request body and a
 * Success (or Failure) event carrying statusCode, serviceRequestId and, for deletes, the deleted
 * object in responseBody. Sources:
 * - MicrosoftDocs/azure-docs articles/role-based-access-control/change-history-report.md: the pair
 *   for a role assignment write (Start: entity, eventCategory, hierarchy "{tenantId}/{subscriptionId}",
 *   message, requestbody `{"Id":…,"Properties":{"PrincipalId":…,"PrincipalType":…,"RoleDefinitionId":…,"Scope":…}}`;
 *   Success a second later: statusCode "Created", serviceRequestId; authorization.scope = the
 *   assignment's own resource ID);
 * - articles/role-based-access-control/role-assignments-alert.md: Microsoft's own alert reads the
 *   request body from `ActivityStatusValue == "Start"` rows;
 * - articles/azure-monitor/essentials/activity-log.md, "Data structure changes": the legacy
 *   columns (OperationName, ActivityStatus, Category, …) are empty, the *Value columns hold the
 *   data, and values may be all upper case;
 * - Azure/Azure-Sentinel#4350: diagnostic-setting rows carry OperationNameValue in upper case
 *   ("MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION") with ActivityStatusValue "Success"
 *   (the legacy path wrote lower case and "Succeeded"). A failed operation's status is "Failure".
 */
export interface ControlPlaneChange {
  at: Date;
  /** The ARM operation, e.g. "Microsoft.Authorization/roleAssignments/write". */
  operation: string;
  /** The scope the change applies to: a role assignment's scope, the vault, the site. */
  scope: string;
  /** The principal a role assignment or access policy is for; a site's user-assigned identity resource ID. */
  principalId?: string;
  /** A role definition ID, or just its GUID. */
  roleDefinitionId?: string;
  /** Who made the change: a UPN or an object ID. */
  caller: string;
  correlationId?: string;
  outcome?: "Succeeded" | "Failed";
  /** The changed resource, when not derived (a role assignment's own ID, the vault, the site). */
  resourceId?: string;
}

const ARM_AUDIENCE = "https://management.core.windows.net/";
/** Azure CLI's well-known application ID: the client the emulated administrators use. */
const AZURE_CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/** Key Vault Secrets User, the role apps get to read secrets (Azure built-in roles). */
const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Kind =
  | "role-assignment-write"
  | "role-assignment-delete"
  | "vault-write"
  | "access-policy-write"
  | "site-write"
  | "diagnostic-setting-write"
  | "other";

function kindOf(operation: string): Kind {
  switch (operation.toLowerCase()) {
    case "microsoft.authorization/roleassignments/write":
      return "role-assignment-write";
    case "microsoft.authorization/roleassignments/delete":
      return "role-assignment-delete";
    case "microsoft.keyvault/vaults/write":
      return "vault-write";
    case "microsoft.keyvault/vaults/accesspolicies/write":
      return "access-policy-write";
    case "microsoft.web/sites/write":
      return "site-write";
    case "microsoft.insights/diagnosticsettings/write":
      return "diagnostic-setting-write";
    default:
      return "other";
  }
}

/** The fields of one change that its events share. */
interface Change {
  c: ControlPlaneChange;
  kind: Kind;
  subscriptionId: string;
  target: string;
  assignmentName: string;
  roleDefinitionId: string;
  correlationId: string;
  callerObjectId: string;
  callerIp: string;
  hierarchy: string;
}

function changeOf(c: ControlPlaneChange): Change {
  const kind = kindOf(c.operation);
  const scope = parseArmId(c.scope);
  const roleGuid = c.roleDefinitionId ?? KEY_VAULT_SECRETS_USER;
  const roleDefinitionId = GUID.test(roleGuid)
    ? `/subscriptions/${scope.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`
    : roleGuid;
  const assignmentName =
    c.resourceId?.split("/").pop() ??
    guidOf("role-assignment", c.scope.toLowerCase(), c.principalId ?? "", roleDefinitionId.toLowerCase());
  const isAssignment = kind === "role-assignment-write" || kind === "role-assignment-delete";
  const target =
    c.resourceId ??
    (isAssignment ? `${c.scope}/providers/Microsoft.Authorization/roleAssignments/${assignmentName}` : c.scope);
  const correlationId =
    c.correlationId ?? guidOf("activity-correlation", c.operation.toLowerCase(), target.toLowerCase(), c.at.getTime());
  return {
    c,
    kind,
    subscriptionId: scope.subscriptionId.toLowerCase(),
    target,
    assignmentName,
    roleDefinitionId,
    correlationId,
    callerObjectId: GUID.test(c.caller) ? c.caller.toLowerCase() : guidOf("caller-object-id", c.caller.toLowerCase()),
    callerIp: azureIpOf("admin", c.caller.toLowerCase()),
    hierarchy: `${AAD_TENANT_ID}/${scope.subscriptionId.toLowerCase()}`,
  };
}

/** The request body ARM logs on the Start event, as JSON text. */
function requestBodyOf(ch: Change): string | undefined {
  const { c } = ch;
  switch (ch.kind) {
    case "role-assignment-write":
      return JSON.stringify({
        Id: ch.assignmentName,
        Properties: {
          PrincipalId: c.principalId ?? "",
          PrincipalType: "ServicePrincipal",
          RoleDefinitionId: ch.roleDefinitionId,
          Scope: c.scope,
        },
      });
    case "vault-write":
      return JSON.stringify({
        location: LOCATION,
        properties: {
          tenantId: AAD_TENANT_ID,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          networkAcls: { bypass: "AzureServices", defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] },
        },
      });
    case "access-policy-write":
      return JSON.stringify({
        properties: {
          accessPolicies: [
            {
              tenantId: AAD_TENANT_ID,
              objectId: c.principalId ?? "",
              permissions: { secrets: ["get", "list"], keys: [], certificates: [] },
            },
          ],
        },
      });
    case "site-write": {
      const userAssigned = c.principalId?.startsWith("/subscriptions/");
      return JSON.stringify({
        kind: "functionapp,linux",
        location: LOCATION,
        identity: userAssigned
          ? { type: "UserAssigned", userAssignedIdentities: { [c.principalId!]: {} } }
          : { type: "SystemAssigned" },
        properties: { httpsOnly: true, siteConfig: { linuxFxVersion: "Node|22" } },
      });
    }
    case "diagnostic-setting-write":
      // A setting rewritten to stop sending AuditEvent: the body PUT to Diagnostic Settings -
      // Create Or Update (api-version 2021-05-01-preview), as the activity log keeps it.
      return JSON.stringify({
        properties: {
          workspaceId: c.principalId ?? null,
          logs: [{ category: "AuditEvent", categoryGroup: null, enabled: false }],
          metrics: [{ category: "AllMetrics", enabled: true }],
        },
      });
    default:
      return undefined;
  }
}

/** The deleted role assignment, as ARM's DELETE answers it (the Success event's responseBody), as JSON text. */
function responseBodyOf(ch: Change): string {
  const created = new Date(ch.c.at.getTime() - intOf(1, 90, "assignment-age", ch.target) * 86_400_000).toISOString();
  return JSON.stringify({
    properties: {
      roleDefinitionId: ch.roleDefinitionId,
      principalId: ch.c.principalId ?? "",
      principalType: "ServicePrincipal",
      scope: ch.c.scope,
      condition: null,
      conditionVersion: null,
      createdOn: created,
      updatedOn: created,
      createdBy: ch.callerObjectId,
      updatedBy: ch.callerObjectId,
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
    id: ch.target,
    type: "Microsoft.Authorization/roleAssignments",
    name: ch.assignmentName,
  });
}

function claimsOf(ch: Change): Record<string, string> {
  const iat = Math.floor(ch.c.at.getTime() / 1000) - intOf(60, 1800, "token-age", ch.c.caller);
  const claims: Record<string, string> = {
    aud: ARM_AUDIENCE,
    iss: ISSUER,
    iat: String(iat),
    nbf: String(iat),
    exp: String(iat + 4500),
    "http://schemas.microsoft.com/identity/claims/objectidentifier": ch.callerObjectId,
    "http://schemas.microsoft.com/identity/claims/tenantid": AAD_TENANT_ID,
    appid: AZURE_CLI_APP_ID,
    appidacr: "0",
    ipaddr: ch.callerIp,
    ver: "1.0",
  };
  if (ch.c.caller.includes("@")) {
    claims["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"] = ch.c.caller;
    claims.name = ch.c.caller.split("@")[0]!;
  }
  return claims;
}

type Phase = "Start" | "Success" | "Failure";

function event(ch: Change, phase: Phase, at: Date): RawRecord {
  const { c } = ch;
  const write = !c.operation.toLowerCase().endsWith("/delete");
  const properties: Record<string, unknown> = {};
  if (phase !== "Start") {
    properties.statusCode = phase === "Failure" ? "Forbidden" : ch.kind === "role-assignment-write" ? "Created" : "OK";
    properties.serviceRequestId = guidOf("service-request", ch.correlationId);
  }
  if (phase === "Failure")
    properties.statusMessage = JSON.stringify({
      error: {
        code: "AuthorizationFailed",
        message: `The client '${c.caller}' with object id '${ch.callerObjectId}' does not have authorization to perform action '${c.operation}' over scope '${ch.target}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      },
    });
  Object.assign(properties, {
    eventCategory: "Administrative",
    entity: ch.target,
    message: c.operation,
    hierarchy: ch.hierarchy,
  });
  const body = phase === "Start" ? requestBodyOf(ch) : undefined;
  if (body) properties.requestbody = body;
  if (phase === "Success" && ch.kind === "role-assignment-delete") properties.responseBody = responseBodyOf(ch);

  const authorization = { action: c.operation, scope: ch.target };
  const claims = claimsOf(ch);
  const targetId = parseArmId(ch.target);
  const provider = c.operation.split("/")[0]!.toUpperCase();
  return {
    TenantId: WORKSPACE_ID,
    TimeGenerated: at.toISOString(),
    OperationNameValue: c.operation.toUpperCase(),
    CategoryValue: "Administrative",
    ActivityStatusValue: phase,
    ActivitySubstatusValue: phase === "Start" ? "" : String(properties.statusCode),
    Caller: c.caller,
    CallerIpAddress: ch.callerIp,
    CorrelationId: ch.correlationId,
    OperationId: guidOf("activity-operation", ch.correlationId),
    EventDataId: guidOf("activity-event", ch.correlationId, phase),
    Level: phase === "Failure" ? "Error" : "Informational",
    Properties: JSON.stringify(properties),
    Properties_d: properties,
    Authorization: JSON.stringify(authorization),
    Authorization_d: authorization,
    Claims: JSON.stringify(claims),
    Claims_d: claims,
    HTTPRequest: JSON.stringify({
      clientRequestId: guidOf("client-request", ch.correlationId),
      clientIpAddress: ch.callerIp,
      method: write ? "PUT" : "DELETE",
    }),
    ResourceGroup: targetId.resourceGroup.toUpperCase(),
    ResourceId: ch.target.toUpperCase(),
    _ResourceId: ch.target.toLowerCase(),
    ResourceProviderValue: provider,
    SubscriptionId: ch.subscriptionId,
    _SubscriptionId: ch.subscriptionId,
    EventSubmissionTimestamp: new Date(
      at.getTime() + intOf(2_000, 30_000, "submission", ch.correlationId, phase),
    ).toISOString(),
    Hierarchy: ch.hierarchy,
    SourceSystem: "Azure",
    Type: "AzureActivity",
  };
}

/**
 * The events Azure logs for one control-plane change: Start, then Success or Failure a few
 * seconds later with the same CorrelationId. Only Start carries the request body; only a
 * delete's Success carries the deleted object (responseBody).
 */
export function activityRecords(c: ControlPlaneChange): RawRecord[] {
  const ch = changeOf(c);
  const done = new Date(c.at.getTime() + intOf(1_000, 6_000, "activity-duration", ch.correlationId));
  return [event(ch, "Start", c.at), event(ch, c.outcome === "Failed" ? "Failure" : "Success", done)];
}

/**
 * A routine activity-log event that changes no access: a deploy pipeline reading a storage
 * account's keys every six hours (a Start and a Success event each). A subscription's activity
 * log is never silent; simulated workspaces add these so AzureActivity has data on any day, as in
 * Azure, and the monitor's table check finds it.
 */
export const ROUTINE_KEY_READ = {
  operation: "Microsoft.Storage/storageAccounts/listKeys/action",
  caller: "deploy-pipeline@contoso.com",
  everyMinutes: 6 * 60,
} as const;

/**
 * A vault's diagnostic setting deleted (or rewritten), as the activity log records it: operation
 * MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE (or /WRITE), on the setting's own ID, a child of
 * the vault: "<vault>/providers/microsoft.insights/diagnosticSettings/<name>". Detections of
 * deleted settings read the same operation and recover the resource from that ID (Elastic
 * detection rule "Azure Diagnostic Settings Deletion", operation_name
 * "MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE"; Sentinel-style rule "Azure Diagnostic settings
 * removed from a resource", which strips the last four segments of _ResourceId). A rewrite keeps
 * its destination workspace in `workspaceId` (passed as the change's principalId).
 */
export function diagnosticSettingChange(o: {
  at: Date;
  vault: string;
  setting: string;
  caller: string;
  action: "delete" | "write";
  workspaceId?: string;
}): ControlPlaneChange {
  return {
    at: o.at,
    operation: `Microsoft.Insights/diagnosticSettings/${o.action}`,
    scope: o.vault,
    caller: o.caller,
    resourceId: `${o.vault}/providers/microsoft.insights/diagnosticSettings/${o.setting}`,
    ...(o.workspaceId ? { principalId: o.workspaceId } : {}),
  };
}
