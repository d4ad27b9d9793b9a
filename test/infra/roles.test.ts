import { beforeAll, describe, expect, it } from "vitest";
import {
  bodyOf,
  declarations,
  get,
  loadInfra,
  parseBicep,
  prop,
  readRepoFile,
  typeOf,
  type BicepFile,
} from "./bicep.js";
import { FORBIDDEN_ROLES, grants, KEY_VAULT_DATA_ROLES, KEY_VAULT_SECRETS_USER, type Grant } from "./roles.js";

let files: BicepFile[];
let all: Grant[];

beforeAll(async () => {
  files = await loadInfra();
  all = grants(files);
});

const file = (p: string) => {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no ${p}`);
  return f;
};

describe("the monitor's role assignments", () => {
  it("are found, each with a role the tests can name", () => {
    expect(all.length).toBeGreaterThanOrEqual(7);
    for (const g of all) expect(g.role, `${g.file} ${g.symbol}`).not.toMatch(/^\(/);
  });

  it("never grant Owner, Contributor, User Access Administrator or any role-granting role", () => {
    const bad = all
      .filter((g) => g.role in FORBIDDEN_ROLES)
      .map((g) => `${g.file} ${g.symbol}: ${FORBIDDEN_ROLES[g.role]}`);
    expect(bad).toEqual([]);
  });

  it("grant no Key Vault data-plane role except Key Vault Secrets User on one secret", () => {
    const dataPlane = all.filter((g) => g.role in KEY_VAULT_DATA_ROLES);
    expect(dataPlane.map((g) => KEY_VAULT_DATA_ROLES[g.role])).toEqual(["Key Vault Secrets User"]);
    const [secretRead] = dataPlane;
    expect(secretRead?.role).toBe(KEY_VAULT_SECRETS_USER);
    expect(secretRead?.scopeType).toMatch(/^Microsoft\.KeyVault\/vaults\/secrets@/);
    expect(secretRead?.condition).toBeUndefined();
  });

  it("scope the Secrets User role to the webhook secret the app setting refers to", () => {
    const main = file("infra/main.bicep");
    const access = bodyOf(get(main, "module", "webhookSecretAccess"));
    expect(prop(access, "params.secretName")?.text).toBe("webhookSecretName");
    expect(prop(bodyOfVar(main, "appSettings"), "TEAMS_WEBHOOK_URL")?.text).toContain("secrets/${webhookSecretName}");
  });

  it("are each scoped to a single resource, never a resource group or subscription", () => {
    for (const g of all) {
      expect(g.scopeType, `${g.file} ${g.symbol}`).toMatch(/^Microsoft\.[A-Za-z]+\/[A-Za-z/]+@/);
      expect(g.scopeType).not.toMatch(/^Microsoft\.Resources\//);
    }
  });

  it("name the principal type, so a new identity is not looked up as a user or group", () => {
    for (const g of all) expect(g.principalType, `${g.file} ${g.symbol}`).toBe("ServicePrincipal");
  });

  it("grant Reader on monitored vaults only as an opt-in, on the vault itself", () => {
    const reader = all.filter((g) => g.role === "acdd72a7-3385-48ef-bd42-f606fba81ae7");
    expect(reader).toHaveLength(1);
    expect(reader[0]?.scopeType).toMatch(/^Microsoft\.KeyVault\/vaults@/);
    expect(reader[0]?.scopeExisting).toBe(true);
    const loop = bodyOfModuleCondition(file("infra/main.bicep"), "vaultReader");
    expect(loop).toContain("if (grantVaultReader)");
  });

  it("use a custom email role with only Communication actions and no data actions", () => {
    const custom = all.filter((g) => g.role.startsWith("custom:"));
    expect(custom.map((g) => g.scopeType)).toEqual([
      expect.stringMatching(/^Microsoft\.Communication\/communicationServices@/),
    ]);
    const def = file(custom[0]?.role.slice("custom:".length) ?? "");
    const roleDef = declarations(def).find(
      (d) => d.kind === "resource" && typeOf(d).startsWith("Microsoft.Authorization/roleDefinitions@"),
    );
    expect(roleDef).toBeDefined();
    const perms = prop(bodyOf(roleDef!), "properties.permissions");
    const actions = perms?.descendantsOfType("object_property").filter((p) => p.namedChildren[0]?.text === "actions")[0]
      ?.namedChildren[1];
    const list = actions?.namedChildren.map((s) => s.text.replace(/'/g, "")) ?? [];
    expect(list.length).toBeGreaterThan(0);
    for (const a of list) {
      expect(a).toMatch(/^Microsoft\.Communication\//);
      expect(a).not.toContain("*");
      expect(a.toLowerCase()).not.toMatch(/listkeys|regeneratekey|delete/);
    }
    const dataActions = perms
      ?.descendantsOfType("object_property")
      .find((p) => p.namedChildren[0]?.text === "dataActions")?.namedChildren[1];
    expect(dataActions?.text.replace(/\s/g, "")).toBe("[]");
    expect(prop(bodyOf(roleDef!), "properties.assignableScopes")?.text.replace(/\s/g, "")).toBe("[resourceGroupId]");
  });

  it("are all listed in docs/roles.md with their GUIDs", () => {
    const doc = readRepoFile("docs/roles.md");
    const builtIn = [...new Set(all.map((g) => g.role).filter((r) => !r.startsWith("custom:")))];
    for (const guid of builtIn) expect(doc, guid).toContain(guid);
    expect(doc).toMatch(/Microsoft\.Communication\/EmailServices\/write/);
  });
});

describe("the role checks themselves", () => {
  const template = (role: string, scope: string) =>
    [
      "param principalId string",
      `var role = '${role}'`,
      "resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {",
      "  name: 'kv-orders'",
      "}",
      "resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {",
      "  name: guid(vault.id, principalId, role)",
      `  scope: ${scope}`,
      "  properties: {",
      "    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)",
      "    principalId: principalId",
      "    principalType: 'ServicePrincipal'",
      "  }",
      "}",
    ].join("\n");

  it("would catch Contributor", async () => {
    const [g] = grants([await parseBicep("infra/x.bicep", template("b24988ac-6180-42a0-ab88-20f7382dd24c", "vault"))]);
    expect(FORBIDDEN_ROLES[g?.role ?? ""]).toBe("Contributor");
  });

  it("would catch Key Vault Secrets User granted on a whole vault", async () => {
    const [g] = grants([await parseBicep("infra/x.bicep", template(KEY_VAULT_SECRETS_USER, "vault"))]);
    expect(g?.role).toBe(KEY_VAULT_SECRETS_USER);
    expect(g?.scopeType).toMatch(/^Microsoft\.KeyVault\/vaults@/);
  });

  it("would catch an assignment without a scope (the whole resource group)", async () => {
    const src = (
      await parseBicep("infra/x.bicep", template("acdd72a7-3385-48ef-bd42-f606fba81ae7", "vault"))
    ).source.replace("  scope: vault\n", "");
    const [g] = grants([await parseBicep("infra/x.bicep", src)]);
    expect(g?.scopeType).toBe("(scope not set)");
  });
});

function bodyOfVar(f: BicepFile, name: string) {
  const v = get(f, "var", name);
  const value = v.node.namedChildren[1];
  if (!value) throw new Error(`var ${name} has no value`);
  return value;
}

function bodyOfModuleCondition(f: BicepFile, name: string): string {
  return get(f, "module", name).node.text;
}
