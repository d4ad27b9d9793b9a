import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRoleAssignmentReader } from "../../src/adapters/arm/role-assignments.js";
import { createVaultReader } from "../../src/adapters/arm/vaults.js";
import { createDiagnosticSettingsReader } from "../../src/adapters/arm/diagnostic-settings.js";
import { createVaultDiscovery } from "../../src/adapters/arm/resource-graph.js";
import { createIdentityProber } from "../../src/adapters/arm/identity-prober.js";
import { checkControlPlane } from "../../src/app/control-plane/check.js";
import { parseControlPlaneConfig } from "../../src/core/controlplane/config.js";
import { emptyArmState } from "../../tools/standin/arm-state.js";
import { armId, MONITOR_CLIENT_ID, startArmHarness, type ArmHarness } from "./harness.js";
import { at, ORDERS_OID, ROLE, VAULT, WORKSPACE } from "./fixtures.js";

/**
 * Resource Manager answering 200 with a body that is not what was asked for. The SDK maps any body
 * onto its model, so `{}` used to read as "no role assignments" and page SEV-2 "id-func-orders
 * lacks Key Vault Secrets User": a vault finding made of a broken answer. It is the monitor's
 * problem: nothing about the vault or the identity can be judged from it.
 */

const audit = [
  { name: "audit-to-law", workspaceId: armId(WORKSPACE), logs: [{ category: "AuditEvent", enabled: true }] },
];

let h: ArmHarness;
beforeAll(async () => {
  h = await startArmHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  Object.assign(h.arm.state, emptyArmState(), {
    vaults: [{ id: armId(VAULT) }],
    diagnosticSettings: { [VAULT]: audit },
    // The role is there: only the answer about it is broken.
    roleAssignments: [{ scope: armId(VAULT), roleDefinitionGuid: ROLE.secretsUser, principalId: ORDERS_OID }],
  });
  h.arm.faults.clear();
  h.arm.requests.length = 0;
  h.traffic.drain();
});

function check() {
  const config = parseControlPlaneConfig({
    workspaces: [armId(WORKSPACE)],
    vaults: [{ resourceId: armId(VAULT) }],
    principals: [
      {
        name: "id-func-orders",
        objectId: ORDERS_OID,
        expect: [{ vault: armId(VAULT), role: "Key Vault Secrets User" }],
      },
    ],
    audiences: ["key-vault"],
  });
  if (!config.ok) throw new Error(config.errors.join("\n"));
  const deps = {
    roleAssignments: createRoleAssignmentReader(h.options),
    vaults: createVaultReader(h.options),
    diagnosticSettings: createDiagnosticSettingsReader(h.options),
    discovery: createVaultDiscovery(h.options),
    prober: createIdentityProber({ env: process.env, timeoutMs: 2_000, maxRetries: 0 }),
    monitorIdentity: { name: "vaultwatch", clientId: MONITOR_CLIENT_ID },
    traffic: h.traffic,
  };
  return checkControlPlane(deps, config.config, { now: at(10), previousSnapshots: new Map(), activity: [] });
}

describe("a role-assignment answer that is not a list of role assignments", () => {
  it.each([
    ["{}", {}, "value: Invalid input: expected array, received undefined"],
    ['{"value": {}}', { value: {} }, "value: Invalid input: expected array, received object"],
    ['{"value": "x"}', { value: "x" }, "value: Invalid input: expected array, received string"],
    ["an item with no properties", { value: [{ id: "/x" }] }, "value[0].properties: Invalid input: expected object"],
    [
      "an item with no principal",
      { value: [{ id: "/x", properties: { scope: armId(VAULT), roleDefinitionId: `/r/${ROLE.secretsUser}` } }] },
      "value[0].properties.principalId: Invalid input: expected string",
    ],
  ])("%s is a monitor problem naming the scope, never a finding about the vault or identity", async (_, body, why) => {
    h.arm.faults.inject("roleAssignments", { kind: "status", status: 200, body }, 3);
    const r = await check();
    expect(r.findings).toEqual([]);
    expect(r.monitorProblems.map((p) => [p.kind, p.subject.scope])).toEqual([["arm-malformed", VAULT]]);
    expect(r.monitorProblems[0]!.summary).toContain(
      `Resource Manager answered 200 with no list of role assignments for ${VAULT}; vaultwatch cannot judge access there (${why}`,
    );
  });

  it("an empty list is an answer: the role is missing", async () => {
    h.arm.faults.inject("roleAssignments", { kind: "status", status: 200, body: { value: [] } }, 3);
    const r = await check();
    expect(r.findings.map((f) => [f.kind, f.summary])).toEqual([
      ["role-missing", "id-func-orders lacks Key Vault Secrets User on vault kv-orders-prod"],
    ]);
    expect(r.monitorProblems).toEqual([]);
  });
});

describe("a vault answer without the vault's properties", () => {
  it.each([
    ["{}", {}],
    ["no properties", { id: armId(VAULT) }],
    ["properties without a tenant", { id: armId(VAULT), properties: { accessPolicies: [] } }],
  ])("%s is a monitor problem, and the vault's configuration is unknown", async (_, body) => {
    h.arm.faults.inject("vaults", { kind: "status", status: 200, body }, 3);
    const r = await check();
    expect(r.findings.filter((f) => f.kind !== "blind-spot")).toEqual([]);
    expect(r.monitorProblems.map((p) => p.kind)).toEqual(["arm-malformed"]);
    expect(r.monitorProblems[0]!.summary).toMatch(
      /^Resource Manager answered 200 without the properties of vault .*kv-orders-prod; vaultwatch cannot judge its configuration \(/,
    );
    expect(r.vaults[0]).toMatchObject({ config: "unknown" });
  });
});
