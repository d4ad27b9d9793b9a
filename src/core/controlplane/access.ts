import { describeChange, roleDeletions, type ActivityChange } from "./activity.js";
import {
  describeScope,
  isAtOrAbove,
  isBelow,
  normalizeId,
  resourceGroupScope,
  subscriptionScope,
  type VaultRef,
} from "./arm-ids.js";
import { finding, type ControlPlaneFinding } from "./findings.js";
import type { AccessExpectation } from "./config.js";
import {
  coversData,
  dataBeyond,
  grantingOperations,
  POLICY_NEEDS,
  READ_PERMISSIONS,
  roleByName,
  type PolicyCategory,
  type RoleInfo,
} from "./roles.js";
import type { AccessPolicyView, RoleAssignmentView, VaultConfig } from "./views.js";
import { accessStanding, policyWords } from "./grants.js";

export interface AccessInput {
  principal: { name: string; objectId: string; groupObjectIds: string[] };
  vault: VaultRef;
  /** This principal's expectations on this vault. */
  expectations: AccessExpectation[];
  /** What ARM listed at this vault for the principal and its groups: at, above (management groups included) and below. */
  assignments: RoleAssignmentView[];
  /** The principal's assignments listed at its other vaults this tick, to tell "assigned elsewhere" from "missing". */
  elsewhere: RoleAssignmentView[];
  /** Role definitions by GUID; a role missing here could not be resolved. */
  roles: ReadonlyMap<string, RoleInfo>;
  config: VaultConfig;
  activity: readonly ActivityChange[];
  now: Date;
}

interface Placed {
  a: RoleAssignmentView;
  role: RoleInfo | undefined;
  label: string;
}

/**
 * Compares the access a principal holds on a vault with what the config expects: a missing role,
 * a role at the wrong scope, an over-broad role, or access granted in the permission model the
 * vault does not use. Works in both models: RBAC assignments, or the principal's access policy.
 * H2 or H4 as grants.ts draws the line, the same line the log-based diagnosis draws.
 */
export function compareAccess(i: AccessInput): ControlPlaneFinding[] {
  const place = (a: RoleAssignmentView): Placed => {
    const role = i.roles.get(a.roleGuid);
    return {
      a,
      role,
      label: `${role?.name ?? `role ${a.roleGuid}`} at ${describeScope(a.scope)}${a.condition ? " (with a condition vaultwatch does not evaluate)" : ""}`,
    };
  };
  const all = i.assignments.map(place);
  const effective = all.filter((p) => !isBelow(p.a.scope, i.vault.id));
  const below = all.filter((p) => isBelow(p.a.scope, i.vault.id));
  const elsewhere = i.elsewhere
    .filter((a) => !isAtOrAbove(a.scope, i.vault.id) && !isBelow(a.scope, i.vault.id))
    .map(place);
  const policy = i.config.accessPolicies.find((p) => p.objectId === i.principal.objectId);
  const base = {
    subject: { vaultResourceId: i.vault.id, principal: { name: i.principal.name, objectId: i.principal.objectId } },
    observedAt: i.now,
  };
  const rbac = i.config.permissionModel === "rbac";
  const model = rbac ? "the vault uses Azure RBAC" : "the vault uses access policies";
  const out: ControlPlaneFinding[] = [];

  for (const exp of i.expectations) {
    const needed = roleByName(exp.role);
    const subject = { ...base.subject, role: exp.role };
    const covering = (ps: Placed[]) => ps.filter((p) => p.role && coversData([p.role], needed));
    const viaRbac = covering(effective);
    const policyGap = policyMissing(policy, exp.role);
    const byRbac = viaRbac.length > 0;
    const byPolicy = policyGap.length === 0;
    const standing = accessStanding(rbac ? byRbac : byPolicy, rbac ? byPolicy : byRbac);

    if (standing === "granted") {
      if (rbac) out.push(...scopeCheck(exp, viaRbac, i, base));
      continue;
    }
    // Access is not granted in the model the vault uses. Granted in the other one: H4.
    if (standing === "H4") {
      const otherModel = rbac
        ? [`the access policy for ${i.principal.name} (${policyWords(policy)}) is ignored`]
        : viaRbac.map((p) => `${p.label} does not apply`);
      out.push(
        finding({
          ...base,
          subject,
          kind: "permission-model-mismatch",
          hypothesis: "H4",
          severityHint: "SEV-2",
          summary: `${i.principal.name} has ${exp.role} access to ${i.vault.name} only in the permission model the vault does not use`,
          evidence: [`${model}: ${otherModel.join("; ")}`, ...(rbac ? [] : [policyState(i, policy, policyGap)])],
        }),
      );
      continue;
    }
    if (rbac) {
      const narrower = covering(below);
      const apart = covering(elsewhere);
      if (narrower.length > 0 || apart.length > 0) {
        out.push(
          finding({
            ...base,
            subject,
            kind: "role-wrong-scope",
            hypothesis: "H2",
            // Some reads still work with a secret-scoped role; none do when it sits on another vault.
            severityHint: narrower.length > 0 ? "SEV-3" : "SEV-2",
            summary: `${i.principal.name} holds ${exp.role} only at ${[...narrower, ...apart].map((p) => describeScope(p.a.scope)).join(", ")}, not on vault ${i.vault.name}`,
            evidence: [...narrower, ...apart].map((p) => `${p.label}: does not cover the vault as a whole`),
          }),
        );
        continue;
      }
    }
    out.push(
      finding({
        ...base,
        subject,
        kind: "role-missing",
        hypothesis: "H2",
        severityHint: "SEV-2",
        summary: `${i.principal.name} lacks ${exp.role} on vault ${i.vault.name}`,
        evidence: rbac ? missingRoleEvidence(i, effective, needed) : missingPolicyEvidence(i, policy, policyGap),
      }),
    );
  }
  out.push(...overBroad(i, effective, policy, base));
  return out;
}

