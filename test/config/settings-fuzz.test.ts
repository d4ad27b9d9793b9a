import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadSettings, SETTING_NAMES, SettingsError } from "../../src/config/settings.js";
import { runs } from "../fixtures/property.js";

/**
 * Settings maps as an operator might get them wrong: random subsets of the real setting names, each
 * with a valid value, a mutated one, a random one, or a canary secret (whole, or inside another
 * value). Whatever comes in, loadSettings answers with settings or a SettingsError whose lines name
 * settings, stay bounded and never carry a secret.
 */

// Canary key material, made up, of the shapes Azure and PagerDuty issue (see secret-like.ts).
const ACCOUNT_KEY = `${"Cn4ryK3yMat3r1aL".repeat(5)}Zq9Xw8==`; // 88 characters, like a storage account key
const SIGNATURE = `${"S1gN4tUr3".repeat(4)}Ab7Cd3X=`; // 44 characters, like a SAS signature
const HEX_KEY = "c0ffee00deadbeef0123456789abcdef"; // 32 hex digits, like a PagerDuty routing key
const CORES = [ACCOUNT_KEY.slice(0, -2), SIGNATURE.slice(0, -1), HEX_KEY];
const CANARIES = [
  `DefaultEndpointsProtocol=https;AccountName=stcanary;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`,
  `https://prod-01.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/invoke?api-version=1&sig=${SIGNATURE}`,
  // The same URL with its "?" lost: the signature would sit in the path that redaction keeps.
  `https://prod-01.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/invoke/api-version=1&sig=${SIGNATURE}`,
  `TableEndpoint=https://stcanary.table.core.windows.net/;SharedAccessSignature=sv=2022-11-02&sig=${SIGNATURE}`,
  `Endpoint=sb://canary.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=${SIGNATURE}`,
  HEX_KEY,
  ACCOUNT_KEY,
];
/** A leak is any 16 characters in a row of a canary's key material. */
const WINDOW = 16;
const leaks = (text: string) =>
  CORES.flatMap((core) =>
    Array.from({ length: core.length - WINDOW + 1 }, (_, i) => core.slice(i, i + WINDOW)).filter((w) =>
      text.includes(w),
    ),
  );

const VALID: Record<string, string[]> = {
  LOG_ANALYTICS_WORKSPACE_ID: ["3f2a8b6c-1d4e-4f5a-9b7c-8d0e1f2a3b4c"],
  LOG_ANALYTICS_ENDPOINT: ["https://api.loganalytics.io/v1", "https://api.loganalytics.azure.cn/v1/"],
  KEYVAULT_AUDIT_TABLE: ["auto", "AzureDiagnostics", "AZKVAuditLogs"],
  APP_INSIGHTS_MODE: ["workspace", "classic", "none"],
  APP_INSIGHTS_RESOURCE_ID: [
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Insights/components/appi",
  ],
  INVOCATIONS_PRIOR_HOURS: ["6", "168"],
  CHANGES_LOOKBACK_MINUTES: ["120"],
  STATE_TABLE_ENDPOINT: ["https://stvaultwatch.table.core.windows.net"],
  STATE_STORAGE_CONNECTION_STRING: ["UseDevelopmentStorage=true", CANARIES[0] ?? ""],
  STATE_TABLE_PREFIX: ["vaultwatch", "replay0a1b2c3d4e"],
  TEAMS_WEBHOOK_URL: [CANARIES[1] ?? "", CANARIES[2] ?? "", "http://127.0.0.1:8080/hook"],
  EMAIL_ENDPOINT: ["https://acs-vw.europe.communication.azure.com"],
  EMAIL_SENDER: ["DoNotReply@alerts.contoso.com"],
  EMAIL_RECIPIENTS: ["oncall@contoso.com; sre@contoso.com"],
  PAGERDUTY_ROUTING_KEY: [HEX_KEY],
  PAGERDUTY_URL: ["https://events.pagerduty.com/v2/enqueue"],
  NOTIFY_CONFIG: [JSON.stringify({ repeat: { "SEV-2": "2h" }, routes: [{ channels: ["teams"] }] })],
  LOG_ANALYTICS_WORKSPACE_RESOURCE_ID: [
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
  ],
  AZURE_CLIENT_ID: ["6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"],
  MONITOR_SCHEDULE: ["0 */5 * * * *", "0 30 9 * Jan Mon-Fri"],
  ALERT_WINDOW_MINUTES: ["15"],
  ALERT_MIN_FAILURES: ["5"],
  ALERT_MIN_FAILURE_PERCENT: ["2.5"],
  RESOLVE_AFTER_MINUTES: ["15"],
  HEALTH_STALE_AFTER_MINUTES: ["15"],
  CRITICAL_IDENTITIES: ["id-orders,1435b0d4-3092-4987-a734-0fc59663166a"],
  QUERY_TIMEOUT_SECONDS: ["60"],
  MONITOR_CONFIG: [
    JSON.stringify({ apps: [{ name: "app-portal", identities: ["app-portal"], critical: true, hasFallback: false }] }),
  ],
  CONTROL_PLANE_CONFIG: [JSON.stringify({ workspaces: [], vaults: [], principals: [] })],
  ARM_ENDPOINT: ["https://management.azure.com"],
};
const SECRET_SETTINGS = new Set(["TEAMS_WEBHOOK_URL", "STATE_STORAGE_CONNECTION_STRING", "PAGERDUTY_ROUTING_KEY"]);
/** A generous bound: 50 lines of at most 400 characters, the "… and N more" line and the heading. */
const MESSAGE_MAX = 21_000;

