import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRoleAssignmentReader } from "../../src/adapters/arm/role-assignments.js";
import { createVaultReader } from "../../src/adapters/arm/vaults.js";
import { createDiagnosticSettingsReader } from "../../src/adapters/arm/diagnostic-settings.js";
import { createVaultDiscovery } from "../../src/adapters/arm/resource-graph.js";
import type { ArmEndpoint } from "../../tools/standin/arm-faults.js";
import { emptyArmState } from "../../tools/standin/arm-state.js";
import { redirectTo } from "../../tools/standin/redirect.js";
import { testClock } from "../fixtures/sleep.js";
import { armId, startArmHarness, type ArmHarness } from "./harness.js";
import { ORDERS_OID, OTHER_VAULT, RG, ROLE, SUB, VAULT, WORKSPACE } from "./fixtures.js";

const SUB2 = "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6";
const CUSTOM = "c0ffee00-1111-4222-8333-444455556666";
const LEGACY = `/subscriptions/${SUB2}/resourceGroups/rg-legacy/providers/Microsoft.KeyVault/vaults/kv-legacy`;

let h: ArmHarness;
beforeAll(async () => {
  h = await startArmHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  Object.assign(h.arm.state, emptyArmState(), {
    vaults: [{ id: armId(VAULT) }, { id: armId(OTHER_VAULT) }, { id: LEGACY }],
    diagnosticSettings: {
      [VAULT]: [
        {
          name: "metrics",
          workspaceId: armId(WORKSPACE),
          logs: [{ category: "AzurePolicyEvaluationDetails", enabled: true }],
        },
        {
          name: "audit-to-law",
          workspaceId: armId(WORKSPACE),
          logAnalyticsDestinationType: "Dedicated",
          logs: [{ categoryGroup: "audit", enabled: true }],
        },
      ],
    },
  });
  h.arm.requests.length = 0;
  h.arm.faults.clear();
  h.traffic.drain();
  h.clock.waits.length = 0;
});

describe("reading role assignments with @azure/arm-authorization", () => {
  it("lists the principal's assignments at, above and below the vault across pages, and nothing of others", async () => {
    h.arm.state.pageSize = 2;
    h.arm.state.roleAssignments = [
      { scope: armId(VAULT), roleDefinitionGuid: ROLE.secretsUser, principalId: ORDERS_OID },
      { scope: armId(RG), roleDefinitionGuid: ROLE.plainReader, principalId: ORDERS_OID },
      {
        scope: "/providers/Microsoft.Management/managementGroups/mg-prod",
        roleDefinitionGuid: ROLE.plainReader,
        principalId: ORDERS_OID,
      },
      {
        scope: `${armId(VAULT)}/secrets/db-password`,
        roleDefinitionGuid: ROLE.secretsOfficer,
        principalId: ORDERS_OID,
      },
      { scope: armId(OTHER_VAULT), roleDefinitionGuid: ROLE.secretsUser, principalId: ORDERS_OID },
      { scope: armId(VAULT), roleDefinitionGuid: ROLE.owner, principalId: "11111111-2222-4333-8444-555555555555" },
    ];
    const r = await createRoleAssignmentReader(h.options).listForPrincipal(VAULT, ORDERS_OID);
    if (!r.ok) throw new Error(JSON.stringify(r.failure));
    expect(r.value.map((a) => [a.scope, a.roleGuid]).sort()).toEqual(
      [
        [VAULT, ROLE.secretsUser],
        [RG, ROLE.plainReader],
        ["/providers/microsoft.management/managementgroups/mg-prod", ROLE.plainReader],
        [`${VAULT}/secrets/db-password`, ROLE.secretsOfficer],
      ].sort(),
    );
    const seen = h.arm.requests.filter((q) => q.endpoint === "roleAssignments");
    expect(seen).toHaveLength(2);
    // The scope goes in without its leading slash: "//subscriptions" would miss the route.
    expect(
      seen.every(
        (q) =>
          q.path.startsWith("/subscriptions/") &&
          q.apiVersion === "2022-04-01" &&
          q.filter === `principalId eq '${ORDERS_OID}'`,
      ),
    ).toBe(true);
  });

  it("names built-in roles without asking ARM, and reads a custom role once", async () => {
    h.arm.state.roleDefinitions = [
      {
        guid: CUSTOM,
        roleName: "Orders Secret Reader",
        dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action"],
      },
    ];
    const reader = createRoleAssignmentReader(h.options);
    const builtIn = await reader.resolveRole(ROLE.secretsUser, VAULT);
    const first = await reader.resolveRole(CUSTOM, VAULT);
    const second = await reader.resolveRole(CUSTOM.toUpperCase(), OTHER_VAULT);
    expect(builtIn.ok && builtIn.value.name).toBe("Key Vault Secrets User");
    expect(first.ok && first.value).toMatchObject({
      name: "Orders Secret Reader",
      dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action"],
      builtIn: false,
    });
    expect(second).toEqual(first);
    expect(h.arm.requests.map((q) => [q.endpoint, q.path])).toEqual([
      ["roleDefinitions", `${VAULT}/providers/Microsoft.Authorization/roleDefinitions/${CUSTOM}`],
    ]);
  });
});

