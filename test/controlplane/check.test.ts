import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { createRoleAssignmentReader } from "../../src/adapters/arm/role-assignments.js";
import { createVaultReader } from "../../src/adapters/arm/vaults.js";
import { createDiagnosticSettingsReader } from "../../src/adapters/arm/diagnostic-settings.js";
import { createVaultDiscovery } from "../../src/adapters/arm/resource-graph.js";
import { createIdentityProber } from "../../src/adapters/arm/identity-prober.js";
import { createControlPlaneDeps } from "../../src/adapters/arm/control-plane-deps.js";
import { checkControlPlane, type ControlPlaneDeps } from "../../src/app/control-plane/check.js";
import { runControlPlaneCheck } from "../../src/app/control-plane/record.js";
import { parseControlPlaneConfig, type ControlPlaneConfig } from "../../src/core/controlplane/config.js";
import type { ActivityChange } from "../../src/core/controlplane/activity.js";
import { emptyArmState } from "../../tools/standin/arm-state.js";
import { armId, MONITOR_CLIENT_ID, startArmHarness, type ArmHarness } from "./harness.js";
import { at, change, ORDERS_CLIENT_ID, ORDERS_OID, OTHER_VAULT, ROLE, SUB, VAULT, WORKSPACE } from "./fixtures.js";

const PAYMENTS = `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.keyvault/vaults/kv-payments`;
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
    vaults: [{ id: armId(VAULT) }, { id: armId(OTHER_VAULT) }, { id: armId(PAYMENTS) }],
    diagnosticSettings: { [VAULT]: audit, [OTHER_VAULT]: audit },
    roleAssignments: [{ scope: armId(VAULT), roleDefinitionGuid: ROLE.secretsUser, principalId: ORDERS_OID }],
  });
  h.arm.faults.clear();
  h.arm.requests.length = 0;
  h.traffic.drain();
});

function configOf(patch: Record<string, unknown> = {}): ControlPlaneConfig {
  const r = parseControlPlaneConfig({
    workspaces: [armId(WORKSPACE)],
    vaults: [{ resourceId: armId(VAULT) }, { resourceId: armId(OTHER_VAULT) }],
    principals: [
      {
        name: "id-func-orders",
        objectId: ORDERS_OID,
        expect: [{ vault: armId(VAULT), role: "Key Vault Secrets User" }],
      },
    ],
    audiences: ["key-vault", "arm"],
    concurrency: 2,
    ...patch,
  });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config;
}

function deps(monitorClientId = MONITOR_CLIENT_ID): ControlPlaneDeps {
  return {
    roleAssignments: createRoleAssignmentReader(h.options),
    vaults: createVaultReader(h.options),
    diagnosticSettings: createDiagnosticSettingsReader(h.options),
    discovery: createVaultDiscovery(h.options),
    prober: createIdentityProber({ env: process.env, timeoutMs: 2_000, maxRetries: 0 }),
    monitorIdentity: { name: "vaultwatch", clientId: monitorClientId },
    traffic: h.traffic,
  };
}

const check = (config = configOf(), activity: ActivityChange[] | undefined = [], d = deps()) =>
  checkControlPlane(d, config, { now: at(10), previousSnapshots: new Map(), activity });
const kinds = (fs: { kind: string }[]) => fs.map((f) => f.kind);

