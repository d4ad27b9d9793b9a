import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/settings.js";
import { problemsOf } from "../fixtures/settings.js";

const SIG = "s3cr3tSignatureValue0123456789";
const good = {
  LOG_ANALYTICS_WORKSPACE_ID: "3f2a8b6c-1d4e-4f5a-9b7c-8d0e1f2a3b4c",
  STATE_TABLE_ENDPOINT: "https://stvaultwatch.table.core.windows.net",
  TEAMS_WEBHOOK_URL: `https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=${SIG}`,
  MONITOR_SCHEDULE: "0 */5 * * * *",
};

describe("settings", () => {
  it("accept the minimal production set and fill documented defaults", () => {
    const s = loadSettings(good);
    expect(s).toMatchObject({
      keyVaultAuditTable: "auto",
      appInsights: { mode: "workspace" },
      logAnalyticsEndpoint: "https://api.loganalytics.io/v1",
      state: { kind: "endpoint", tablePrefix: "vaultwatch" },
      rule: { windowMinutes: 15, minFailures: 5, minFailurePercent: 5, resolveAfterMinutes: 15 },
    });
  });

  it("treat an empty app setting as unset, as the portal stores it", () => {
    expect(loadSettings({ ...good, AZURE_CLIENT_ID: "", ALERT_WINDOW_MINUTES: " " }).rule.windowMinutes).toBe(15);
  });

  it.each([
    [
      "a missing workspace ID",
      { LOG_ANALYTICS_WORKSPACE_ID: undefined },
      "LOG_ANALYTICS_WORKSPACE_ID: expected the Log Analytics workspace ID (a GUID such as 00000000-0000-0000-0000-000000000000) (missing)",
    ],
    [
      "a workspace name instead of its ID",
      { LOG_ANALYTICS_WORKSPACE_ID: "law-prod" },
      'LOG_ANALYTICS_WORKSPACE_ID: expected the Log Analytics workspace ID (a GUID such as 00000000-0000-0000-0000-000000000000) (got "law-prod")',
    ],
    [
      "a five-field cron",
      { MONITOR_SCHEDULE: "*/5 * * * *" },
      "MONITOR_SCHEDULE: expected a six-field NCRONTAB expression",
    ],
    [
      "an unknown audit table",
      { KEYVAULT_AUDIT_TABLE: "KeyVaultLogs" },
      "KEYVAULT_AUDIT_TABLE: expected auto, AzureDiagnostics",
    ],
    [
      "classic App Insights without its resource",
      { APP_INSIGHTS_MODE: "classic" },
      "APP_INSIGHTS_RESOURCE_ID: expected the App Insights resource ID when APP_INSIGHTS_MODE is classic",
    ],
    [
      "an App Insights name instead of its resource ID",
      { APP_INSIGHTS_MODE: "classic", APP_INSIGHTS_RESOURCE_ID: "ai-orders" },
      "APP_INSIGHTS_RESOURCE_ID: expected the ARM resource ID of an Application Insights component",
    ],
    [
      "a window that is not a number",
      { ALERT_WINDOW_MINUTES: "fifteen" },
      'ALERT_WINDOW_MINUTES: expected a whole number of minutes from 5 to 1440, in plain digits (got "fifteen")',
    ],
    [
      "a percentage over 100",
      { ALERT_MIN_FAILURE_PERCENT: "250" },
      "ALERT_MIN_FAILURE_PERCENT: expected at most 100 percent (0 to 100)",
    ],
    ["no state location", { STATE_TABLE_ENDPOINT: undefined }, "STATE_TABLE_ENDPOINT: expected STATE_TABLE_ENDPOINT"],
    [
      "two state locations",
      { STATE_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true" },
      "set either STATE_TABLE_ENDPOINT",
    ],
    [
      "an http Table endpoint",
      { STATE_TABLE_ENDPOINT: "http://stvaultwatch.table.core.windows.net" },
      "STATE_TABLE_ENDPOINT: expected the Table service endpoint",
    ],
    [
      "a confirmation period longer than the query can see",
      { RESOLVE_AFTER_MINUTES: "120" },
      "RESOLVE_AFTER_MINUTES: expected at most 4 × ALERT_WINDOW_MINUTES",
    ],
  ])("reject %s, naming the setting and what is expected", (_, override, message) => {
    expect(problemsOf({ ...good, ...override }).join("\n")).toContain(message);
  });

  it("never echo a secret setting's value in an error", () => {
    const problems = problemsOf({
      ...good,
      TEAMS_WEBHOOK_URL: `http://example.com/hook?sig=${SIG}`,
      STATE_TABLE_ENDPOINT: undefined,
      STATE_STORAGE_CONNECTION_STRING: `AccountKey=${SIG}`,
      LOG_ANALYTICS_WORKSPACE_ID: "x",
    });
    const text = problems.join("\n");
    expect(text).toContain("TEAMS_WEBHOOK_URL: expected the Teams Workflows webhook URL as an https:// URL");
    expect(text).toContain("(value hidden)");
    expect(text).not.toContain(SIG);
  });

  it("accept a plain-http webhook only on loopback (the local stand-in)", () => {
    expect(() => loadSettings({ ...good, TEAMS_WEBHOOK_URL: "http://127.0.0.1:8080/hook?sig=x" })).not.toThrow();
    expect(problemsOf({ ...good, TEAMS_WEBHOOK_URL: "http://10.0.0.4/hook?sig=x" })[0]).toContain("TEAMS_WEBHOOK_URL");
  });

  it("keep the webhook URL out of JSON, string conversion and inspection", async () => {
    const s = loadSettings(good);
    const { inspect } = await import("node:util");
    for (const shown of [
      JSON.stringify(s),
      String(s.teamsWebhookUrl),
      `${s.teamsWebhookUrl}`,
      inspect(s, { depth: 5 }),
    ]) {
      expect(shown).not.toContain(SIG);
    }
    expect(String(s.teamsWebhookUrl)).toBe(
      "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?<redacted>",
    );
    expect(s.teamsWebhookUrl.reveal()).toContain(SIG);
  });
});
