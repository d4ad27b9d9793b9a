import { describe, expect, it } from "vitest";
import { parseControlPlaneConfig, parseControlPlaneConfigText } from "../../src/core/controlplane/config.js";
import { ORDERS_CLIENT_ID, ORDERS_OID, SUB, VAULT, WORKSPACE } from "./fixtures.js";

const mixedCaseVault =
  "/subscriptions/6F1A2B3C-4D5E-4F60-8A1B-2C3D4E5F6A7B/resourceGroups/rg-orders-prod/providers/Microsoft.KeyVault/vaults/kv-orders-prod";
const valid = {
  workspaces: [WORKSPACE],
  vaults: [{ resourceId: mixedCaseVault }],
  principals: [
    {
      name: "id-func-orders",
      objectId: ORDERS_OID,
      clientId: ORDERS_CLIENT_ID,
      expect: [{ vault: mixedCaseVault, role: "Key Vault Secrets User" }],
    },
  ],
};

describe("the control-plane configuration", () => {
  it("accepts a minimal config, normalizes IDs and fills in the defaults", () => {
    const r = parseControlPlaneConfig(valid);
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.config.vaults).toEqual([{ resourceId: VAULT }]);
    expect(r.config.principals[0]?.expect).toEqual([{ vault: VAULT, role: "Key Vault Secrets User", scope: "vault" }]);
    expect(r.config.audiences).toEqual([
      "https://vault.azure.net/.default",
      "https://storage.azure.com/.default",
      "https://servicebus.azure.net/.default",
      "https://management.azure.com/.default",
    ]);
    expect(r.config).toMatchObject({
      concurrency: 4,
      driftReportMinutes: 60,
      armTimeoutSeconds: 30,
      probeTimeoutSeconds: 10,
    });
  });

  it("takes audiences by name or as an https URL, as a .default scope", () => {
    const r = parseControlPlaneConfig({
      ...valid,
      audiences: ["key-vault", "https://vault.azure.cn", "https://contoso.example/api/.default"],
    });
    expect(r.ok && r.config.audiences).toEqual([
      "https://vault.azure.net/.default",
      "https://vault.azure.cn/.default",
      "https://contoso.example/api/.default",
    ]);
  });

  const rejected: { name: string; patch: Record<string, unknown>; error: string }[] = [
    {
      name: "a config without the workspaces vaultwatch reads",
      patch: { workspaces: [] },
      error: "workspaces: expected the resource ID of at least one workspace the monitor reads",
    },
    {
      name: "a vault ID that is not a Key Vault",
      patch: {
        vaults: [
          { resourceId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st` },
        ],
      },
      error: "vaults[0].resourceId: expected a Key Vault resource ID",
    },
    {
      name: "an expected role vaultwatch does not know",
      patch: {
        principals: [{ name: "app", objectId: ORDERS_OID, expect: [{ vault: VAULT, role: "Key Vault Secret User" }] }],
      },
      error: "principals[0].expect[0].role: expected one of: Key Vault Secrets User",
    },
    {
      name: "an object ID that is not a GUID",
      patch: { principals: [{ name: "app", objectId: "id-func-orders" }] },
      error: "principals[0].objectId: expected a GUID",
    },
    {
      name: "an audience over plain http",
      patch: { audiences: ["http://vault.azure.net"] },
      error: "audiences[0]: expected one of key-vault, storage, service-bus, arm or an https audience",
    },
    { name: "a misspelt field", patch: { vault: [] }, error: '(config): Unrecognized key: "vault"' },
    {
      name: "discovery without subscriptions",
      patch: { discovery: { subscriptions: [] } },
      error: "discovery.subscriptions: expected at least one subscription ID",
    },
    {
      name: "the same principal name twice",
      patch: {
        principals: [
          { name: "app", objectId: ORDERS_OID },
          { name: "App", objectId: ORDERS_OID },
        ],
      },
      error: 'principals[1].name: "App" is already used by principals[0]',
    },
    {
      name: "the same expectation twice",
      patch: {
        principals: [
          {
            name: "app",
            objectId: ORDERS_OID,
            expect: [
              { vault: VAULT, role: "Key Vault Reader" },
              { vault: mixedCaseVault, role: "Key Vault Reader" },
            ],
          },
        ],
      },
      error: "principals[0].expect[1]: Key Vault Reader on this vault is listed twice",
    },
  ];

  it.each(rejected)("rejects $name with a path-qualified message", ({ patch, error }) => {
    const r = parseControlPlaneConfig({ ...valid, ...patch });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors.join("\n")).toContain(error);
  });

  it("says when the JSON text itself is broken", () => {
    const r = parseControlPlaneConfigText("{ workspaces: [] }");
    expect(r.ok ? "" : r.errors[0]).toMatch(/^\(config\): not valid JSON/);
  });

  it("warns, without failing, when the config watches nothing", () => {
    const r = parseControlPlaneConfig({ workspaces: [WORKSPACE] });
    expect(r).toMatchObject({
      ok: true,
      warnings: ["vaults: no vaults listed, none expected and no discovery: the control-plane check watches nothing"],
    });
  });
});
