import { beforeAll, describe, expect, it } from "vitest";
import {
  bodyOf,
  conditionOf,
  declarations,
  get,
  literal,
  loadInfra,
  prop,
  readRepoFile,
  typeOf,
  type BicepFile,
  type Declaration,
} from "./bicep.js";

let app: BicepFile;
let main: BicepFile;
let auth: Declaration;

beforeAll(async () => {
  const files = await loadInfra();
  const byPath = (p: string) => files.find((x) => x.path === p) ?? expect.fail(`no ${p}`);
  app = byPath("infra/modules/app/function-app.bicep");
  main = byPath("infra/main.bicep");
  auth =
    declarations(app).find((d) => d.kind === "resource" && typeOf(d).startsWith("Microsoft.Web/sites/config@")) ??
    expect.fail("no Microsoft.Web/sites/config resource in the function app module");
});

const items = (n: ReturnType<typeof prop>) =>
  n?.type === "array" ? n.namedChildren.map((c) => literal(c) ?? c.text) : [];

describe("App Service Authentication on the function app", () => {
  it("is the site's authsettingsV2, on whenever an app registration is given", () => {
    const body = bodyOf(auth);
    expect(literal(prop(body, "name"))).toBe("authsettingsV2");
    expect(prop(body, "parent")?.text).toBe("site");
    expect(conditionOf(auth)).toBe("(!empty(apiClientId))");
    expect(prop(body, "properties.platform.enabled")?.text).toBe("true");
  });

  it("requires sign-in and answers 401 (an API has no login page), except on the health probe's path", () => {
    const v = prop(bodyOf(auth), "properties.globalValidation");
    expect(v && prop(v, "requireAuthentication")?.text).toBe("true");
    expect(v && literal(prop(v, "unauthenticatedClientAction"))).toBe("Return401");
    expect(items(v && prop(v, "excludedPaths"))).toEqual(["/api/health"]);
    // The excluded path is the route the health function is registered on.
    expect(readRepoFile("src/functions/health.ts")).toMatch(/route: "health"/);
  });

  it("signs in with Entra ID of this tenant for the given app registration, with no client secret", () => {
    const aad = prop(bodyOf(auth), "properties.identityProviders.azureActiveDirectory");
    expect(aad && prop(aad, "enabled")?.text).toBe("true");
    expect(aad && prop(aad, "registration.clientId")?.text).toBe("apiClientId");
    expect(aad && prop(aad, "registration.openIdIssuer")?.text).toBe(
      "'${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'",
    );
    expect(aad && prop(aad, "registration.clientSecretSettingName")).toBeUndefined();
    expect(items(aad && prop(aad, "validation.allowedAudiences"))).toEqual(["'api://${apiClientId}'", "apiClientId"]);
    expect(prop(bodyOf(auth), "properties.login.tokenStore.enabled")?.text).toBe("false");
  });

  it("takes the app registration's client ID from main.bicep's apiClientId, mapped for azd", () => {
    expect(prop(bodyOf(get(main, "module", "functionApp")), "params.apiClientId")?.text).toBe("apiClientId");
    const params = JSON.parse(readRepoFile("infra/main.parameters.json")) as {
      parameters: Record<string, { value: string }>;
    };
    expect(params.parameters.apiClientId?.value).toBe("${VAULTWATCH_API_CLIENT_ID}");
  });

  it("is not faked with an app setting: WEBSITE_AUTH_ENABLED is the platform's to set", () => {
    expect(get(main, "var", "appSettings").node.text).not.toContain("WEBSITE_AUTH_ENABLED");
  });
});
