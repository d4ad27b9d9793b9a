/**
 * What the ARM stand-in knows, settable from tests, and the response bodies it builds from it in
 * the shapes ARM answers with (arm-authorization 2022-04-01, arm-keyvault 2026-02-01, Insights
 * diagnostic settings 2021-05-01-preview, Resource Graph 2021-03-01).
 */

export interface StandInRoleAssignment {
  /** Assignment name (a GUID); generated when absent. */
  name?: string;
  scope: string;
  roleDefinitionGuid: string;
  principalId: string;
  principalType?: "ServicePrincipal" | "User" | "Group";
  condition?: string;
  createdOn?: string;
}

export interface StandInRoleDefinition {
  guid: string;
  roleName: string;
  roleType?: "BuiltInRole" | "CustomRole";
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
}

export interface StandInVault {
  /** ARM resource ID, in the casing ARM would show. */
  id: string;
  /** Merged over defaults (RBAC, public access enabled, soft delete 90 days, no purge protection). */
  properties?: Record<string, unknown>;
}

export interface StandInDiagnosticSetting {
  name: string;
  workspaceId?: string;
  storageAccountId?: string;
  eventHubAuthorizationRuleId?: string;
  eventHubName?: string;
  logAnalyticsDestinationType?: "Dedicated" | null;
  logs: { category?: string; categoryGroup?: string; enabled: boolean }[];
}

export interface ArmState {
  roleAssignments: StandInRoleAssignment[];
  roleDefinitions: StandInRoleDefinition[];
  vaults: StandInVault[];
  /** By lower-case vault ID. */
  diagnosticSettings: Record<string, StandInDiagnosticSetting[]>;
  /** Scopes where the caller holds Reader; reads elsewhere answer 403 AuthorizationFailed. Undefined: Reader everywhere. */
  readerScopes: string[] | undefined;
  /** Items per page of list answers, to exercise nextLink / $skipToken. */
  pageSize: number;
}

export function emptyArmState(): ArmState {
  return {
    roleAssignments: [],
    roleDefinitions: [],
    vaults: [],
    diagnosticSettings: {},
    readerScopes: undefined,
    pageSize: 100,
  };
}

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

export function vaultBody(v: StandInVault): unknown {
  const name = v.id.split("/").pop() ?? "";
  const props: Record<string, unknown> = {
    tenantId: TENANT,
    sku: { family: "A", name: "standard" },
    accessPolicies: [],
    vaultUri: `https://${name}.vault.azure.net/`,
    enabledForDeployment: false,
    enabledForDiskEncryption: false,
    enabledForTemplateDeployment: false,
    enableSoftDelete: true,
    softDeleteRetentionInDays: 90,
    enableRbacAuthorization: true,
    provisioningState: "Succeeded",
    publicNetworkAccess: "Enabled",
    ...v.properties,
  };
  for (const [k, value] of Object.entries(props)) if (value === undefined) delete props[k];
  return { id: v.id, name, type: "Microsoft.KeyVault/vaults", location: "westeurope", tags: {}, properties: props };
}

export function roleAssignmentBody(a: StandInRoleAssignment, name: string, subscriptionId: string): unknown {
  return {
    id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    type: "Microsoft.Authorization/roleAssignments",
    name,
    properties: {
      roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${a.roleDefinitionGuid}`,
      principalId: a.principalId,
      principalType: a.principalType ?? "ServicePrincipal",
      scope: a.scope,
      condition: a.condition ?? null,
      conditionVersion: a.condition ? "2.0" : null,
      createdOn: a.createdOn ?? "2026-01-05T09:12:44.0000000Z",
      updatedOn: a.createdOn ?? "2026-01-05T09:12:44.0000000Z",
      createdBy: "3f6c1b2a-0d4e-4f5a-8b6c-7d8e9f0a1b2c",
      updatedBy: "3f6c1b2a-0d4e-4f5a-8b6c-7d8e9f0a1b2c",
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
  };
}

export function roleDefinitionBody(d: StandInRoleDefinition, scope: string): unknown {
  return {
    id: `${scope === "/" ? "" : scope}/providers/Microsoft.Authorization/roleDefinitions/${d.guid}`,
    name: d.guid,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: d.roleName,
      type: d.roleType ?? "CustomRole",
      description: "",
      assignableScopes: ["/"],
      permissions: [
        {
          actions: d.actions ?? [],
          notActions: d.notActions ?? [],
          dataActions: d.dataActions ?? [],
          notDataActions: d.notDataActions ?? [],
        },
      ],
      createdOn: "2025-06-01T10:00:00.0000000Z",
      updatedOn: "2025-06-01T10:00:00.0000000Z",
    },
  };
}

export function diagnosticSettingBody(vaultId: string, s: StandInDiagnosticSetting): unknown {
  return {
    id: `${vaultId}/providers/microsoft.insights/diagnosticSettings/${s.name}`,
    type: "Microsoft.Insights/diagnosticSettings",
    name: s.name,
    properties: {
      storageAccountId: s.storageAccountId ?? null,
      serviceBusRuleId: null,
      workspaceId: s.workspaceId ?? null,
      eventHubAuthorizationRuleId: s.eventHubAuthorizationRuleId ?? null,
      eventHubName: s.eventHubName ?? null,
      metrics: [
        { timeGrain: null, category: "AllMetrics", enabled: false, retentionPolicy: { enabled: false, days: 0 } },
      ],
      logs: s.logs.map((l) => ({
        category: l.category ?? null,
        categoryGroup: l.categoryGroup ?? null,
        enabled: l.enabled,
        retentionPolicy: { enabled: false, days: 0 },
      })),
      logAnalyticsDestinationType: s.logAnalyticsDestinationType ?? null,
    },
  };
}

/** The message ARM puts in a 403 AuthorizationFailed. */
export function authorizationFailed(clientId: string, objectId: string, action: string, scope: string): unknown {
  return {
    error: {
      code: "AuthorizationFailed",
      message: `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    },
  };
}