/** One edit of a value: a character inserted, removed or replaced, a cut, a doubling. */
const mutated = (value: string) =>
  fc
    .tuple(fc.nat({ max: Math.max(0, value.length) }), fc.string({ maxLength: 3, unit: "binary" }), fc.nat({ max: 4 }))
    .map(
      ([at, text, kind]) =>
        [
          value.slice(0, at) + text + value.slice(at),
          value.slice(0, at) + value.slice(at + 1),
          value.slice(0, at) + text + value.slice(at + 1),
          value.slice(0, at),
          value + value,
        ][kind] ?? value,
    );

const canary = fc.constantFrom(...CANARIES);
const valueFor = (name: string): fc.Arbitrary<string> => {
  const valid = fc.constantFrom(...(VALID[name] ?? [""]));
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 3, arbitrary: valid.chain(mutated) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: "binary" }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("", " ", "0x10", "1e3", " 5", "5.", "+5", "-1", "NaN", "null", "{}", "[]"),
    },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), fc.nat({ max: 5000 })).map(([s, n]) => s.repeat(n)) },
    { weight: 2, arbitrary: canary },
    { weight: 2, arbitrary: fc.tuple(valid, canary).map(([v, c]) => `${v}${c}`) },
    { weight: 1, arbitrary: fc.tuple(valid, canary).map(([v, c]) => `${c};${v}`) },
    { weight: 1, arbitrary: canary.map((c) => JSON.stringify({ apps: [{ name: c, identities: [c] }] })) },
  );
};

const GOOD = {
  LOG_ANALYTICS_WORKSPACE_ID: "3f2a8b6c-1d4e-4f5a-9b7c-8d0e1f2a3b4c",
  STATE_TABLE_ENDPOINT: "https://stvaultwatch.table.core.windows.net",
  TEAMS_WEBHOOK_URL: CANARIES[1],
  MONITOR_SCHEDULE: "0 */5 * * * *",
};
const entries = (names: string[], value: (name: string) => fc.Arbitrary<string>) =>
  fc.tuple(...names.map((n) => value(n).map((v) => [n, v] as const))).map((pairs) => Object.fromEntries(pairs));

/** Any subset of the settings, each with any value. */
const wildMap = fc.subarray([...SETTING_NAMES]).chain((names) => entries(names, valueFor));
/** A working set with valid values for some settings, then up to three settings given any value. */
const nearlyGoodMap = fc
  .tuple(
    fc.subarray([...SETTING_NAMES]).chain((names) => entries(names, (n) => fc.constantFrom(...(VALID[n] ?? [""])))),
    fc.subarray([...SETTING_NAMES], { maxLength: 3 }).chain((names) => entries(names, valueFor)),
  )
  .map(([valid, perturbed]) => ({ ...GOOD, ...valid, ...perturbed }));
const settingsMap = fc.oneof(wildMap, nearlyGoodMap);

const NAMED = new RegExp(`^(${SETTING_NAMES.join("|")})[: ]`);

describe("settings fuzz", () => {
  it("answers every settings map with settings or a bounded SettingsError that names settings and leaks no secret", () => {
    const outcomes = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(settingsMap, (env) => {
        let settings: unknown;
        try {
          settings = loadSettings(env);
        } catch (error) {
          expect(error).toBeInstanceOf(SettingsError);
          const { message, problems } = error as SettingsError;
          expect(message.length).toBeLessThanOrEqual(MESSAGE_MAX);
          expect(problems.length).toBeGreaterThan(0);
          for (const line of problems) expect(line).toMatch(line.startsWith("… and ") ? /^… and \d+ more$/ : NAMED);
          expect(leaks(message)).toEqual([]);
          outcomes.refused++;
          return;
        }
        // Accepted: secret values stay inside their Secret wrappers.
        expect(leaks(`${JSON.stringify(settings)}\n${inspect(settings, { depth: 10 })}`)).toEqual([]);
        outcomes.accepted++;
      }),
      runs(1_000),
    );
    // Both answers are exercised; the split depends only on the fixed seed.
    expect(outcomes.accepted).toBeGreaterThan(20);
    expect(outcomes.refused).toBeGreaterThan(500);
  });

  it("refuses every canary placed in a setting that is not secret, without echoing it", () => {
    for (const name of SETTING_NAMES.filter((n) => !SECRET_SETTINGS.has(n)))
      for (const value of CANARIES) {
        let problems: string[] = [];
        try {
          loadSettings({ MONITOR_SCHEDULE: "0 */5 * * * *", [name]: value });
        } catch (error) {
          problems = (error as SettingsError).problems;
        }
        expect(problems.filter((p) => p.startsWith(`${name}: the value looks like a secret`))).toHaveLength(1);
        expect(leaks(problems.join("\n"))).toEqual([]);
      }
  });
});
