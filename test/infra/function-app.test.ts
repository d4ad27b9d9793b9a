import { beforeAll, describe, expect, it } from "vitest";
import {
  bodyOf,
  declarations,
  get,
  literal,
  loadInfra,
  prop,
  props,
  typeOf,
  type BicepFile,
  type Declaration,
} from "./bicep.js";

let app: BicepFile;
let main: BicepFile;

beforeAll(async () => {
  const files = await loadInfra();
  const byPath = (p: string) => {
    const f = files.find((x) => x.path === p);
    if (!f) throw new Error(`no ${p}`);
    return f;
  };
  app = byPath("infra/modules/app/function-app.bicep");
  main = byPath("infra/main.bicep");
});

const resource = (f: BicepFile, typePrefix: string): Declaration => {
  const d = declarations(f).find((x) => x.kind === "resource" && typeOf(x).startsWith(typePrefix));
  if (!d) throw new Error(`${f.path}: no ${typePrefix}`);
  return d;
};

const appSettingNames = () => [...props(get(main, "var", "appSettings").node.namedChildren[1]!).keys()];

describe("the function app", () => {
  it("runs on a Flex Consumption plan (FC1, Linux)", () => {
    const plan = bodyOf(resource(app, "Microsoft.Web/serverfarms@"));
    expect(literal(prop(plan, "sku.name"))).toBe("FC1");
    expect(literal(prop(plan, "sku.tier"))).toBe("FlexConsumption");
    expect(prop(plan, "properties.reserved")?.text).toBe("true");
  });

  it("runs Node.js 22, set in functionAppConfig", () => {
    const site = bodyOf(resource(app, "Microsoft.Web/sites@"));
    expect(literal(prop(site, "kind"))).toBe("functionapp,linux");
    expect(literal(prop(site, "properties.functionAppConfig.runtime.name"))).toBe("node");
    expect(literal(prop(site, "properties.functionAppConfig.runtime.version"))).toBe("22");
  });

  it("sets none of the settings Flex Consumption rejects or ignores", () => {
    const names = appSettingNames();
    for (const banned of [
      "FUNCTIONS_WORKER_RUNTIME",
      "WEBSITE_RUN_FROM_PACKAGE",
      "WEBSITE_NODE_DEFAULT_VERSION",
      "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
      "WEBSITE_CONTENTSHARE",
      "FUNCTIONS_EXTENSION_VERSION",
    ]) {
      expect(names).not.toContain(banned);
    }
  });

  it("pulls its package from blob storage with the user-assigned identity", () => {
    const site = bodyOf(resource(app, "Microsoft.Web/sites@"));
    expect(literal(prop(site, "properties.functionAppConfig.deployment.storage.type"))).toBe("blobContainer");
    expect(literal(prop(site, "properties.functionAppConfig.deployment.storage.authentication.type"))).toBe(
      "UserAssignedIdentity",
    );
    expect(
      prop(site, "properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId")?.text,
    ).toBe("identityResourceId");
  });

  it("runs as the user-assigned identity and resolves Key Vault references with it", () => {
    const site = bodyOf(resource(app, "Microsoft.Web/sites@"));
    expect(literal(prop(site, "identity.type"))).toBe("UserAssigned");
    expect(prop(site, "properties.keyVaultReferenceIdentity")?.text).toBe("identityResourceId");
    expect(prop(bodyOf(get(main, "module", "functionApp")), "params.identityResourceId")?.text).toBe(
      "identity.outputs.resourceId",
    );
  });

  it("uses identity-based host storage with the identity's client ID", () => {
    const s = props(get(main, "var", "appSettings").node.namedChildren[1]!);
    expect(literal(s.get("AzureWebJobsStorage__credential"))).toBe("managedidentity");
    expect(s.get("AzureWebJobsStorage__clientId")?.text).toBe("identity.outputs.clientId");
    expect(s.get("AzureWebJobsStorage__blobServiceUri")?.text).toBe("storage.outputs.blobEndpoint");
    expect(s.get("AZURE_CLIENT_ID")?.text).toBe("identity.outputs.clientId");
    expect(s.get("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")?.text).toBe(
      "'ClientId=${identity.outputs.clientId};Authorization=AAD'",
    );
  });

  it("is tagged for azd with the service name azure.yaml uses", () => {
    const site = bodyOf(resource(app, "Microsoft.Web/sites@"));
    expect(prop(site, "tags")?.text).toMatch(/'azd-service-name': serviceName/);
    expect(literal(get(main, "var", "serviceName").node.namedChildren[1])).toBe("vaultwatch");
  });

  it("has FTP and SCM basic publishing credentials switched off", () => {
    const policies = declarations(app).filter(
      (d) => d.kind === "resource" && typeOf(d).startsWith("Microsoft.Web/sites/basicPublishingCredentialsPolicies@"),
    );
    expect(policies.map((p) => literal(prop(bodyOf(p), "name"))).sort()).toEqual(["ftp", "scm"]);
    for (const p of policies) expect(prop(bodyOf(p), "properties.allow")?.text).toBe("false");
  });

  it("starts only after its storage, secret and telemetry roles exist", () => {
    const deps = prop(bodyOf(get(main, "module", "functionApp")), "dependsOn")?.text ?? "";
    for (const m of ["storageAccess", "webhookSecretAccess", "telemetryAccess"]) expect(deps).toContain(m);
  });
});