describe("the control-plane check of one tick", () => {
  it("reports nothing wrong when access, coverage and tokens are as expected, and snapshots every vault", async () => {
    const r = await check();
    expect(r.findings).toEqual([]);
    expect(r.monitorProblems).toEqual([]);
    expect(r.vaults).toEqual([
      {
        vaultResourceId: VAULT,
        source: "listed",
        config: "read",
        permissionModel: "rbac",
        coverage: "covered",
        auditTable: "AzureDiagnostics",
      },
      {
        vaultResourceId: OTHER_VAULT,
        source: "listed",
        config: "read",
        permissionModel: "rbac",
        coverage: "covered",
        auditTable: "AzureDiagnostics",
      },
    ]);
    expect(r.snapshots.map((s) => s.vaultResourceId).sort()).toEqual([VAULT, OTHER_VAULT].sort());
    expect(r.probes.map((p) => [p.identity, p.scope, p.ok])).toEqual([
      ["vaultwatch", "https://vault.azure.net/.default", true],
      ["vaultwatch", "https://management.azure.com/.default", true],
    ]);
    // Two reads per vault, one listing per expectation: nothing read twice.
    expect(h.arm.requests.map((q) => q.endpoint).sort()).toEqual([
      "diagnosticSettings",
      "diagnosticSettings",
      "roleAssignments",
      "vaults",
      "vaults",
    ]);
    expect(r.armRequests).toBe(5);
  });

  it("reports a role assignment deleted before the tick as a missing role, with who deleted it", async () => {
    h.arm.state.roleAssignments = [];
    const deleted = change("role-assignment-delete", 1, {
      operation: "microsoft.authorization/roleassignments/delete",
      principalId: ORDERS_OID,
      roleDefinitionId: ROLE.secretsUser,
      caller: "deploy-pipeline@contoso.com",
    });
    const r = await check(configOf(), [deleted]);
    expect(r.findings.map((f) => [f.kind, f.hypothesis, f.summary])).toEqual([
      ["role-missing", "H2", "id-func-orders lacks Key Vault Secrets User on vault kv-orders-prod"],
    ]);
    expect(r.findings[0]?.evidence).toContain(
      "AzureActivity: role assignment deleted by deploy-pipeline@contoso.com at 2026-11-23 01:01 UTC (microsoft.authorization/roleassignments/delete)",
    );
    expect(r.monitorProblems).toEqual([]);
  });

  it("reports a monitor without Reader on a vault as a monitor problem naming that vault, never as a vault finding", async () => {
    h.arm.state.roleAssignments = [];
    h.arm.state.readerScopes = [armId(OTHER_VAULT)];
    const r = await check();
    expect(r.monitorProblems.map((p) => [p.kind, p.subject.scope, p.summary])).toEqual([
      ["monitor-lacks-access", VAULT, "the monitor lacks Reader on vault kv-orders-prod"],
    ]);
    expect(r.monitorProblems[0]?.evidence.join("\n")).toMatch(
      /cannot read the role assignments of id-func-orders: ARM refused Microsoft.Authorization\/roleAssignments\/read/,
    );
    expect(r.monitorProblems[0]?.evidence.join("\n")).toMatch(
      /cannot read the vault's configuration: ARM refused Microsoft.KeyVault\/vaults\/read/,
    );
    // The role is gone too, but the monitor cannot see that: unknown, not "missing".
    expect(r.findings).toEqual([]);
    expect(r.vaults.find((v) => v.vaultResourceId === VAULT)).toMatchObject({ config: "unknown", coverage: "unknown" });
    expect(r.vaults.find((v) => v.vaultResourceId === OTHER_VAULT)).toMatchObject({
      config: "read",
      coverage: "covered",
    });
  });

  it("rides out ARM throttling, reports it as a monitor condition, and still delivers the findings", async () => {
    h.arm.state.roleAssignments = [];
    h.arm.faults.inject("vaults", { kind: "status", status: 429, retryAfterSeconds: 1 });
    h.arm.faults.inject("roleAssignments", { kind: "status", status: 429, retryAfterSeconds: 1 });
    const r = await check();
    expect(kinds(r.findings)).toEqual(["role-missing"]);
    expect(r.monitorProblems.map((p) => [p.kind, p.severityHint, p.summary])).toEqual([
      [
        "arm-throttled",
        "SEV-4",
        "ARM throttled 2 of the monitor's 7 read(s) this tick; each was retried after Retry-After and answered",
      ],
    ]);
  });

  it("leaves a vault unknown when throttling outlasts what a tick may wait, and says which read gave up", async () => {
    h.arm.faults.inject("vaults", { kind: "status", status: 429, retryAfterSeconds: 600 }, 1, "kv-orders-dr");
    const r = await check();
    expect(r.monitorProblems.map((p) => [p.kind, p.severityHint])).toEqual([["arm-throttled", "SEV-3"]]);
    expect(r.monitorProblems[0]?.evidence).toContain(`gave up: the vault's configuration on ${OTHER_VAULT}`);
    expect(r.vaults.find((v) => v.vaultResourceId === OTHER_VAULT)).toMatchObject({
      config: "unknown",
      coverage: "covered",
    });
    expect(r.snapshots.map((s) => s.vaultResourceId)).toEqual([VAULT]);
  });

  it("discovers every vault of the subscription with Resource Graph and reports a discovered vault without AuditEvent as a blind spot", async () => {
    const r = await check(configOf({ discovery: { subscriptions: [SUB] } }));
    expect(r.vaults.map((v) => [v.vaultResourceId, v.source, v.coverage])).toEqual([
      [VAULT, "listed", "covered"],
      [OTHER_VAULT, "listed", "covered"],
      [PAYMENTS, "discovered", "blind-spot"],
    ]);
    expect(r.findings.map((f) => [f.kind, f.subject.vaultResourceId, f.summary])).toEqual([
      [
        "blind-spot",
        PAYMENTS,
        "vault kv-payments is a blind spot: it has no diagnostic setting, so its AuditEvent goes nowhere",
      ],
    ]);
    expect(r.findings[0]?.evidence).toContain("found by Resource Graph discovery");
  });

  it.each([
    {
      name: "a subscription where the monitor sees no vault",
      readerScopes: [`/subscriptions/${SUB}/resourceGroups/rg-none`],
      maxVaults: 200,
      want: ["discovery-empty", `discovery found no vaults in subscription ${SUB}`],
    },
    {
      name: "more discovered vaults than a tick may check",
      readerScopes: undefined,
      maxVaults: 1,
      want: ["discovery-truncated", "discovery found 2 vaults besides the listed ones; this tick checks the first 1"],
    },
  ])("says so when discovery finds $name", async ({ readerScopes, maxVaults, want }) => {
    h.arm.state.readerScopes = readerScopes;
    h.arm.state.vaults.push({ id: armId(PAYMENTS.replace("kv-payments", "kv-payments-dr")) });
    h.arm.state.vaults = h.arm.state.vaults.filter((v) => v.id.toLowerCase() !== OTHER_VAULT);
    const r = await check(
      configOf({
        vaults: [{ resourceId: armId(VAULT) }],
        principals: [],
        discovery: { subscriptions: [SUB], maxVaults },
      }),
    );
    expect(r.monitorProblems.filter((p) => p.kind.startsWith("discovery")).map((p) => [p.kind, p.summary])).toEqual([
      want,
    ]);
  });

  it("reports an app identity that is no longer attached as H1 about that identity, not as a monitor problem", async () => {
    const r = await check(
      configOf({
        principals: [
          {
            name: "id-func-orders",
            objectId: ORDERS_OID,
            clientId: ORDERS_CLIENT_ID,
            expect: [{ vault: armId(VAULT), role: "Key Vault Secrets User" }],
          },
        ],
      }),
    );
    expect(r.findings.map((f) => [f.kind, f.hypothesis, f.subject.identity?.name, f.subject.audience])).toEqual([
      ["probe-failed", "H1", "id-func-orders", "https://vault.azure.net/.default"],
      ["probe-failed", "H1", "id-func-orders", "https://management.azure.com/.default"],
    ]);
    expect(r.monitorProblems).toEqual([]);
  });

  it("reports the monitor's own identity failing to get tokens as a monitor problem", async () => {
    const r = await check(configOf(), [], deps("deadbeef-0000-4000-8000-000000000000"));
    expect(r.monitorProblems.map((p) => [p.kind, p.hypothesis])).toEqual([
      ["monitor-token-failed", "H1"],
      ["monitor-token-failed", "H1"],
    ]);
    expect(kinds(r.findings)).toEqual([]);
  });
});

