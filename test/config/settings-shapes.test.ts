import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/settings.js";
import { createRuntime } from "../../src/composition.js";
import { problemsOf } from "../fixtures/settings.js";

const good = {
  LOG_ANALYTICS_WORKSPACE_ID: "3f2a8b6c-1d4e-4f5a-9b7c-8d0e1f2a3b4c",
  STATE_TABLE_ENDPOINT: "https://stvaultwatch.table.core.windows.net",
  TEAMS_WEBHOOK_URL: "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=abc",
  MONITOR_SCHEDULE: "0 */5 * * * *",
};
// Azurite's published development key (github.com/Azure/Azurite), not a secret.
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const withConnection = (conn: string) => ({
  ...good,
  STATE_TABLE_ENDPOINT: undefined,
  STATE_STORAGE_CONNECTION_STRING: conn,
});

describe("numbers in settings", () => {
  it.each(["0x10", "1e3", " 5", "5 ", "5.", "+5", "-5", "5.0", "١٥", "Infinity", "15m"])(
    "refuse %j, saying what is expected and the range",
    (value) => {
      expect(problemsOf({ ...good, ALERT_WINDOW_MINUTES: value })).toEqual([
        `ALERT_WINDOW_MINUTES: expected a whole number of minutes from 5 to 1440, in plain digits (got ${JSON.stringify(value)})`,
      ]);
    },
  );

  it("read plain digits, and a fraction where the setting takes one", () => {
    const s = loadSettings({ ...good, ALERT_WINDOW_MINUTES: "030", ALERT_MIN_FAILURE_PERCENT: "2.5" });
    expect(s.rule).toMatchObject({ windowMinutes: 30, minFailurePercent: 2.5 });
    expect(problemsOf({ ...good, ALERT_MIN_FAILURE_PERCENT: ".5" })[0]).toContain("a percentage from 0 to 100");
  });

  it("say which bound a number crosses", () => {
    expect(problemsOf({ ...good, QUERY_TIMEOUT_SECONDS: "5", INVOCATIONS_PRIOR_HOURS: "200" })).toEqual([
      'INVOCATIONS_PRIOR_HOURS: expected at most 168 hours (1 to 168) (got "200")',
      'QUERY_TIMEOUT_SECONDS: expected at least 10 seconds (10 to 600) (got "5")',
    ]);
  });
});

