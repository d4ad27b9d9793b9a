/**
 * The playbooks' line between H2 and H4 (docs/reference/playbooks.md), in one place for the
 * control-plane findings (access.ts, drift.ts) and the log-based diagnosis (diagnosis/rules/):
 *
 * - H2: the access is missing in the permission model the vault uses: no role that grants it at
 *   the vault or above on an RBAC vault, or an access policy that lacks the permission (or no
 *   policy at all) on a vault that uses access policies.
 * - H4: the access is missing in the vault's model but granted in the other one: an access policy
 *   on an RBAC vault, or an RBAC role on a vault that uses access policies. Key Vault reads only
 *   one model at a time ("If RBAC is enabled, access policies are ignored").
 */

export type PermissionModel = "rbac" | "access-policies";

/** Where a caller's access stands: granted in the vault's model, missing (H2), or only in the other model (H4). */
export type AccessStanding = "granted" | "H2" | "H4";

/**
 * `inVaultModel`: whether the vault's own model grants the access; `inOtherModel`: whether the
 * other model would. Undefined when the vault's model cannot be judged; an unknown other model
 * leaves the access missing (H2): a grant nobody has seen is not evidence.
 */
export function accessStanding(
  inVaultModel: boolean | undefined,
  inOtherModel: boolean | undefined,
): AccessStanding | undefined {
  if (inVaultModel === undefined) return undefined;
  if (inVaultModel) return "granted";
  return inOtherModel === true ? "H4" : "H2";
}

export type PolicyCategory = "secrets" | "keys" | "certificates";

/** An access policy's data permissions, lower-case as ARM lists them (views.ts). */
export type PolicyPermissions = Partial<Record<PolicyCategory, readonly string[]>>;

/** One access-policy permission: "secrets: list". */
export interface PolicyPermission {
  category: PolicyCategory;
  permission: string;
}

const CATEGORY_PREFIXES: [string, PolicyCategory][] = [
  ["Secret", "secrets"],
  ["Key", "keys"],
  ["Certificate", "certificates"],
];

/**
 * The access-policy permission each Key Vault operation needs, by the operation's verb
 * (Key Vault logging, "Operation names for object operations": SecretGet, SecretList,
 * SecretListVersions, KeyUnwrap, CertificateGet, …; the permissions are those of
 * `az keyvault set-policy`). Verbs not listed are not judged.
 */
const VERB_PERMISSIONS: Record<string, string> = {
  Get: "get",
  GetDeleted: "get",
  List: "list",
  ListVersions: "list",
  ListDeleted: "list",
  Set: "set",
  Update: "update",
  Delete: "delete",
  Backup: "backup",
  Restore: "restore",
  Recover: "recover",
  Purge: "purge",
  Create: "create",
  Import: "import",
  Sign: "sign",
  Verify: "verify",
  Wrap: "wrapkey",
  Unwrap: "unwrapkey",
  Encrypt: "encrypt",
  Decrypt: "decrypt",
  Rotate: "rotate",
  Release: "release",
};

/** The permission an operation needs in an access policy; undefined for operations not judged. */
export function policyPermissionOf(operation: string): PolicyPermission | undefined {
  for (const [prefix, category] of CATEGORY_PREFIXES) {
    if (!operation.startsWith(prefix)) continue;
    const verb = operation.slice(prefix.length);
    const permission = VERB_PERMISSIONS[verb];
    if (!permission) return undefined;
    // A secret is updated with `set`: access policies have no separate update for secrets.
    return { category, permission: category === "secrets" && permission === "update" ? "set" : permission };
  }
  return undefined;
}

/**
 * The permissions `operations` need that `policy` does not grant, as "secrets: list", in the
 * operations' order; `all` grants its whole category. Operations not judged are skipped.
 */
export function policyLacks(policy: PolicyPermissions | undefined, operations: readonly string[]): string[] {
  const out: string[] = [];
  for (const op of operations) {
    const need = policyPermissionOf(op);
    if (!need) continue;
    const have = new Set((policy?.[need.category] ?? []).map((p) => p.toLowerCase()));
    const text = `${need.category}: ${need.permission}`;
    if (!have.has("all") && !have.has(need.permission) && !out.includes(text)) out.push(text);
  }
  return out;
}

/** The operations among `operations` whose permission `policy` does not grant ("SecretList"). */
export function operationsLacking(policy: PolicyPermissions | undefined, operations: readonly string[]): string[] {
  return operations.filter((op) => policyLacks(policy, [op]).length > 0);
}

/** Whether any of `operations` is one whose access-policy permission is known. */
export function judgesOperations(operations: readonly string[]): boolean {
  return operations.some((op) => policyPermissionOf(op) !== undefined);
}

/** "secrets: get, list; keys: -" for the categories a policy grants anything in, "no permissions" otherwise. */
export function policyWords(policy: PolicyPermissions | undefined): string {
  if (!policy) return "none";
  const parts = (["secrets", "keys", "certificates"] as const)
    .filter((c) => (policy[c] ?? []).length > 0)
    .map((c) => `${c}: ${(policy[c] ?? []).join(", ")}`);
  return parts.join("; ") || "no permissions";
}