describe("the check with its snapshots in Tables (Azurite)", () => {
  it("reports a vault change between two ticks as drift, with who made it", async () => {
    const table = TableClient.fromConnectionString(
      inject("tableConnectionString"),
      `cp${Date.now().toString(36)}Snapshots`,
      { allowInsecureConnection: true },
    );
    const d = createControlPlaneDeps({
      credential: h.options.credential,
      config: configOf(),
      monitorIdentity: { name: "vaultwatch", clientId: MONITOR_CLIENT_ID },
      env: process.env,
      snapshotsTable: table,
      ...(h.options.httpClient ? { httpClient: h.options.httpClient } : {}),
    });
    const first = await runControlPlaneCheck(d, configOf(), at(0), []);
    expect(first.findings).toEqual([]);

    const vault = h.arm.state.vaults.find((v) => v.id === armId(VAULT));
    if (!vault) throw new Error("no vault");
    vault.properties = { publicNetworkAccess: "Disabled" };
    const second = await runControlPlaneCheck(d, configOf(), at(5), [
      change("vault-write", 3, { caller: "alice@contoso.com" }),
    ]);
    expect(second.findings.map((f) => [f.kind, f.hypothesis, f.summary])).toEqual([
      ["vault-config-drift", "H6", "the network access of vault kv-orders-prod changed"],
    ]);
    expect(second.findings[0]?.evidence).toEqual([
      "public network access: Enabled -> Disabled (between 2026-11-23 01:00 UTC and 2026-11-23 01:05 UTC)",
      "changed by alice@contoso.com at 2026-11-23 01:03 UTC (microsoft.keyvault/vaults/write)",
    ]);
    expect(second.snapshotConflicts).toEqual([]);
  });
});
