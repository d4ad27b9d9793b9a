/**
 * Roles as vaultwatch reasons about them: what a role lets its holder do on a vault's data
 * (dataActions) and whether it lets its holder grant access (so it can give itself any data
 * role, or write an access policy). Built-in roles come from a static table, so the common case
 * costs no ARM read; custom roles are read once (`RoleInfo` from the role definition).
 *
 * Sources: Azure built-in roles reference (Security and Identity > Key Vault; Privileged).
 * Actions are abridged to the ones that matter here: the writes that grant access. Contributor's
 * notActions are abridged the same way.
 */

export const EXPECTABLE_ROLES = [
  "Key Vault Secrets User",
  "Key Vault Secrets Officer",
  "Key Vault Certificate User",
  "Key Vault Certificates Officer",
  "Key Vault Crypto User",
  "Key Vault Crypto Service Encryption User",
  "Key Vault Crypto Officer",
  "Key Vault Reader",
  "Key Vault Administrator",
] as const;
export type ExpectableRole = (typeof EXPECTABLE_ROLES)[number];

export interface RoleInfo {
  /** Lower-case role definition GUID. */
  guid: string;
  name: string;
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
  builtIn: boolean;
}

const KV = "Microsoft.KeyVault/vaults";

function builtIn(
  guid: string,
  name: string,
  p: Partial<Pick<RoleInfo, "actions" | "notActions" | "dataActions" | "notDataActions">>,
): RoleInfo {
  return {
    guid,
    name,
    actions: p.actions ?? [],
    notActions: p.notActions ?? [],
    dataActions: p.dataActions ?? [],
    notDataActions: p.notDataActions ?? [],
    builtIn: true,
  };
}

const BUILT_IN: RoleInfo[] = [
  builtIn("00482a5a-887f-4fb3-b363-3b7fe8e74483", "Key Vault Administrator", {
    actions: [`${KV}/*/read`],
    dataActions: [`${KV}/*`],
  }),
  builtIn("b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Key Vault Secrets Officer", {
    actions: [`${KV}/*/read`],
    dataActions: [`${KV}/secrets/*`],
  }),
  builtIn("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", {
    dataActions: [`${KV}/secrets/getSecret/action`, `${KV}/secrets/readMetadata/action`],
  }),
  builtIn("a4417e6f-fecd-4de8-b567-7b0420556985", "Key Vault Certificates Officer", {
    actions: [`${KV}/*/read`],
    dataActions: [`${KV}/certificatecas/*`, `${KV}/certificates/*`, `${KV}/certificatecontacts/write`],
  }),
  builtIn("db79e9a7-68ee-4b58-9aeb-b90e7c24fcba", "Key Vault Certificate User", {
    dataActions: [
      `${KV}/certificates/read`,
      `${KV}/secrets/getSecret/action`,
      `${KV}/secrets/readMetadata/action`,
      `${KV}/keys/read`,
    ],
  }),
  builtIn("14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "Key Vault Crypto Officer", {
    actions: [`${KV}/*/read`],
    dataActions: [`${KV}/keys/*`, `${KV}/keyrotationpolicies/*`],
  }),
  builtIn("12338af0-0e69-4776-bea7-57ae8d297424", "Key Vault Crypto User", {
    dataActions: [
      "read",
      "update/action",
      "backup/action",
      "encrypt/action",
      "decrypt/action",
      "wrap/action",
      "unwrap/action",
      "sign/action",
      "verify/action",
    ].map((a) => `${KV}/keys/${a}`),
  }),
  builtIn("e147488a-f6f5-4113-8e2d-b22465e65bf6", "Key Vault Crypto Service Encryption User", {
    dataActions: [`${KV}/keys/read`, `${KV}/keys/wrap/action`, `${KV}/keys/unwrap/action`],
  }),
  builtIn("21090545-7ca7-4776-b22c-e363652d74d2", "Key Vault Reader", {
    actions: [`${KV}/*/read`],
    dataActions: [`${KV}/*/read`, `${KV}/secrets/readMetadata/action`],
  }),
  builtIn("8b54135c-b56d-4d72-a534-26097cfdc8d8", "Key Vault Data Access Administrator", {
    actions: [
      "Microsoft.Authorization/roleAssignments/write",
      "Microsoft.Authorization/roleAssignments/delete",
      "*/read",
    ],
  }),
  builtIn("f25e0fa2-a7c8-4377-a976-54943a77a395", "Key Vault Contributor", {
    actions: ["Microsoft.KeyVault/*"],
    notActions: ["Microsoft.KeyVault/locations/deletedVaults/purge/action"],
  }),
  builtIn("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner", { actions: ["*"] }),
  builtIn("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor", {
    actions: ["*"],
    notActions: [
      "Microsoft.Authorization/*/Delete",
      "Microsoft.Authorization/*/Write",
      "Microsoft.Authorization/elevateAccess/Action",
    ],
  }),
  builtIn("18d7d88d-d35e-4fb5-a5c3-7773b7da4fd7", "User Access Administrator", {
    actions: ["*/read", "Microsoft.Authorization/*"],
  }),
  builtIn("f58310d9-a9f6-439a-9e8d-f62e7b41a168", "Role Based Access Control Administrator", {
    actions: [
      "Microsoft.Authorization/roleAssignments/write",
      "Microsoft.Authorization/roleAssignments/delete",
      "*/read",
    ],
  }),
  builtIn("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader", { actions: ["*/read"] }),
];

