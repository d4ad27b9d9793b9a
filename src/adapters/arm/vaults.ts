import type { KeyVaultManagementClient, Vault } from "@azure/arm-keyvault";
import { armSdk } from "./lazy-sdk.js";
import { normalizeId, parseVaultId } from "../../core/controlplane/arm-ids.js";
import type { ArmRead, VaultReader } from "../../core/controlplane/ports.js";
import type { VaultConfig } from "../../core/controlplane/views.js";
import { armRead, coreClientOptions, type ArmAdapterOptions } from "./options.js";
import { VaultBody, withCheckedBodies } from "./answer-shapes.js";

/**
 * Vault properties through @azure/arm-keyvault 5 (api-version 2026-02-01): the control plane only.
 * Reader on the vault is enough; nothing here touches the vault's data plane or any secret.
 */
export function createVaultReader(o: ArmAdapterOptions): VaultReader {
  const clients = new Map<string, KeyVaultManagementClient>();
  return {
    async read(vaultId): Promise<ArmRead<VaultConfig>> {
      const ref = parseVaultId(vaultId);
      if (!ref)
        return {
          ok: false,
          failure: { kind: "unexpected", status: undefined, message: `not a Key Vault resource ID: ${vaultId}` },
        };
      let client = clients.get(ref.subscriptionId);
      if (!client) {
        client = new (armSdk.keyVault().KeyVaultManagementClient)(
          o.credential,
          ref.subscriptionId,
          coreClientOptions(o),
        );
        clients.set(ref.subscriptionId, client);
      }
      const c = client;
      const read = await armRead(o, ref.id, (abortSignal) =>
        withCheckedBodies(
          VaultBody,
          (why) =>
            `Resource Manager answered 200 without the properties of vault ${ref.id}; vaultwatch cannot judge its configuration (${why})`,
          (onResponse) => c.vaults.get(ref.resourceGroup, ref.name, { abortSignal, onResponse }),
        ),
      );
      return read.ok ? { ok: true, value: toVaultConfig(read.value) } : read;
    },
  };
}

export function toVaultConfig(v: Vault): VaultConfig {
  const p = v.properties;
  const acl = p.networkAcls;
  const lower = (xs: string[] | undefined) => (xs ?? []).map((x) => x.toLowerCase()).sort();
  return {
    // ARM leaves enableRbacAuthorization out on vaults that never set it: those use access policies
    // (the default for vaults created before api-version 2026-02-01 made RBAC the default).
    permissionModel: p.enableRbacAuthorization === true ? "rbac" : "access-policies",
    publicNetworkAccess: p.publicNetworkAccess ?? "unset",
    // No networkAcls means no firewall: ARM's defaults are Allow, with AzureServices bypassing.
    networkDefaultAction: acl?.defaultAction ?? "Allow",
    networkBypass: acl?.bypass ?? "AzureServices",
    ipRules: (acl?.ipRules ?? []).map((r) => r.value).sort(),
    virtualNetworkRules: (acl?.virtualNetworkRules ?? []).map((r) => normalizeId(r.id)).sort(),
    softDelete: p.enableSoftDelete === true,
    softDeleteRetentionDays: p.softDeleteRetentionInDays ?? undefined,
    // ARM omits enablePurgeProtection until it is turned on; it can never be turned off again.
    purgeProtection: p.enablePurgeProtection === true,
    accessPolicies: (p.accessPolicies ?? [])
      .map((a) => ({
        objectId: a.objectId.toLowerCase(),
        applicationId: a.applicationId?.toLowerCase(),
        secrets: lower(a.permissions.secrets),
        keys: lower(a.permissions.keys),
        certificates: lower(a.permissions.certificates),
        storage: lower(a.permissions.storage),
      }))
      .sort((a, b) => a.objectId.localeCompare(b.objectId)),
  };
}