describe("reading a vault's configuration with @azure/arm-keyvault", () => {
  it("reads the permission model, the principal's access policy, network rules and recovery settings", async () => {
    h.arm.state.vaults = [
      {
        id: armId(VAULT),
        properties: {
          enableRbacAuthorization: false,
          publicNetworkAccess: "Enabled",
          networkAcls: {
            bypass: "None",
            defaultAction: "Deny",
            ipRules: [{ value: "203.0.113.0/24" }],
            virtualNetworkRules: [{ id: `${armId(RG)}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app` }],
          },
          enablePurgeProtection: true,
          softDeleteRetentionInDays: 30,
          accessPolicies: [
            {
              tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
              objectId: ORDERS_OID.toUpperCase(),
              permissions: { secrets: ["Get", "List"], keys: [], certificates: [] },
            },
          ],
        },
      },
    ];
    const r = await createVaultReader(h.options).read(VAULT);
    expect(r).toEqual({
      ok: true,
      value: {
        permissionModel: "access-policies",
        publicNetworkAccess: "Enabled",
        networkDefaultAction: "Deny",
        networkBypass: "None",
        ipRules: ["203.0.113.0/24"],
        virtualNetworkRules: [`${RG}/providers/microsoft.network/virtualnetworks/vnet/subnets/app`],
        softDelete: true,
        softDeleteRetentionDays: 30,
        purgeProtection: true,
        accessPolicies: [
          {
            objectId: ORDERS_OID,
            applicationId: undefined,
            secrets: ["get", "list"],
            keys: [],
            certificates: [],
            storage: [],
          },
        ],
      },
    });
    expect(h.arm.requests.map((q) => [q.endpoint, q.apiVersion])).toEqual([["vaults", "2026-02-01"]]);
  });

  it("says a vault that does not exist is not found (a vault problem, not the monitor's)", async () => {
    const r = await createVaultReader(h.options).read(VAULT.replace("kv-orders-prod", "kv-orders-gone"));
    expect(r).toMatchObject({
      ok: false,
      failure: {
        kind: "not-found",
        message: expect.stringContaining("ResourceNotFound: The Resource 'Microsoft.KeyVault/vaults/kv-orders-gone'"),
      },
    });
  });
});

describe("reading diagnostic settings through the ARM pipeline", () => {
  it("sees AuditEvent sent by category group, and which table mode it lands in", async () => {
    const r = await createDiagnosticSettingsReader(h.options).list(VAULT);
    expect(r).toEqual({
      ok: true,
      value: [
        {
          name: "metrics",
          workspaceId: WORKSPACE,
          sendsAuditEvent: false,
          destinationType: "AzureDiagnostics",
          otherDestinations: [],
        },
        {
          name: "audit-to-law",
          workspaceId: WORKSPACE,
          sendsAuditEvent: true,
          destinationType: "Dedicated",
          otherDestinations: [],
        },
      ],
    });
    expect(h.arm.requests.map((q) => [q.path, q.apiVersion])).toEqual([
      [`${VAULT}/providers/Microsoft.Insights/diagnosticSettings`, "2021-05-01-preview"],
    ]);
  });
});

describe("discovering vaults with Azure Resource Graph", () => {
  it("finds every vault of the subscriptions across pages, and only what the monitor may read", async () => {
    h.arm.state.pageSize = 1;
    h.arm.state.vaults.push({
      id: `/subscriptions/${SUB}/resourceGroups/rg-hidden/providers/Microsoft.KeyVault/vaults/kv-hidden`,
    });
    h.arm.state.readerScopes = [`/subscriptions/${SUB}/resourceGroups/rg-orders-prod`, `/subscriptions/${SUB2}`];
    const r = await createVaultDiscovery(h.options).discover([SUB, SUB2]);
    if (!r.ok) throw new Error(JSON.stringify(r.failure));
    expect(r.value.map((v) => v.id)).toEqual(
      [VAULT.replace("kv-orders-prod", "kv-orders-dr"), VAULT, LEGACY.toLowerCase()].sort(),
    );
    expect(r.value.find((v) => v.name === "kv-legacy")).toEqual({
      id: LEGACY.toLowerCase(),
      name: "kv-legacy",
      resourceGroup: "rg-legacy",
      subscriptionId: SUB2,
    });
    expect(h.arm.requests.filter((q) => q.endpoint === "resourceGraph").map((q) => [q.method, q.apiVersion])).toEqual([
      ["POST", "2021-03-01"],
      ["POST", "2021-03-01"],
      ["POST", "2021-03-01"],
    ]);
  });
});

