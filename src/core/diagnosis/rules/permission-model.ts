import { type Rule, UNKNOWN, changeBeforeOnset } from "./rule.js";
import { MIXED_MIN_SHARE } from "./thresholds.js";

/**
 * H4: Key Vault permission model mismatch (playbook H4): the access is granted, but in the model
 * the vault does not use: an access policy on an RBAC vault, or an RBAC role on a vault that uses
 * access policies. Access missing in the vault's own model, with nothing in the other, is H2
 * (controlplane/grants.ts draws the line for both).
 */

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
    test: (f) => {
      const g = f.grants;
      if (g.model !== "access-policies" || g.standing !== "H4") return undefined;
      const policy =
        g.policy === undefined || g.policy === "none"
          ? "it has no access policy"
          : g.policyLacks.length > 0
            ? `its access policy (${g.policy}) lacks ${g.policyLacks.join(", ")}`
            : "its access policy does not grant the access";
      return `${f.vaultName} uses access policies (enableRbacAuthorization=false): the RBAC role ${f.caller} holds is ignored and ${policy}`;
    },
  },
  {
    id: "access-policy-ignored-by-rbac-vault",
    hypothesis: "H4",
    effect: "confirms",
    weight: 4,
    reads: [],
    checks: "the vault's permission model against the caller's grants",
    test: (f) => {
      const g = f.grants;
      if (g.model !== "rbac" || g.standing !== "H4") return undefined;
      const policy = g.policy && g.policy !== "none" ? ` (${g.policy})` : "";
      return `${f.vaultName} uses RBAC (enableRbacAuthorization=true): the access policy ${f.caller} holds${policy} is ignored and it has no role that grants the access`;
    },
  },
  {
    // Key Vault answers ForbiddenByRbac only on an RBAC vault: a vault write before the caller's
    // first RBAC denial, with no role of the caller deleted, is the switch to RBAC that leaves
    // grants held as access policies ignored (the playbook's "Verify Before Switching").
    id: "vault-switched-to-rbac-before-onset",
    hypothesis: "H4",
    effect: "confirms",
    weight: 3,
    reads: ["changes", "kv-requests"],
    checks: "vault writes before RBAC denials",
    test: (f) => {
      if (!f.changes || !f.kv) return UNKNOWN;
      const { forbiddenRbac: rbac, forbiddenPolicy: policy } = f.kv.counts;
      if (rbac === 0 || rbac < policy || f.changes.roleDeletedBeforeOnset) return undefined;
      return changeBeforeOnset(
        f,
        f.changes.vaultWrittenBeforeOnset,
        (c) => `${c.scope} updated`,
        "its denials since are RBAC denials: a vault write that switches to RBAC leaves grants held as access policies ignored",
      );
    },
  },
  {
    id: "no-grant-in-other-model",
    hypothesis: "H4",
    effect: "disproves",
    weight: 3,
    reads: [],
    checks: "the caller's grants in the model the vault does not use",
    test: (f) => {
      const g = f.grants;
      if (g.standing !== "H2") return undefined;
      if (g.model === "rbac" && g.policyCovers === false)
        return g.policy === "none"
          ? `${f.vaultName} uses RBAC and holds no access policy for ${f.caller}: no grant in the other model is being ignored`
          : `${f.vaultName} uses RBAC, and ${f.caller}'s access policy (${g.policy}) would not grant the access either`;
      if (g.model === "access-policies" && g.roleCovers === false)
        return `${f.vaultName} uses access policies and ${f.caller} holds no role that grants the access: no grant in the other model is being ignored`;
      return undefined;
    },
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
];