/** A satisfying role placed above the scope the config asks for reaches more than this vault. */
function scopeCheck(
  exp: AccessExpectation,
  viaRbac: Placed[],
  i: AccessInput,
  base: { observedAt: Date; subject: ControlPlaneFinding["subject"] },
): ControlPlaneFinding[] {
  const allowed =
    exp.scope === "vault"
      ? i.vault.id
      : exp.scope === "resource-group"
        ? resourceGroupScope(i.vault)
        : subscriptionScope(i.vault);
  if (viaRbac.some((p) => isAtOrAbove(allowed, p.a.scope))) return [];
  return [
    finding({
      ...base,
      subject: { ...base.subject, role: exp.role },
      kind: "role-wrong-scope",
      hypothesis: undefined,
      severityHint: "SEV-4",
      summary: `${i.principal.name} gets ${exp.role} on ${i.vault.name} from a broader scope than the ${exp.scope} the config expects`,
      evidence: viaRbac.map((p) => `${p.label}: reaches every vault under ${describeScope(p.a.scope)}`),
    }),
  ];
}

function missingRoleEvidence(i: AccessInput, effective: Placed[], needed: RoleInfo): string[] {
  const held = effective
    .filter((p) => p.role)
    .map((p) => `holds ${p.label}, which does not grant what ${needed.name} does`);
  const unresolved = effective
    .filter((p) => !p.role)
    .map((p) => `role ${p.a.roleGuid} at ${describeScope(p.a.scope)} could not be read`);
  const deleted = roleDeletions(
    i.activity,
    i.vault.id,
    [i.principal.objectId, ...i.principal.groupObjectIds],
    needed.guid,
  ).map((c) => `AzureActivity: role assignment deleted by ${describeChange(c)}`);
  const none =
    effective.length === 0
      ? [`no role assignment for ${i.principal.name} (${i.principal.objectId}) at or above vault ${i.vault.name}`]
      : [];
  return ["the vault uses Azure RBAC", ...none, ...held, ...unresolved, ...deleted];
}

