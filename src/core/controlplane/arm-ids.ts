/**
 * ARM resource IDs and scopes. ARM compares them case-insensitively, so everything here works on
 * lower-case IDs (as the signal model's `vaultResourceId` does). Pure string work, no I/O.
 */

const VAULT_ID =
  /^\/subscriptions\/([0-9a-f-]{36})\/resourcegroups\/([^/]+)\/providers\/microsoft\.keyvault\/vaults\/([^/]+)$/i;
const WORKSPACE_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/[^/]+\/providers\/microsoft\.operationalinsights\/workspaces\/[^/]+$/i;

export interface VaultRef {
  /** Lower-case ARM resource ID. */
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** Lower case, no trailing slash; "/" stays "/". */
export function normalizeId(id: string): string {
  const trimmed = id.trim().toLowerCase().replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/** Parses a Key Vault resource ID; undefined when it is not one. */
export function parseVaultId(id: string): VaultRef | undefined {
  const m = VAULT_ID.exec(id.trim().replace(/\/+$/, ""));
  if (!m) return undefined;
  const [, subscriptionId = "", resourceGroup = "", name = ""] = m;
  return {
    id: normalizeId(id),
    subscriptionId: subscriptionId.toLowerCase(),
    resourceGroup: resourceGroup.toLowerCase(),
    name: name.toLowerCase(),
  };
}

export function isVaultId(id: string): boolean {
  return parseVaultId(id) !== undefined;
}

export function isWorkspaceId(id: string): boolean {
  return WORKSPACE_ID.test(id.trim().replace(/\/+$/, ""));
}

export function resourceGroupScope(v: VaultRef): string {
  return `/subscriptions/${v.subscriptionId}/resourcegroups/${v.resourceGroup}`;
}

export function subscriptionScope(v: VaultRef): string {
  return `/subscriptions/${v.subscriptionId}`;
}

/** True when `scope` is `target` or one of its ancestors by path (not management groups). */
export function isAtOrAbove(scope: string, target: string): boolean {
  const s = normalizeId(scope);
  const t = normalizeId(target);
  return s === "/" || s === t || t.startsWith(`${s}/`);
}

/** True when `scope` lies strictly inside `target` (a secret, key or certificate of a vault). */
export function isBelow(scope: string, target: string): boolean {
  return normalizeId(scope).startsWith(`${normalizeId(target)}/`);
}

/** A short label for a scope an operator recognizes: "vault kv-x", "resource group rg-x", ... */
export function describeScope(scope: string): string {
  const s = normalizeId(scope);
  if (s === "/") return "the tenant root";
  const mg = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)$/.exec(s);
  if (mg) return `management group ${mg[1]}`;
  const vault = parseVaultId(s);
  if (vault) return `vault ${vault.name}`;
  const child = /\/providers\/microsoft\.keyvault\/vaults\/([^/]+)\/(secrets|keys|certificates)\/([^/]+)$/.exec(s);
  if (child) return `${child[2]?.replace(/s$/, "")} ${child[3]} in vault ${child[1]}`;
  const rg = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)$/.exec(s);
  if (rg) return `resource group ${rg[2]}`;
  const sub = /^\/subscriptions\/([^/]+)$/.exec(s);
  if (sub) return `subscription ${sub[1]}`;
  return s;
}

/** The last path segment: a role definition GUID from its full ID, a vault name from its ID. */
export function lastSegment(id: string): string {
  const parts = normalizeId(id).split("/");
  return parts[parts.length - 1] ?? "";
}
