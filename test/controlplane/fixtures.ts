import type { VaultSnapshot } from "../../src/core/controlplane/drift.js";
import type { ActivityChange } from "../../src/core/controlplane/activity.js";
import { parseVaultId, type VaultRef } from "../../src/core/controlplane/arm-ids.js";
import type { AccessExpectation } from "../../src/core/controlplane/config.js";
import type {
  AccessPolicyView,
  DiagnosticSettingView,
  RoleAssignmentView,
  VaultConfig,
} from "../../src/core/controlplane/views.js";

/** The README's incident cast: id-func-orders reads kv-orders-prod. */
export const SUB = "6f1a2b3c-4d5e-4f60-8a1b-2c3d4e5f6a7b";
export const RG = `/subscriptions/${SUB}/resourcegroups/rg-orders-prod`;
export const VAULT = `${RG}/providers/microsoft.keyvault/vaults/kv-orders-prod`;
export const OTHER_VAULT = `${RG}/providers/microsoft.keyvault/vaults/kv-orders-dr`;
export const WORKSPACE = `/subscriptions/${SUB}/resourcegroups/rg-monitor/providers/microsoft.operationalinsights/workspaces/law-vaultwatch`;
export const ORDERS_OID = "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93";
export const ORDERS_CLIENT_ID = "3c9e1a7b-5d2f-4e8a-9b1c-6d7e8f9a0b1c";
export const GROUP_OID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

export const ROLE = {
  secretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  secretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  administrator: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  reader: "21090545-7ca7-4776-b22c-e363652d74d2",
  cryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  plainReader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
} as const;

export const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 1, minute));

export function vaultRef(id = VAULT): VaultRef {
  const ref = parseVaultId(id);
  if (!ref) throw new Error(`not a vault ID: ${id}`);
  return ref;
}

export function vaultConfig(p: Partial<VaultConfig> = {}): VaultConfig {
  return {
    permissionModel: "rbac",
    publicNetworkAccess: "Enabled",
    networkDefaultAction: "Allow",
    networkBypass: "AzureServices",
    ipRules: [],
    virtualNetworkRules: [],
    softDelete: true,
    softDeleteRetentionDays: 90,
    purgeProtection: true,
    accessPolicies: [],
    ...p,
  };
}

export function policy(p: Partial<AccessPolicyView> = {}): AccessPolicyView {
  return { objectId: ORDERS_OID, applicationId: undefined, secrets: [], keys: [], certificates: [], storage: [], ...p };
}

let n = 0;
export function assignment(roleGuid: string, scope: string, principalId = ORDERS_OID): RoleAssignmentView {
  n++;
  return {
    id: `${scope}/providers/microsoft.authorization/roleassignments/${n}`,
    scope,
    roleGuid,
    principalId,
    principalType: "ServicePrincipal",
    condition: undefined,
    createdOn: undefined,
  };
}

export function expecting(
  role: AccessExpectation["role"],
  scope: AccessExpectation["scope"] = "vault",
  vault = VAULT,
): AccessExpectation {
  return { vault, role, scope };
}

export function setting(p: Partial<DiagnosticSettingView> = {}): DiagnosticSettingView {
  return {
    name: "to-law",
    workspaceId: WORKSPACE,
    sendsAuditEvent: true,
    destinationType: "AzureDiagnostics",
    otherDestinations: [],
    ...p,
  };
}

/** A row of the `changes` signal, as the workspace query returns it. */
export function change(kind: string, minute: number, p: Partial<ActivityChange["dims"]> = {}): ActivityChange {
  return {
    dims: {
      kind,
      operation: "microsoft.keyvault/vaults/write",
      scope: VAULT,
      principalId: "",
      roleDefinitionId: "",
      caller: "alice@contoso.com",
      status: "Succeeded",
      ...p,
    },
    counts: { events: 1 },
    firstAt: at(minute),
    lastAt: at(minute),
  };
}

/** A stored vault snapshot: an access-policy vault whose public access was just turned off. */
export const aVaultSnapshot = (p: Partial<VaultSnapshot> = {}): VaultSnapshot => ({
  vaultResourceId: VAULT,
  takenAt: at(5),
  config: vaultConfig({ accessPolicies: [policy({ secrets: ["get"] })] }),
  recentChanges: [
    {
      aspect: "network",
      field: "public network access",
      before: "Enabled",
      after: "Disabled",
      detectedAt: at(5),
      since: at(0),
    },
  ],
  ...p,
});