const BY_GUID = new Map(BUILT_IN.map((r) => [r.guid, r]));
const BY_NAME = new Map(BUILT_IN.map((r) => [r.name.toLowerCase(), r]));

/** A built-in role by its GUID (any case); undefined for custom or unlisted roles. */
export function builtInRole(guid: string): RoleInfo | undefined {
  return BY_GUID.get(guid.toLowerCase());
}

export function roleByName(name: ExpectableRole): RoleInfo {
  const r = BY_NAME.get(name.toLowerCase());
  if (!r) throw new Error(`no built-in role named ${name}`);
  return r;
}

/** Azure operation patterns: `*` matches any run of characters, case-insensitively. */
function matches(pattern: string, operation: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return re.test(operation);
}

/**
 * A concrete operation standing for a pattern: `*` becomes a segment no real operation uses, so a
 * grant covers the sample only if it covers every operation the pattern names. Exact for the
 * patterns Key Vault roles use (a trailing or single inner `*`).
 */
function sample(pattern: string): string {
  return pattern.replace(/\*/g, "vaultwatch-any");
}

function grants(role: RoleInfo, operation: string, data: boolean): boolean {
  const allow = data ? role.dataActions : role.actions;
  const deny = data ? role.notDataActions : role.notActions;
  return allow.some((p) => matches(p, operation)) && !deny.some((p) => matches(p, operation));
}

/** True when holding `granted` lets its holder do everything `needed` allows on a vault's data. */
export function coversData(granted: RoleInfo[], needed: RoleInfo): boolean {
  return needed.dataActions.every((p) => granted.some((g) => grants(g, sample(p), true)));
}

/** A principal that holds a role by an assignment: its object ID and ARM's `principalType`. */
export interface RoleHolder {
  /** Lower case. */
  principalId: string;
  /** "ServicePrincipal" (managed identities and apps), "User", "Group", or "" when ARM did not say. */
  principalType: string;
}

/**
 * Who holds `needed` on the vault among `assignments` (listed at the vault: at, above and below
 * it): the principals of the assignments at the vault or above whose role grants all that
 * `needed` does on its data. An assignment below the vault (one secret) does not hold it.
 */
