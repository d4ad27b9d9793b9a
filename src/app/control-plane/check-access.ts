/** Each principal's access where it is expected: role assignments listed once per scope, compared with the vault's model. */
import { compareAccess } from "../../core/controlplane/access.js";
import type { ControlPlaneFinding } from "../../core/controlplane/findings.js";
import { mapLimit, OncePerKey } from "./limit.js";
import type { ControlPlaneConfig, PrincipalConfig } from "../../core/controlplane/config.js";
import type { ReadContext } from "../../core/controlplane/monitor-problems.js";
import type { ArmRead, ControlPlaneDeps } from "../../core/controlplane/ports.js";
import { builtInRole, holdersOf, roleByName, type RoleInfo } from "../../core/controlplane/roles.js";
import type { RoleAssignmentView, VaultConfig } from "../../core/controlplane/views.js";
import type { ControlPlaneInput, Monitored, RoleHolding } from "./check-report.js";

/**
 * Checks each principal's access on the vaults where it is expected: role assignments are listed
 * once per (scope, principal) and compared with what the vault's permission model requires. A
 * listing that fails decides nothing about its vault and becomes a monitor problem. Also says who
 * holds each expected role: the principal itself or a group (the assignment's principal type),
 * so the diagnosis can tell a role lost with a group membership (`holdings`).
 */
export async function checkAccess(
  deps: ControlPlaneDeps,
  config: ControlPlaneConfig,
  input: ControlPlaneInput,
  vaults: Monitored[],
  configs: ReadonlyMap<string, VaultConfig>,
  failed: (r: ArmRead<unknown>, c: ReadContext) => void,
  ctx: (scope: string, reading: string) => ReadContext,
): Promise<{ findings: ControlPlaneFinding[]; holdings: RoleHolding[] }> {
  const refs = new Map(vaults.map((v) => [v.ref.id, v.ref]));
  const pairs = config.principals.flatMap((p) =>
    [...new Set(p.expect.map((e) => e.vault))].map((vault) => ({ p, vault })),
  );
  const listings = new OncePerKey<ArmRead<RoleAssignmentView[]>>();
  const list = (vault: string, id: string, p: PrincipalConfig) =>
    listings.get(`${vault}|${id}`, async () => {
      const r = await deps.roleAssignments.listForPrincipal(vault, id);
      failed(r, ctx(vault, `the role assignments of ${p.name}${id === p.objectId ? "" : ` (through group ${id})`}`));
      return r;
    });
  // Each listing: the principal and its groups, at one vault.
  const jobs = pairs.flatMap(({ p, vault }) => [p.objectId, ...p.groupObjectIds].map((id) => ({ p, vault, id })));
  await mapLimit(jobs, config.concurrency, (j) => list(j.vault, j.id, j.p));
  const listed = async (p: PrincipalConfig, vault: string): Promise<RoleAssignmentView[] | undefined> => {
    const reads = await Promise.all([p.objectId, ...p.groupObjectIds].map((id) => list(vault, id, p)));
    return reads.every((r) => r.ok) ? reads.flatMap((r) => (r.ok ? r.value : [])) : undefined;
  };

  const roles = await resolveRoles(deps, config, pairs, listed, failed, ctx);
  const out: ControlPlaneFinding[] = [];
  const holdings: RoleHolding[] = [];
  for (const { p, vault } of pairs) {
    const ref = refs.get(vault);
    const vaultConfig = configs.get(vault);
    const here = await listed(p, vault);
    if (!ref || !vaultConfig || !here) continue;
    for (const e of p.expect.filter((x) => x.vault === vault))
      holdings.push({
        vaultResourceId: vault,
        principalObjectId: p.objectId.toLowerCase(),
        role: e.role,
        holders: holdersOf(here, roles, vault, roleByName(e.role)),
      });
    const elsewhere = (
      await Promise.all(pairs.filter((o) => o.p === p && o.vault !== vault).map((o) => listed(p, o.vault)))
    ).flatMap((a) => a ?? []);
    out.push(
      ...compareAccess({
        principal: p,
        vault: ref,
        expectations: p.expect.filter((e) => e.vault === vault),
        assignments: here,
        elsewhere,
        roles,
        config: vaultConfig,
        activity: input.activity ?? [],
        now: input.now,
      }),
    );
  }
  return { findings: out, holdings };
}

/** Built-in roles from the static table; custom roles read once each, at a vault where they are assigned. */
async function resolveRoles(
  deps: ControlPlaneDeps,
  config: ControlPlaneConfig,
  pairs: { p: PrincipalConfig; vault: string }[],
  listed: (p: PrincipalConfig, vault: string) => Promise<RoleAssignmentView[] | undefined>,
  failed: (r: ArmRead<unknown>, c: ReadContext) => void,
  ctx: (scope: string, reading: string) => ReadContext,
): Promise<Map<string, RoleInfo>> {
  const roles = new Map<string, RoleInfo>();
  const custom = new Map<string, string>();
  for (const { p, vault } of pairs) {
    for (const a of (await listed(p, vault)) ?? []) {
      const known = builtInRole(a.roleGuid);
      if (known) roles.set(a.roleGuid, known);
      else if (!custom.has(a.roleGuid)) custom.set(a.roleGuid, vault);
    }
  }
  await mapLimit([...custom], config.concurrency, async ([guid, vault]) => {
    const r = await deps.roleAssignments.resolveRole(guid, vault);
    if (r.ok) roles.set(guid, r.value);
    else failed(r, ctx(vault, `role definition ${guid}`));
  });
  return roles;
}
