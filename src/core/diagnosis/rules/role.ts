import { type Rule, UNKNOWN, dominates, changeBeforeOnset, writePhase, phaseIs } from "./rule.js";
import type { Facts } from "./facts.js";
import { utcTime } from "../../common/utc.js";
import { minutesFrom, partOf, plural } from "./words.js";

/**
 * H2: the access missing at the right scope in the permission model the vault uses (playbook H2):
 * no RBAC role at the vault or above on an RBAC vault, or an access policy without the permission
 * on a vault that uses access policies. A grant held only in the other model is H4
 * (controlplane/grants.ts draws the line for both).
 */

/** The caller's denials since the change were access-policy denials: the vault uses access policies. */
const refusedByPolicy = (f: Facts) => !!f.kv && f.kv.counts.forbiddenPolicy > f.kv.counts.forbiddenRbac;

export const H2_RULES: Rule[] = [
  {
    id: "role-deleted-before-onset",
    hypothesis: "H2",
    effect: "confirms",
    weight: 4,
    reads: ["changes", "kv-requests"],
    checks: "role assignments deleted before the failures",
    test: (f) =>
      changeBeforeOnset(f, f.changes?.roleDeletedBeforeOnset, (c) => `${c.role} for ${f.caller} on ${c.scope} deleted`),
  },
  {
    // An access-policy write, or a vault write after which the vault refuses the caller by access
    // policy: the policies were replaced or edited, and the caller's lost the permission (the
    // issue's infrastructure-as-code run that replaced a vault's access policies).
    id: "access-policies-replaced-before-onset",
    hypothesis: "H2",
    effect: "confirms",
    weight: 3,
    reads: ["changes", "kv-requests"],
    checks: "access-policy and vault writes before access-policy denials",
    test: (f) => {
      const policies = f.changes?.accessPoliciesWrittenBeforeOnset;
      const vault = f.changes?.vaultWrittenBeforeOnset;
      if (!f.changes || !f.kv) return UNKNOWN;
      if (!refusedByPolicy(f)) return undefined;
      if (policies)
        return changeBeforeOnset(
          f,
          policies,
          (c) => `access policies of ${c.scope} changed`,
          `its access policies now refuse ${f.caller}`,
        );
      return changeBeforeOnset(
        f,
        vault,
        (c) => `${c.scope} updated`,
        `its denials since are access-policy denials: the write replaced the access policies, and ${f.caller}'s no longer grants what it calls`,
      );
    },
  },
  {
    id: "rbac-denials-dominate",
    hypothesis: "H2",
    effect: "confirms",
    weight: 2,
    reads: ["kv-requests"],
    checks: "the share of RBAC denials",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : dominates(f.kv.counts.forbiddenRbac, f.kv.denials)
          ? `${partOf(f.kv.counts.forbiddenRbac, f.kv.denials, "denial")} were RBAC denials (isRbacAuthorized=false)`
          : undefined,
  },
  {
    // Key Vault answers ForbiddenByPolicy only on a vault that uses access policies: the caller's
    // policy does not grant the operation (playbook identity map: "Access Policy → Get/List secret policy").
    id: "policy-denials-dominate",
    hypothesis: "H2",
    effect: "confirms",
    weight: 2,
    reads: ["kv-requests"],
    checks: "the share of access-policy denials",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : dominates(f.kv.counts.forbiddenPolicy, f.kv.denials)
          ? `${partOf(f.kv.counts.forbiddenPolicy, f.kv.denials, "denial")} were access-policy denials (isAccessPolicyMatch=false): ${f.vaultName} uses access policies and ${f.caller}'s does not grant what it calls`
          : undefined,
  },
  {
    id: "no-required-role",
    hypothesis: "H2",
    effect: "confirms",
    weight: 3,
    reads: [],
    checks: "the caller's role assignments",
    test: (f) =>
      f.access.hasRequiredRole === false &&
      f.access.roleAtWrongScope !== true &&
      f.grants.model !== "access-policies" &&
      f.grants.standing !== "H4"
        ? `${f.caller} holds no role that grants the action on ${f.vaultName} or a parent scope (control-plane check)`
        : undefined,
  },
  {
    id: "policy-lacks-permission",
    hypothesis: "H2",
    effect: "confirms",
    weight: 3,
    reads: [],
    checks: "the caller's access policy against the operations it calls",
    test: (f) => {
      const g = f.grants;
      if (g.model !== "access-policies" || g.standing !== "H2" || g.policyCovers !== false) return undefined;
      if (g.policy === "none")
        return `${f.vaultName} uses access policies and has none for ${f.caller} (control-plane check)`;
      const needs = g.lackingOperations ? `${g.lackingOperations} needs` : "the access needs";
      return `the access policy for ${f.caller} on ${f.vaultName} grants ${g.policy}, not the ${g.policyLacks.join(", ") || "permission"} ${needs} (control-plane check)`;
    },
  },
  {
    id: "role-at-wrong-scope",
    hypothesis: "H2",
    effect: "confirms",
    weight: 3,
    reads: [],
    checks: "the scope of the caller's role assignments",
    test: (f) =>
      f.access.roleAtWrongScope === true
        ? `${f.caller} holds the role only at a scope that does not cover ${f.vaultName} (control-plane check)`
        : undefined,
  },
  {
    id: "denied-after-role-write",
    hypothesis: "H2",
    effect: "confirms",
    weight: 2,
    reads: ["changes", "kv-requests"],
    checks: "denials continuing after a role write",
    test: (f) => {
      const p = phaseIs(f, "past-window", "outlasted");
      if (p === UNKNOWN || !p) return p;
      const w = writePhase(f)!;
      return `denials continued until ${utcTime(w.lastAt)}, ${plural(minutesFrom(w.write.at, w.lastAt), "minute")} after the ${w.words}: the role or scope written may not grant the action`;
    },
  },
  {
    id: "role-restored",
    hypothesis: "H2",
    effect: "disproves",
    weight: 4,
    reads: ["changes", "kv-requests"],
    checks: "role assignments restored during the failures",
    test: (f) => {
      const p = phaseIs(f, "inside-window", "stopped-inside");
      if (p === UNKNOWN || !p || !f.changes?.writeIsRestore) return p === UNKNOWN ? UNKNOWN : undefined;
      return `${writePhase(f)!.words}: the missing role is back`;
    },
  },
  {
    id: "role-present",
    hypothesis: "H2",
    effect: "disproves",
    weight: 4,
    reads: [],
    checks: "the caller's role assignments",
    test: (f) =>
      f.access.hasRequiredRole === true && f.access.roleAtWrongScope !== true && f.grants.model !== "access-policies"
        ? `${f.caller} holds the required role on ${f.vaultName} or a parent scope (control-plane check)`
        : undefined,
  },
  {
    id: "policy-grants-operations",
    hypothesis: "H2",
    effect: "disproves",
    weight: 4,
    reads: [],
    checks: "the caller's access policy against the operations it calls",
    test: (f) =>
      f.grants.model === "access-policies" && f.grants.policyJudged && f.grants.policyCovers === true
        ? `the access policy for ${f.caller} on ${f.vaultName} grants ${f.grants.policy}, all that ${f.grants.operations} needs (control-plane check)`
        : undefined,
  },
  {
    // The playbooks' line: access held in the model the vault does not use is H4, not a missing grant.
    id: "granted-in-other-model",
    hypothesis: "H2",
    effect: "disproves",
    weight: 3,
    reads: [],
    checks: "the caller's grants in the model the vault does not use",
    test: (f) =>
      f.grants.standing === "H4"
        ? `${f.caller} holds the access in the permission model ${f.vaultName} does not use (${f.grants.model === "rbac" ? "an access policy" : "an RBAC role"}): a model mismatch, not a missing grant (control-plane check)`
        : undefined,
  },
  {
    // The Functions playbook weakens H2 when the 403s stop without a role change; read here as no
    // authorization denials (RBAC or access policy) and no role or access-policy change. A single
    // such denial settles it without the change log.
    id: "no-rbac-denials-no-role-change",
    hypothesis: "H2",
    effect: "disproves",
    weight: 3,
    reads: ["kv-requests", "changes"],
    checks: "RBAC and access-policy denials, and role and access-policy changes for the caller",
    test: (f) => {
      if (!f.kv) return UNKNOWN;
      if (f.kv.counts.forbiddenRbac > 0 || f.kv.counts.forbiddenPolicy > 0) return undefined;
      if (!f.changes) return UNKNOWN;
      if (f.changes.anyRoleChange || f.changes.accessPoliciesWrittenBeforeOnset) return undefined;
      return `no RBAC or access-policy denials among ${plural(f.kv.denials, "denial")} and no role assignment change for ${f.caller} in the change log`;
    },
  },
];
