import { beforeAll, describe, expect, it } from "vitest";
import {
  bodyOf,
  declarations,
  get,
  literal,
  loadInfra,
  prop,
  readRepoFile,
  typeOf,
  valueOf,
  type BicepFile,
} from "./bicep.js";

let files: BicepFile[];
let main: BicepFile;

beforeAll(async () => {
  files = await loadInfra();
  const m = files.find((f) => f.path === "infra/main.bicep");
  if (!m) throw new Error("no infra/main.bicep");
  main = m;
});

describe("azd project", () => {
  const yaml = readRepoFile("azure.yaml");

  it("deploys this repository as a TypeScript function app service", () => {
    const service = /^services:\n {2}([a-z0-9-]+):\n((?: {4}.*\n|\s*#.*\n)+)/m.exec(yaml);
    expect(service?.[1]).toBe(literal(valueOf(get(main, "var", "serviceName"))));
    const body = service?.[2] ?? "";
    expect(body).toMatch(/^ {4}project: \.$/m);
    expect(body).toMatch(/^ {4}host: function$/m);
    expect(body).toMatch(/^ {4}language: ts$/m);
  });

  it("provisions infra/main.bicep", () => {
    expect(yaml).toMatch(/^ {2}provider: bicep$/m);
    expect(yaml).toMatch(/^ {2}path: infra$/m);
    expect(yaml).toMatch(/^ {2}module: main$/m);
  });

  it("main.parameters.json maps only parameters main.bicep declares, and every required one but the secret", () => {
    const file = JSON.parse(readRepoFile("infra/main.parameters.json")) as {
      parameters: Record<string, { value: unknown }>;
    };
    const mapped = Object.keys(file.parameters);
    const params = declarations(main).filter((d) => d.kind === "param");
    const declared = params.map((p) => p.name);
    expect(mapped.filter((m) => !declared.includes(m))).toEqual([]);
    const required = params.filter((p) => valueOf(p) === undefined).map((p) => p.name);
    expect(required.filter((r) => !mapped.includes(r))).toEqual(["teamsWebhookUrl"]);
    expect(file.parameters.environmentName?.value).toBe("${AZURE_ENV_NAME}");
    expect(file.parameters.location?.value).toBe("${AZURE_LOCATION}");
    for (const [name, p] of Object.entries(file.parameters)) expect(p.value, name).toMatch(/^\$\{[A-Z0-9_]+\}$/);
  });

  it("keeps a parameter's decorators when a linter directive sits between them and the parameter", () => {
    expect(get(main, "param", "logAnalyticsEndpoint").decorators.join(" ")).toContain("@description(");
  });

  it("tags the resource group with the azd environment name", () => {
    const rg = declarations(main).find(
      (d) => d.kind === "resource" && typeOf(d).startsWith("Microsoft.Resources/resourceGroups@"),
    );
    expect(prop(bodyOf(rg!), "tags")?.text).toBe("tags");
    expect(valueOf(get(main, "var", "tags"))?.text).toContain("'azd-env-name': environmentName");
  });
});

describe("vault diagnostic settings (opt-in)", () => {
  it("send AuditEvent to the workspace in resource-specific mode", () => {
    const f = files.find((x) => x.path === "infra/modules/monitoring/vault-diagnostics.bicep");
    const d =
      f &&
      declarations(f).find(
        (x) => x.kind === "resource" && typeOf(x).startsWith("Microsoft.Insights/diagnosticSettings@"),
      );
    expect(d).toBeDefined();
    const body = bodyOf(d!);
    expect(literal(prop(body, "properties.logAnalyticsDestinationType"))).toBe("Dedicated");
    expect(prop(body, "properties.logs")?.text).toMatch(/category: 'AuditEvent'/);
    expect(prop(body, "scope")?.text).toBe("vault");
  });

  it("are created only when asked for", () => {
    expect(get(main, "module", "vaultDiagnostics").node.text).toContain("if (enableVaultDiagnostics)");
    expect(valueOf(get(main, "param", "enableVaultDiagnostics"))?.text).toBe("false");
  });
});

describe("activity log export (opt-in)", () => {
  it("sends the Administrative category to the workspace, only when asked for", () => {
    const f = files.find((x) => x.path === "infra/modules/monitoring/activity-log.bicep");
    const d =
      f &&
      declarations(f).find(
        (x) => x.kind === "resource" && typeOf(x).startsWith("Microsoft.Insights/diagnosticSettings@"),
      );
    expect(prop(bodyOf(d!), "properties.logs")?.text).toMatch(/category: 'Administrative'/);
    expect(get(main, "module", "activityLog").node.text).toContain("if (enableActivityLogExport)");
    expect(valueOf(get(main, "param", "enableActivityLogExport"))?.text).toBe("false");
  });
});

describe("deployment guide", () => {
  const guide = readRepoFile("docs/deploy.md");

  it.each([
    "azd up",
    "az bicep build --file infra/main.bicep",
    "azd provision --preview",
    "azd down --purge",
    "az deployment sub create",
    "config-zip",
  ])("documents %s", (cmd) => {
    expect(guide).toContain(cmd);
  });

  it("names every azd variable main.parameters.json reads", () => {
    const file = JSON.parse(readRepoFile("infra/main.parameters.json")) as {
      parameters: Record<string, { value: string }>;
    };
    const vars = Object.values(file.parameters)
      .map((p) => /^\$\{(\w+)\}$/.exec(p.value)?.[1] ?? "")
      .filter((v) => v.startsWith("VAULTWATCH_"));
    for (const v of vars) expect(guide, v).toContain(v);
  });
});
