import { beforeAll, describe, expect, it } from "vitest";
import { find, get, literal, loadBicep, props, readRepoFile, valueOf, INFRA, type BicepFile } from "./bicep.js";
import { loadSettings, SettingsError } from "../../src/config/settings.js";
import type { Node } from "web-tree-sitter";
import path from "node:path";

/**
 * The app settings main.bicep declares, checked against the app's own validation
 * (src/config/settings.ts). Where Bicep computes a value at deployment time, the test stands in
 * a value of the shape Azure produces; literal values and parameter defaults are used as written.
 */

// Values Azure fills in at deployment, for the settings whose Bicep value is an expression.
const DEPLOYED = {
  AzureWebJobsStorage__blobServiceUri: "https://stvwexample.blob.core.windows.net/",
  AzureWebJobsStorage__clientId: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "ClientId=6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b;Authorization=AAD",
  LOG_ANALYTICS_WORKSPACE_ID: "0b7e3f52-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
  STATE_TABLE_ENDPOINT: "https://stvwexample.table.core.windows.net",
  // What the app sees once the platform has resolved the Key Vault reference.
  TEAMS_WEBHOOK_URL:
    "https://example.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=example",
  AZURE_CLIENT_ID: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
  // enableEmail and pagerDutyRoutingKey are off by default: these stay empty.
  EMAIL_ENDPOINT: "",
  EMAIL_SENDER: "",
  PAGERDUTY_ROUTING_KEY: "",
  LOG_ANALYTICS_WORKSPACE_RESOURCE_ID:
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-vaultwatch/providers/Microsoft.OperationalInsights/workspaces/log-vaultwatch-abc",
} as const;

let main: BicepFile;
let settings: Map<string, Node>;

beforeAll(async () => {
  main = await loadBicep(path.join(INFRA, "main.bicep"));
  const obj = get(main, "var", "appSettings").node.namedChildren[1];
  if (!obj) throw new Error("appSettings has no value");
  settings = props(obj);
});

/** A parameter's default as the app would receive it (numbers as text). */
function paramDefault(name: string): string | undefined {
  const p = find(main, "param", name);
  const v = p && valueOf(p);
  if (!v) return undefined;
  return v.type === "number" ? v.text : literal(v);
}

/** The setting's value as written in Bicep, or undefined when Azure computes it. */
function writtenValue(node: Node): string | undefined {
  const lit = literal(node);
  if (lit !== undefined) return lit;
  if (node.type === "identifier") return paramDefault(node.text);
  // string(alertWindowMinutes) and the like
  if (node.type === "call_expression" && node.childForFieldName("function")?.text === "string") {
    const arg = node.childForFieldName("arguments")?.namedChildren[0];
    return arg?.type === "identifier" ? paramDefault(arg.text) : undefined;
  }
  return undefined;
}

function deployedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, node] of settings) {
    const value = writtenValue(node) ?? (DEPLOYED as Record<string, string>)[name];
    if (value === undefined)
      throw new Error(`${name}: computed at deployment (${node.text}) and no stand-in value is given`);
    env[name] = value;
  }
  return env;
}

/** Setting names in the app's EnvSchema, read from the source the app validates with. */
function schemaSettingNames(): string[] {
  const source = readRepoFile("src/config/settings.ts");
  // The object's closing line and its keys are indented by 0 and 2, or 2 and 4 when a chain follows.
  const block = /const EnvSchema = z\s*\.object\(\{([\s\S]*?)\n( {2})?\}\)/.exec(source);
  if (!block?.[1]) throw new Error("EnvSchema not found in src/config/settings.ts");
  const keyIndent = block[2] ? 4 : 2;
  return [...block[1].matchAll(new RegExp(`^ {${keyIndent}}([A-Z][A-Z0-9_]*):`, "gm"))].map((m) => m[1] ?? "");
}

