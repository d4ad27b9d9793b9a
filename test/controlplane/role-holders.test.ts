import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRoleAssignmentReader } from "../../src/adapters/arm/role-assignments.js";
import { createVaultReader } from "../../src/adapters/arm/vaults.js";
import { createDiagnosticSettingsReader } from "../../src/adapters/arm/diagnostic-settings.js";
import { createIdentityProber } from "../../src/adapters/arm/identity-prober.js";
import { checkControlPlane, type ControlPlaneDeps } from "../../src/app/control-plane/check.js";
import { factsOf } from "../../src/app/control-plane/tick.js";
import { parseControlPlaneConfig, type ControlPlaneConfig } from "../../src/core/controlplane/config.js";
import { builtInRole, groupsLeft, holdersOf, roleByName } from "../../src/core/controlplane/roles.js";
import type { SignalRow } from "../../src/core/signals/signal-set.js";
import { emptyArmState, type StandInRoleAssignment } from "../../tools/standin/arm-state.js";
import { armId, MONITOR_CLIENT_ID, startArmHarness, type ArmHarness } from "./harness.js";
import { assignment, at, GROUP_OID, ORDERS_OID, RG, ROLE, VAULT, WORKSPACE } from "./fixtures.js";

/**
 * Who holds a principal's expected role on a vault, from the role assignments' principal type
 * (ARM's `principalType`): the principal itself or a group it is configured in. The control plane
 * counts a configured group's role as the principal's own; once Entra ID's audit log shows the
 * principal removed from that group, the role it sees is no longer the principal's.
 */

let h: ArmHarness;
beforeAll(async () => {
  h = await startArmHarness();
});
afterAll(() => h.close());

const audit = [
  { name: "audit-to-law", workspaceId: armId(WORKSPACE), logs: [{ category: "AuditEvent", enabled: true }] },
];
const groupGrant: StandInRoleAssignment = {
  scope: armId(VAULT),
  roleDefinitionGuid: ROLE.secretsUser,
  principalId: GROUP_OID,
  principalType: "Group",
};
const ownGrant: StandInRoleAssignment = {
  scope: armId(VAULT),
  roleDefinitionGuid: ROLE.secretsUser,
  principalId: ORDERS_OID,
};

function arm(roleAssignments: StandInRoleAssignment[]) {
  Object.assign(h.arm.state, emptyArmState(), {
    vaults: [{ id: armId(VAULT) }],
    diagnosticSettings: { [VAULT]: audit },
    roleAssignments,
  });
}
beforeEach(() => arm([groupGrant]));

const config: ControlPlaneConfig = (() => {
  const r = parseControlPlaneConfig({
    workspaces: [armId(WORKSPACE)],
    vaults: [{ resourceId: armId(VAULT) }],
    principals: [
      {
        name: "id-func-orders",
        objectId: ORDERS_OID,
        groupObjectIds: [GROUP_OID],
        expect: [{ vault: armId(VAULT), role: "Key Vault Secrets User" }],
      },
    ],
    audiences: ["arm"],
  });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config;
})();

const deps = (): ControlPlaneDeps => ({
  roleAssignments: createRoleAssignmentReader(h.options),
  vaults: createVaultReader(h.options),
  diagnosticSettings: createDiagnosticSettingsReader(h.options),
  discovery: undefined,
  prober: createIdentityProber({ env: process.env, timeoutMs: 2_000, maxRetries: 0 }),
  monitorIdentity: { name: "vaultwatch", clientId: MONITOR_CLIENT_ID },
  traffic: h.traffic,
});
const check = () => checkControlPlane(deps(), config, { now: at(10), previousSnapshots: new Map(), activity: [] });

const membership = (
  change: "added" | "removed",
  minute: number,
  member = ORDERS_OID,
): SignalRow<"group-membership"> => ({
  binStart: at(minute - (minute % 5)),
  dims: {
    change,
    memberObjectId: member,
    groupObjectId: GROUP_OID,
    groupName: "grp-kv-orders-readers",
    initiatedBy: "alice@contoso.com",
  },
  counts: { events: 1 },
  firstAt: at(minute),
  lastAt: at(minute),
});
const KEY = `${VAULT}|${ORDERS_OID}`;

describe("who holds a principal's role, as the control plane reads Resource Manager", () => {
  it("names the group that holds the role, by the assignment's principal type, and finds nothing wrong", async () => {
    const r = await check();
    expect(r.findings).toEqual([]);
    expect(r.roleHolders).toEqual([
      {
        vaultResourceId: VAULT,
        principalObjectId: ORDERS_OID,
        role: "Key Vault Secrets User",
        holders: [{ principalId: GROUP_OID, principalType: "Group" }],
      },
    ]);
    const facts = factsOf(r, config)!;
    expect(facts.access[KEY]).toEqual({ hasRequiredRole: true });
    expect(facts.roleThrough?.[KEY]).toEqual({ direct: false, groupObjectIds: [GROUP_OID] });
  });

  it("says the role is held directly when the principal has an assignment of its own too", async () => {
    arm([groupGrant, ownGrant]);
    const facts = factsOf(await check(), config)!;
    expect(facts.roleThrough?.[KEY]).toEqual({ direct: true, groupObjectIds: [GROUP_OID] });
  });

  it("no longer calls the role present once Entra ID logged the principal's removal from the group", async () => {
    const r = await check();
    expect(factsOf(r, config, [membership("removed", 2)])!.access[KEY]).toEqual({});
    // Back in the group: the role is the principal's again.
    expect(factsOf(r, config, [membership("removed", 2), membership("added", 8)])!.access[KEY]).toEqual({
      hasRequiredRole: true,
    });
    // Someone else's removal changes nothing for it, nor does any removal when it holds the role itself.
    const other = "5c8a1e3f-9d2b-4a6c-8e0f-3b5d7a9c1e42";
    expect(factsOf(r, config, [membership("removed", 2, other)])!.access[KEY]).toEqual({ hasRequiredRole: true });
    arm([groupGrant, ownGrant]);
    expect(factsOf(await check(), config, [membership("removed", 2)])!.access[KEY]).toEqual({ hasRequiredRole: true });
  });
});

describe("holders of a role, and groups left", () => {
  const roles = new Map([
    [ROLE.secretsUser, builtInRole(ROLE.secretsUser)!],
    [ROLE.reader, builtInRole(ROLE.reader)!],
  ]);
  const needed = roleByName("Key Vault Secrets User");

  it("counts assignments at the vault or above whose role grants the data actions, not one on a single secret", () => {
    const group = { ...assignment(ROLE.secretsUser, RG, GROUP_OID), principalType: "Group" };
    const secretOnly = assignment(ROLE.secretsUser, `${VAULT}/secrets/db-password`);
    const tooWeak = assignment(ROLE.reader, VAULT);
    expect(holdersOf([group, secretOnly, tooWeak], roles, VAULT, needed)).toEqual([
      { principalId: GROUP_OID, principalType: "Group" },
    ]);
  });

  it("reads the latest change per group: removed then added back is still in", () => {
    expect([...groupsLeft(ORDERS_OID, [membership("removed", 2)])]).toEqual([GROUP_OID]);
    expect([...groupsLeft(ORDERS_OID, [membership("added", 8), membership("removed", 2)])]).toEqual([]);
    expect([...groupsLeft(ORDERS_OID.toUpperCase(), [membership("removed", 2)])]).toEqual([GROUP_OID]);
  });
});