function missingPolicyEvidence(i: AccessInput, policy: AccessPolicyView | undefined, gap: string[]): string[] {
  const changes = i.activity
    .filter((c) => c.dims.kind === "vault-access-policy-write" || c.dims.kind === "vault-write")
    .filter((c) => normalizeId(c.dims.scope) === i.vault.id || isBelow(c.dims.scope, i.vault.id))
    .map((c) => `AzureActivity: vault or its access policies changed by ${describeChange(c)}`);
  return ["the vault uses access policies", policyState(i, policy, gap), ...changes];
}

/** What the principal's access policy lacks, or that it has none. */
function policyState(i: AccessInput, policy: AccessPolicyView | undefined, gap: string[]): string {
  return policy
    ? `the access policy for ${i.principal.name} lacks ${gap.join(", ")}`
    : `the vault has no access policy for ${i.principal.name} (${i.principal.objectId})`;
}

/** Permissions an expected role needs that the policy lacks, as "secrets: get". */
function policyMissing(policy: AccessPolicyView | undefined, role: AccessExpectation["role"]): string[] {
  const needs = POLICY_NEEDS[role];
  return (Object.entries(needs) as [PolicyCategory, string[]][]).flatMap(([cat, perms]) => {
    const have = new Set(policy?.[cat] ?? []);
    if (have.has("all")) return [];
    const lacking = perms.filter((p) => !have.has(p));
    return lacking.length > 0 ? [`${cat}: ${lacking.join(", ")}`] : [];
  });
}

function overBroad(
  i: AccessInput,
  effective: Placed[],
  policy: AccessPolicyView | undefined,
  base: { observedAt: Date; subject: ControlPlaneFinding["subject"] },
): ControlPlaneFinding[] {
  const neededRoles = i.expectations.map((e) => roleByName(e.role));
  const enough = i.expectations.map((e) => e.role).join(" and ");
  const out: ControlPlaneFinding[] = [];
  for (const p of effective) {
    if (!p.role) continue;
    const granting = grantingOperations(p.role);
    const beyond = i.config.permissionModel === "rbac" ? dataBeyond(p.role, neededRoles) : [];
    if (granting.length === 0 && beyond.length === 0) continue;
    out.push(
      finding({
        ...base,
        subject: { ...base.subject, role: p.role.name, scope: p.a.scope },
        kind: "role-over-broad",
        hypothesis: undefined,
        // A role that can grant access can grant itself anything; more data access is hygiene.
        severityHint: granting.length > 0 ? "SEV-3" : "SEV-4",
        summary: `${i.principal.name} holds ${p.role.name} at ${describeScope(p.a.scope)} where ${enough} is enough`,
        evidence: [
          ...(granting.length > 0
            ? [`${p.role.name} allows ${granting.join(", ")}: it can grant itself any access to the vault`]
            : []),
          ...(beyond.length > 0 ? [`${p.role.name} also allows ${beyond.join(", ")}`] : []),
        ],
      }),
    );
  }
  if (i.config.permissionModel === "access-policies" && policy) {
    const extra = policyExtras(
      policy,
      i.expectations.map((e) => e.role),
    );
    if (extra.length > 0) {
      out.push(
        finding({
          ...base,
          subject: { ...base.subject, role: "access policy" },
          kind: "role-over-broad",
          hypothesis: undefined,
          severityHint: "SEV-4",
          summary: `the access policy for ${i.principal.name} on ${i.vault.name} grants more than ${enough} needs`,
          evidence: [`beyond reading, it also grants ${extra.join("; ")}`],
        }),
      );
    }
  }
  return out;
}

/** Policy permissions beyond what the expected roles need, reading (get, list) excepted. */
function policyExtras(policy: AccessPolicyView, roles: AccessExpectation["role"][]): string[] {
  return (["secrets", "keys", "certificates"] as const).flatMap((cat) => {
    const needed = new Set(roles.flatMap((r) => POLICY_NEEDS[r][cat] ?? []));
    if (needed.has("all")) return [];
    const extra = policy[cat].filter((p) => !needed.has(p) && !READ_PERMISSIONS.has(p));
    return extra.length > 0 ? [`${cat}: ${extra.join(", ")}`] : [];
  });
}
