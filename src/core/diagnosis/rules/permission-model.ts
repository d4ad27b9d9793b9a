import { type Rule, UNKNOWN, dominates, changeBeforeOnset } from "./rule.js";
import { MIXED_MIN_SHARE } from "./thresholds.js";
import { partOf } from "./words.js";

/** H4: Key Vault permission model mismatch, RBAC against access policies (playbook H4). */

export const H4_RULES: Rule[] = [
  {
    id: "mixed-rbac-and-policy-denials",
    hypothesis: "H4",
    effect: "confirms",
    weight: 3,
    reads: ["kv-requests"],
    checks: "the mix of RBAC and access-policy denials",
    test: (f) => {
      if (!f.kv) return UNKNOWN;
      const { forbiddenRbac: rbac, forbiddenPolicy: policy } = f.kv.counts;
      return rbac > 0 && policy > 0 && Math.min(rbac, policy) / (rbac + policy) >= MIXED_MIN_SHARE
        ? `mixed denials: ${rbac} RBAC (ForbiddenByRbac) and ${policy} access-policy (ForbiddenByPolicy) on ${f.vaultName}`
        : undefined;
    },
  },
  {
    id: "policy-denials-dominate",
    hypothesis: "H4",
    effect: "confirms",
    weight: 2,
    reads: ["kv-requests"],
    checks: "the share of access-policy denials",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : dominates(f.kv.counts.forbiddenPolicy, f.kv.denials)
          ? `${partOf(f.kv.counts.forbiddenPolicy, f.kv.denials, "denial")} were access-policy denials (isAccessPolicyMatch=false)`
          : undefined,
  },
  {
    id: "vault-model-conflicts-with-denials",
    hypothesis: "H4",
    effect: "confirms",
    weight: 3,
    reads: ["kv-requests"],
    checks: "the vault's permission model against the denials",
    test: (f) => {
      if (!f.kv) return UNKNOWN;
      const rbacVault = f.vault.enableRbacAuthorization;
      const { forbiddenRbac: rbac, forbiddenPolicy: policy } = f.kv.counts;
      if (rbacVault === true && policy > rbac)
        return `${f.vaultName} uses RBAC (enableRbacAuthorization=true), yet ${policy} of the denials were access-policy denials: the model changed or the caller expects access policies`;
      if (rbacVault === false && rbac > policy)
        return `${f.vaultName} uses access policies (enableRbacAuthorization=false), yet ${rbac} of the denials were RBAC denials: the model changed or the caller expects RBAC`;
      return undefined;
    },
  },
  {
    id: "role-ignored-by-access-policy-vault",
    hypothesis: "H4",
    effect: "confirms",
    weight: 4,
    reads: [],
    checks: "the vault's permission model against the caller's grants",
    test: (f) =>
      f.vault.enableRbacAuthorization === false &&
      f.access.hasRequiredRole === true &&
      f.access.hasAccessPolicy !== true
        ? `${f.vaultName} uses access policies (enableRbacAuthorization=false): the RBAC role ${f.caller} holds is ignored and it has no access policy`
        : undefined,
  },
  {
    id: "access-policy-ignored-by-rbac-vault",
    hypothesis: "H4",
    effect: "confirms",
    weight: 4,
    reads: [],
    checks: "the vault's permission model against the caller's grants",
    test: (f) =>
      f.vault.enableRbacAuthorization === true && f.access.hasAccessPolicy === true && f.access.hasRequiredRole !== true
        ? `${f.vaultName} uses RBAC (enableRbacAuthorization=true): the access policy ${f.caller} holds is ignored and it has no role`
        : undefined,
  },
  {
    id: "vault-written-before-onset",
    hypothesis: "H4",
    effect: "confirms",
    weight: 3,
    reads: ["changes", "kv-requests"],
    checks: "vault writes before the failures",
    test: (f) =>
      changeBeforeOnset(
        f,
        f.changes?.vaultWrittenBeforeOnset,
        (c) => `${c.scope} updated`,
        "a vault write can switch the permission model",
      ),
  },
  {
    id: "access-policies-written-before-onset",
    hypothesis: "H4",
    effect: "confirms",
    weight: 2,
    reads: ["changes", "kv-requests"],
    checks: "access-policy writes before the failures",
    test: (f) =>
      changeBeforeOnset(f, f.changes?.accessPoliciesWrittenBeforeOnset, (c) => `access policies of ${c.scope} changed`),
  },
  {
    id: "rbac-denials-on-rbac-vault",
    hypothesis: "H4",
    effect: "disproves",
    weight: 3,
    reads: ["kv-requests"],
    checks: "the denials against the vault's permission model",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : f.vault.enableRbacAuthorization === true && f.kv.counts.forbiddenRbac > 0 && f.kv.counts.forbiddenPolicy === 0
          ? `every authorization 403 (${f.kv.counts.forbiddenRbac}) was an RBAC denial and ${f.vaultName} uses RBAC (enableRbacAuthorization=true): one model, consistently`
          : undefined,
  },
  {
    id: "model-and-grants-aligned",
    hypothesis: "H4",
    effect: "disproves",
    weight: 3,
    reads: [],
    checks: "the vault's permission model against the caller's grants",
    test: (f) => {
      const v = f.vault.enableRbacAuthorization;
      if (v === true && f.access.hasRequiredRole === true)
        return `${f.vaultName} uses RBAC and ${f.caller} holds a role: model and grants are aligned`;
      if (v === false && f.access.hasAccessPolicy === true)
        return `${f.vaultName} uses access policies and ${f.caller} has one: model and grants are aligned`;
      return undefined;
    },
  },
  {
    id: "no-policy-denials",
    hypothesis: "H4",
    effect: "disproves",
    weight: 1,
    reads: ["kv-requests"],
    checks: "access-policy denials",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : f.kv.counts.forbiddenPolicy === 0 && f.kv.counts.forbiddenRbac > 0
          ? `no access-policy denials: every authorization 403 came from RBAC`
          : undefined,
  },
];