// Every read the monitor makes, through its client: the same rules apply to each.
const reads: {
  name: string;
  endpoint: ArmEndpoint;
  action: string;
  read: (h: ArmHarness) => Promise<{ ok: boolean }>;
}[] = [
  {
    name: "role assignments",
    endpoint: "roleAssignments",
    action: "Microsoft.Authorization/roleAssignments/read",
    read: (x) => createRoleAssignmentReader(x.options).listForPrincipal(VAULT, ORDERS_OID),
  },
  {
    name: "vault",
    endpoint: "vaults",
    action: "Microsoft.KeyVault/vaults/read",
    read: (x) => createVaultReader(x.options).read(VAULT),
  },
  {
    name: "diagnostic settings",
    endpoint: "diagnosticSettings",
    action: "microsoft.insights/diagnosticSettings/read",
    read: (x) => createDiagnosticSettingsReader(x.options).list(VAULT),
  },
  {
    name: "Resource Graph",
    endpoint: "resourceGraph",
    action: "",
    read: (x) => createVaultDiscovery(x.options).discover([SUB]),
  },
];

describe("ARM throttling", () => {
  it.each(reads)(
    "the $name read rides out a 429 after its Retry-After and reports that it was throttled",
    async ({ endpoint, read }) => {
      h.arm.faults.inject(endpoint, { kind: "status", status: 429, retryAfterSeconds: 1 });
      const r = await read(h);
      expect(r.ok).toBe(true);
      expect(h.arm.requests.filter((q) => q.endpoint === endpoint).map((q) => q.status)).toEqual([429, 200]);
      expect(h.clock.waits).toEqual([1000]);
      const traffic = h.traffic.drain();
      expect(traffic.throttled).toHaveLength(1);
      expect(traffic.throttled[0]?.retryAfterSeconds).toBe(1);
    },
  );

  it.each(reads)(
    "the $name read gives up at once on a Retry-After longer than a tick may wait, as throttled",
    async ({ endpoint, read }) => {
      h.arm.faults.inject(endpoint, { kind: "status", status: 429, retryAfterSeconds: 300 });
      const r = await read(h);
      expect(r).toMatchObject({ ok: false, failure: { kind: "throttled", retryAfterSeconds: 300 } });
      expect(h.arm.requests.filter((q) => q.endpoint === endpoint)).toHaveLength(1);
      expect(h.clock.waits).toEqual([]);
    },
  );
});

describe("a 403 on the monitor's own reads", () => {
  it.each(reads.filter((r) => r.endpoint !== "resourceGraph"))(
    "refused $name reads name the missing action and the scope",
    async ({ read, action }) => {
      h.arm.state.readerScopes = [`/subscriptions/${SUB}/resourceGroups/rg-other`];
      const r = await read(h);
      expect(r).toMatchObject({
        ok: false,
        failure: {
          kind: "forbidden",
          action,
          scope: expect.stringMatching(/\/vaults\/kv-orders-prod$/i),
          message: expect.stringMatching(/^AuthorizationFailed: The client/),
        },
      });
    },
  );
});

describe("ARM failing", () => {
  it("retries a dropped connection and a 503, then answers", async () => {
    h.arm.faults.inject("vaults", { kind: "drop" });
    h.arm.faults.inject("vaults", { kind: "status", status: 503 });
    const r = await createVaultReader(h.options).read(VAULT);
    expect(r.ok).toBe(true);
    expect(h.arm.requests.map((q) => q.status)).toEqual([0, 503, 200]);
    // No Retry-After: 1 s, then 2 s.
    expect(h.clock.waits).toEqual([1000, 2000]);
  });

  it("reports a 500 that outlasts the retries as ARM unavailable", async () => {
    h.arm.faults.inject("diagnosticSettings", { kind: "status", status: 500 }, 3);
    const r = await createDiagnosticSettingsReader(h.options).list(VAULT);
    expect(r).toMatchObject({ ok: false, failure: { kind: "unavailable", status: 500 } });
    expect(h.arm.requests.map((q) => q.status)).toEqual([500, 500, 500]);
    expect(h.clock.waits).toEqual([1000, 2000]);
  });

  it.each([501, 505])("does not retry a %i, which the Azure SDK does not retry either", async (status) => {
    h.arm.faults.inject("vaults", { kind: "status", status }, 3);
    const r = await createVaultReader(h.options).read(VAULT);
    expect(r).toMatchObject({ ok: false, failure: { kind: "unavailable", status } });
    expect(h.arm.requests.map((q) => q.status)).toEqual([status]);
    expect(h.clock.waits).toEqual([]);
  });

  it("gives up on a read that gets no answer within its deadline", async () => {
    h.arm.faults.inject("vaults", { kind: "delay", ms: 5_000 });
    // The deadline passes while the request is out.
    const clock = testClock(300);
    const redirect = redirectTo(h.arm.url);
    const r = await createVaultReader({
      ...h.options,
      timeoutMs: 300,
      sleep: clock.sleep,
      httpClient: { sendRequest: (request) => (clock.expire(), redirect.sendRequest(request)) },
    }).read(VAULT);
    expect(r).toMatchObject({ ok: false, failure: { kind: "timeout" } });
  });
});
