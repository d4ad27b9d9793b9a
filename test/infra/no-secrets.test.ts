import { beforeAll, describe, expect, it } from "vitest";
import {
  bodyOf,
  declarations,
  get,
  identifiersIn,
  listCalls,
  literal,
  loadInfra,
  parseBicep,
  prop,
  readRepoFile,
  typeOf,
  valueOf,
  type BicepFile,
} from "./bicep.js";

let files: BicepFile[];

beforeAll(async () => {
  files = await loadInfra();
});

const file = (p: string) => {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no ${p}`);
  return f;
};

const secureParams = (f: BicepFile) =>
  declarations(f).filter((d) => d.kind === "param" && d.decorators.includes("@secure()"));

describe("no keys", () => {
  it("the storage account refuses shared key access, public blobs and old TLS", () => {
    const account = declarations(file("infra/modules/data/storage.bicep")).find(
      (d) => d.kind === "resource" && typeOf(d).startsWith("Microsoft.Storage/storageAccounts@"),
    );
    expect(account).toBeDefined();
    const body = bodyOf(account!);
    expect(prop(body, "properties.allowSharedKeyAccess")?.text).toBe("false");
    expect(prop(body, "properties.allowBlobPublicAccess")?.text).toBe("false");
    expect(literal(prop(body, "properties.minimumTlsVersion"))).toBe("TLS1_2");
    expect(prop(body, "properties.defaultToOAuthAuthentication")?.text).toBe("true");
  });

  it("no template reads keys: no listKeys(), listAccountSas() or any other list*() call", () => {
    const calls = files.flatMap((f) => listCalls(f).map((c) => `${f.path}: ${c}`));
    expect(calls).toEqual([]);
  });

  it("would notice a listKeys() call", async () => {
    const f = await parseBicep(
      "infra/x.bicep",
      "resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {\n  name: 'x'\n}\nvar k = sa.listKeys().keys[0].value\n",
    );
    expect(listCalls(f)).toEqual(["sa.listKeys"]);
  });

  it("no template spells out an account key or SAS", () => {
    for (const f of files) expect(f.source, f.path).not.toMatch(/AccountKey=|SharedAccessSignature=|[?&]sig=/i);
  });

  it("Application Insights and the workspace accept Entra ID only", () => {
    const main = file("infra/main.bicep");
    expect(prop(bodyOf(get(main, "module", "appInsights")), "params.disableLocalAuth")?.text).toBe("true");
    const ws = declarations(file("infra/modules/monitoring/workspace.bicep")).find((d) => d.kind === "resource");
    expect(prop(bodyOf(ws!), "properties.features.disableLocalAuth")?.text).toBe("true");
  });

  it("the monitor's Key Vault uses Azure RBAC, not access policies", () => {
    const kv = declarations(file("infra/modules/data/key-vault.bicep")).find(
      (d) => d.kind === "resource" && typeOf(d).startsWith("Microsoft.KeyVault/vaults@"),
    );
    expect(prop(bodyOf(kv!), "properties.enableRbacAuthorization")?.text).toBe("true");
  });
});

describe("no secret in parameters or outputs", () => {
  it("the webhook URL and the PagerDuty key are the only secure parameters and no output mentions one", () => {
    const secure = files.flatMap((f) => secureParams(f).map((p) => `${f.path}:${p.name}`));
    expect(secure).toEqual([
      "infra/main.bicep:teamsWebhookUrl",
      "infra/main.bicep:pagerDutyRoutingKey",
      "infra/modules/data/key-vault.bicep:teamsWebhookUrl",
      "infra/modules/data/key-vault.bicep:pagerDutyRoutingKey",
    ]);
    for (const f of files) {
      const names = new Set(secureParams(f).map((p) => p.name));
      for (const o of declarations(f).filter((d) => d.kind === "output")) {
        const value = valueOf(o);
        const used = value ? identifiersIn(value).filter((i) => names.has(i)) : [];
        expect(used, `${f.path} output ${o.name}`).toEqual([]);
      }
    }
  });

  it("the webhook URL goes only into the Key Vault secret", () => {
    const main = file("infra/main.bicep");
    const usesInMain = main.root.descendantsOfType("identifier").filter((i) => i.text === "teamsWebhookUrl");
    // The declaration and the one hand-over to the key-vault module (whose parameter is also @secure()).
    expect(usesInMain).toHaveLength(3);
    expect(prop(bodyOf(get(main, "module", "keyVault")), "params.teamsWebhookUrl")?.text).toBe("teamsWebhookUrl");
    const kv = file("infra/modules/data/key-vault.bicep");
    const secrets = declarations(kv).filter(
      (d) => d.kind === "resource" && typeOf(d).startsWith("Microsoft.KeyVault/vaults/secrets@"),
    );
    expect(secrets.map((d) => prop(bodyOf(d), "properties.value")?.text)).toEqual([
      "teamsWebhookUrl",
      "pagerDutyRoutingKey",
    ]);
    const usesInKv = kv.root.descendantsOfType("identifier").filter((i) => i.text === "teamsWebhookUrl");
    expect(usesInKv).toHaveLength(2);
  });

  it("main.parameters.json holds no secret: no value for the secure parameter, only azd variables and plain settings", () => {
    const params = JSON.parse(readRepoFile("infra/main.parameters.json")) as {
      parameters: Record<string, { value?: unknown; reference?: unknown }>;
    };
    expect(Object.keys(params.parameters)).not.toContain("teamsWebhookUrl");
    for (const [name, p] of Object.entries(params.parameters)) {
      const value = JSON.stringify(p.value ?? "");
      expect(value, name).not.toMatch(/https?:\/\/|sig=|AccountKey|SharedAccessSignature|password|secret/i);
    }
  });

  it("no app setting carries a connection string with a key", () => {
    const appSettings = get(file("infra/main.bicep"), "var", "appSettings").node.namedChildren[1];
    const names =
      appSettings?.namedChildren
        .filter((c) => c.type === "object_property")
        .map((c) => c.namedChildren[0]?.text ?? "") ?? [];
    expect(names).not.toContain("AzureWebJobsStorage");
    expect(names).not.toContain("STATE_STORAGE_CONNECTION_STRING");
    // The Application Insights "connection string" is an address here: local auth is off, so its
    // instrumentation key admits nothing without the identity's Entra token.
    expect(names.filter((n) => /CONNECTION_STRING|ConnectionString/.test(n))).toEqual([
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
    ]);
  });
});

describe("the PagerDuty routing key", () => {
  it("goes only into its Key Vault secret; the app reads it through a Key Vault reference", () => {
    const main = file("infra/main.bicep");
    const uses = main.root.descendantsOfType("identifier").filter((i) => i.text === "pagerDutyRoutingKey");
    // The declaration, `enablePagerDuty`, and the hand-over to the key-vault module (name and value).
    expect(uses).toHaveLength(4);
    expect(prop(bodyOf(get(main, "module", "keyVault")), "params.pagerDutyRoutingKey")?.text).toBe(
      "pagerDutyRoutingKey",
    );
    expect(main.source).toMatch(/PAGERDUTY_ROUTING_KEY: enablePagerDuty \? '@Microsoft\.KeyVault\(SecretUri=/);
  });
});