describe("the app settings main.bicep declares", () => {
  it("stand-in values are used only where Bicep computes the value", () => {
    const computed = [...settings].filter(([, node]) => writtenValue(node) === undefined).map(([name]) => name);
    expect(computed.sort()).toEqual(Object.keys(DEPLOYED).sort());
  });

  it("cover every setting the app reads, except the Azurite-only connection string", () => {
    const names = schemaSettingNames();
    expect(names).toContain("LOG_ANALYTICS_WORKSPACE_ID");
    const missing = names.filter((n) => n !== "STATE_STORAGE_CONNECTION_STRING" && !settings.has(n));
    expect(missing).toEqual([]);
    expect(settings.has("STATE_STORAGE_CONNECTION_STRING")).toBe(false);
  });

  it("pass the app's own validation, as deployed", () => {
    const s = loadSettings(deployedEnv());
    expect(s.state).toEqual({
      kind: "endpoint",
      tableEndpoint: DEPLOYED.STATE_TABLE_ENDPOINT,
      tablePrefix: "vaultwatch",
    });
    expect(s.workspaceId).toBe(DEPLOYED.LOG_ANALYTICS_WORKSPACE_ID);
    expect(s.monitorSchedule).toBe("0 */5 * * * *");
  });

  it("include each setting without which the app refuses to start", () => {
    const env = deployedEnv();
    const required = Object.keys(env).filter((name) => {
      const { [name]: _, ...rest } = env;
      try {
        loadSettings(rest);
        return false;
      } catch (e) {
        expect(e).toBeInstanceOf(SettingsError);
        return true;
      }
    });
    expect(required.sort()).toEqual([
      "LOG_ANALYTICS_WORKSPACE_ID",
      "MONITOR_SCHEDULE",
      "STATE_TABLE_ENDPOINT",
      "TEAMS_WEBHOOK_URL",
    ]);
  });

  it("default to what the app assumes when a setting is absent", () => {
    const env = deployedEnv();
    const optional = [
      "LOG_ANALYTICS_ENDPOINT",
      "KEYVAULT_AUDIT_TABLE",
      "APP_INSIGHTS_MODE",
      "APP_INSIGHTS_RESOURCE_ID",
      "INVOCATIONS_PRIOR_HOURS",
      "CHANGES_LOOKBACK_MINUTES",
      "STATE_TABLE_PREFIX",
      "CRITICAL_IDENTITIES",
      "ALERT_WINDOW_MINUTES",
      "ALERT_MIN_FAILURES",
      "ALERT_MIN_FAILURE_PERCENT",
      "RESOLVE_AFTER_MINUTES",
      "HEALTH_STALE_AFTER_MINUTES",
      "QUERY_TIMEOUT_SECONDS",
    ];
    const withoutOptional = Object.fromEntries(Object.entries(env).filter(([k]) => !optional.includes(k)));
    expect(loadSettings(env)).toEqual(loadSettings(withoutOptional));
  });

  it("deliver the Teams webhook URL as a Key Vault reference to the webhook secret", () => {
    const ref = settings.get("TEAMS_WEBHOOK_URL")?.text;
    expect(ref).toBe("'@Microsoft.KeyVault(SecretUri=${keyVault.outputs.vaultUri}secrets/${webhookSecretName})'");
    expect(literal(get(main, "var", "webhookSecretName").node.namedChildren[1])).toBe("teams-webhook-url");
  });

  it("accept every value the parameters allow for the audit table and the Application Insights mode", () => {
    const allowed = (param: string) =>
      [
        ...(get(main, "param", param).decorators.find((d) => d.startsWith("@allowed")) ?? "").matchAll(/'([^']+)'/g),
      ].map((m) => m[1] ?? "");
    expect(allowed("keyVaultAuditTable")).toEqual(["auto", "AzureDiagnostics", "AZKVAuditLogs"]);
    for (const table of allowed("keyVaultAuditTable")) {
      expect(() => loadSettings({ ...deployedEnv(), KEYVAULT_AUDIT_TABLE: table })).not.toThrow();
    }
    const component =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders/providers/Microsoft.Insights/components/appi-orders";
    for (const mode of allowed("appInsightsMode")) {
      expect(() =>
        loadSettings({
          ...deployedEnv(),
          APP_INSIGHTS_MODE: mode,
          APP_INSIGHTS_RESOURCE_ID: mode === "classic" ? component : "",
        }),
      ).not.toThrow();
    }
  });

  it("grant read access to the classic Application Insights resource exactly when the app queries it", () => {
    expect(valueOf(get(main, "var", "readsClassicAppInsights"))?.text).toBe(
      "appInsightsMode == 'classic' && !empty(appInsightsResourceId)",
    );
    expect(get(main, "module", "appInsightsReader").node.text).toContain("if (readsClassicAppInsights)");
    expect(settings.get("APP_INSIGHTS_RESOURCE_ID")?.text).toBe("appInsightsResourceId");
  });
});