describe("endpoint settings", () => {
  it("take the Log Analytics endpoint only with the /v1 the query client appends its paths to", () => {
    expect(loadSettings({ ...good, LOG_ANALYTICS_ENDPOINT: "https://api.loganalytics.azure.cn/v1/" })).toMatchObject({
      logAnalyticsEndpoint: "https://api.loganalytics.azure.cn/v1",
    });
    expect(problemsOf({ ...good, LOG_ANALYTICS_ENDPOINT: "https://api.loganalytics.azure.cn" })).toEqual([
      'LOG_ANALYTICS_ENDPOINT: expected the Log Analytics query endpoint, e.g. https://api.loganalytics.io/v1 as an https:// URL, ending in /v1 (got "https://api.loganalytics.azure.cn")',
    ]);
  });

  it.each([
    ["EMAIL_ENDPOINT", "http://acs-vw.europe.communication.azure.com", "as an https:// URL"],
    ["EMAIL_ENDPOINT", "https://acs-vw.europe.communication.azure.com/?x=1", "without a query string"],
    ["ARM_ENDPOINT", "https://user@management.azure.com", "without a user name or password"],
    ["ARM_ENDPOINT", "https://management.azure.com/#x", "without a #fragment"],
    ["PAGERDUTY_URL", "http://10.0.0.4/v2/enqueue", "(http:// only for 127.0.0.1 or localhost)"],
    ["STATE_TABLE_ENDPOINT", "stvaultwatch.table.core.windows.net", "as an https:// URL"],
  ])("refuse %s = %s", (name, value, message) => {
    const email = {
      EMAIL_ENDPOINT: "https://acs.europe.communication.azure.com",
      EMAIL_SENDER: "a@b.co",
      EMAIL_RECIPIENTS: "c@d.co",
    };
    const problems = problemsOf({ ...good, ...email, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
    expect(problems[0]).toContain(message);
  });

  it("allow plain http to a local stand-in, and a query only on the Teams URL that carries its signature there", () => {
    expect(() =>
      loadSettings({
        ...good,
        PAGERDUTY_URL: "http://127.0.0.1:8080/v2/enqueue",
        PAGERDUTY_ROUTING_KEY: "a".repeat(32),
      }),
    ).not.toThrow();
  });
});

describe("the state connection string", () => {
  it("name what is missing for a value that is not a connection string, without a TypeError later", () => {
    expect(problemsOf(withConnection("x"))).toEqual([
      "STATE_STORAGE_CONNECTION_STRING: part 1 of 1 is not Key=Value; expected UseDevelopmentStorage=true (Azurite), or DefaultEndpointsProtocol, AccountName, AccountKey and TableEndpoint (or EndpointSuffix), or TableEndpoint and SharedAccessSignature, as Key=Value parts separated by ';' (value hidden)",
    ]);
  });

  it.each([
    [
      "an account key alone",
      `AccountKey=${DEV_KEY}`,
      "missing DefaultEndpointsProtocol, AccountName, TableEndpoint (or EndpointSuffix)",
    ],
    [
      "no protocol (the SDK would look for a SAS)",
      `AccountName=st1;AccountKey=${DEV_KEY};EndpointSuffix=core.windows.net`,
      "missing DefaultEndpointsProtocol",
    ],
    [
      "a key that is not base64",
      "DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=not-base64!;EndpointSuffix=core.windows.net",
      "AccountKey is not base64",
    ],
    [
      "plain http to a storage account",
      `DefaultEndpointsProtocol=http;AccountName=st1;AccountKey=${DEV_KEY};EndpointSuffix=core.windows.net`,
      "plain http needs a TableEndpoint on 127.0.0.1",
    ],
    [
      "a misspelt key",
      `DefaultEndpointsProtocol=https;AcountName=st1;AccountKey=${DEV_KEY}`,
      "part 2 of 3 has an unknown key",
    ],
    ["a SAS without its endpoint", "SharedAccessSignature=sv=2022-11-02&sig=abc", "missing TableEndpoint"],
    ["development storage turned off", "UseDevelopmentStorage=false", "UseDevelopmentStorage is not true"],
  ])("refuse %s, naming the setting and never the value", (_, conn, message) => {
    const problems = problemsOf(withConnection(conn));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^STATE_STORAGE_CONNECTION_STRING: /);
    expect(problems[0]).toContain(message);
    expect(problems[0]).toMatch(/\(value hidden\)$/);
    expect(problems[0]).not.toContain(DEV_KEY.slice(0, 12));
    expect(problems[0]).not.toContain("st1");
  });

  it.each([
    ["Azurite's shorthand", "UseDevelopmentStorage=true"],
    [
      "Azurite's account",
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;`,
    ],
    [
      "an account by suffix",
      `DefaultEndpointsProtocol=https;AccountName=stvw1;AccountKey=${DEV_KEY};EndpointSuffix=core.windows.net`,
    ],
    ["a SAS", "TableEndpoint=https://stvw1.table.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=t&sig=abc"],
  ])("accept %s, and the table client opens with it", (_, conn) => {
    const env = withConnection(conn);
    expect(() => createRuntime(loadSettings(env), env)).not.toThrow();
  });
});

describe("one round", () => {
  it("list every problem at once: each setting, the checks across settings, and the JSON settings", () => {
    const problems = problemsOf({
      LOG_ANALYTICS_WORKSPACE_ID: "law-prod",
      MONITOR_SCHEDULE: "0 99 * * * *",
      TEAMS_WEBHOOK_URL: "https://x.logic.azure.com/hook?sig=abc",
      ALERT_WINDOW_MINUTES: "0x10",
      APP_INSIGHTS_MODE: "classic",
      EMAIL_ENDPOINT: "https://acs.europe.communication.azure.com",
      MONITOR_CONFIG: "{not json",
      NOTIFY_CONFIG: JSON.stringify({ routes: [{ channels: ["pagerduty"] }] }),
    });
    expect(problems.map((p) => p.split(/[: ]/)[0])).toEqual([
      "LOG_ANALYTICS_WORKSPACE_ID",
      "MONITOR_SCHEDULE",
      "ALERT_WINDOW_MINUTES",
      "STATE_TABLE_ENDPOINT",
      "APP_INSIGHTS_RESOURCE_ID",
      "EMAIL_SENDER",
      "EMAIL_RECIPIENTS",
      "MONITOR_CONFIG",
      "NOTIFY_CONFIG",
    ]);
  });

  it("check the confirmation period against the window as set, and the window alone when it is bad", () => {
    expect(problemsOf({ ...good, ALERT_WINDOW_MINUTES: "10", RESOLVE_AFTER_MINUTES: "60" })).toEqual([
      "RESOLVE_AFTER_MINUTES: expected at most 4 × ALERT_WINDOW_MINUTES (40); a longer confirmation needs a longer query window (got 60)",
    ]);
    expect(problemsOf({ ...good, ALERT_WINDOW_MINUTES: "ten", RESOLVE_AFTER_MINUTES: "60" })).toHaveLength(1);
  });

  it("report a JSON setting that is not JSON without quoting it", () => {
    const text = `{"apps": [${"x".repeat(5000)}`;
    expect(problemsOf({ ...good, MONITOR_CONFIG: text })).toEqual(["MONITOR_CONFIG is not valid JSON"]);
    expect(problemsOf({ ...good, CONTROL_PLANE_CONFIG: '{"vaults": [' })).toEqual([
      "CONTROL_PLANE_CONFIG is not valid JSON (it ends early, after 12 characters)",
    ]);
  });

  it("show a long value only in part", () => {
    const [problem] = problemsOf({
      ...good,
      EMAIL_ENDPOINT: "https://acs.europe.communication.azure.com",
      EMAIL_SENDER: "x@y.co",
      EMAIL_RECIPIENTS: `a@${"b.".repeat(25_000)} x`,
    });
    expect(problem).toMatch(
      /^EMAIL_RECIPIENTS: expected one or more email addresses separated by commas \(got "a@b\.b\.b.*…", 50004 characters\)$/,
    );
  });
});