export function holdersOf(
  assignments: readonly { scope: string; roleGuid: string; principalId: string; principalType: string }[],
  roles: ReadonlyMap<string, RoleInfo>,
  vaultId: string,
  needed: RoleInfo,
): RoleHolder[] {
  const vault = vaultId.toLowerCase().replace(/\/+$/, "");
  const out: RoleHolder[] = [];
  for (const a of assignments) {
    const role = roles.get(a.roleGuid);
    if (!role || a.scope.toLowerCase().startsWith(`${vault}/`) || !coversData([role], needed)) continue;
    const principalId = a.principalId.toLowerCase();
    if (!out.some((h) => h.principalId === principalId)) out.push({ principalId, principalType: a.principalType });
  }
  return out;
}

/**
 * The groups a principal has left by what Entra ID logged (AuditLogs, the `group-membership`
 * signal): those whose latest membership change for it is a removal. Lower-case object IDs.
 */
export function groupsLeft(
  principalId: string,
  changes: readonly { dims: { change: string; memberObjectId: string; groupObjectId: string }; lastAt: Date }[],
): Set<string> {
  const latest = new Map<string, { at: number; change: string }>();
  for (const c of changes) {
    if (c.dims.memberObjectId.toLowerCase() !== principalId.toLowerCase()) continue;
    const group = c.dims.groupObjectId.toLowerCase();
    const seen = latest.get(group);
    if (!seen || c.lastAt.getTime() >= seen.at) latest.set(group, { at: c.lastAt.getTime(), change: c.dims.change });
  }
  return new Set([...latest].filter(([, c]) => c.change === "removed").map(([g]) => g));
}

/** Reading metadata is never counted as over-broad, as get and list are not for access policies. */
const READ_ONLY = /(\/read|\/readMetadata\/action)$/i;

/** The data-action patterns of `role` that go beyond everything in `needed`, metadata reads aside. */
export function dataBeyond(role: RoleInfo, needed: RoleInfo[]): string[] {
  return role.dataActions.filter((p) => !READ_ONLY.test(p) && !needed.some((n) => grants(n, sample(p), true)));
}

/** Operations that hand out access: whoever may do one can give itself any data role or policy. */
const GRANTING_OPERATIONS = [
  "Microsoft.Authorization/roleAssignments/write",
  "Microsoft.KeyVault/vaults/accessPolicies/write",
  "Microsoft.KeyVault/vaults/write",
];

/** The access-granting operations `role` allows (Owner, User Access Administrator, Contributor in access-policy mode, ...). */
export function grantingOperations(role: RoleInfo): string[] {
  return GRANTING_OPERATIONS.filter((op) => grants(role, op, false));
}

/**
 * The access-policy permissions that stand for each expectable role in a vault that uses access
 * policies. Reading (get, list) is never counted as over-broad; `all` covers its whole category.
 */
export type PolicyCategory = "secrets" | "keys" | "certificates";
export const POLICY_NEEDS: Record<ExpectableRole, Partial<Record<PolicyCategory, string[]>>> = {
  "Key Vault Secrets User": { secrets: ["get"] },
  "Key Vault Secrets Officer": { secrets: ["get", "list", "set", "delete"] },
  "Key Vault Certificate User": { certificates: ["get"], secrets: ["get"] },
  "Key Vault Certificates Officer": { certificates: ["get", "list", "create", "update", "import", "delete"] },
  "Key Vault Crypto User": { keys: ["get", "encrypt", "decrypt", "wrapkey", "unwrapkey", "sign", "verify"] },
  "Key Vault Crypto Service Encryption User": { keys: ["get", "wrapkey", "unwrapkey"] },
  "Key Vault Crypto Officer": { keys: ["get", "list", "create", "update", "import", "delete"] },
  "Key Vault Reader": { secrets: ["list"], keys: ["list"], certificates: ["list"] },
  "Key Vault Administrator": { secrets: ["all"], keys: ["all"], certificates: ["all"] },
};
export const READ_PERMISSIONS = new Set(["get", "list"]);
