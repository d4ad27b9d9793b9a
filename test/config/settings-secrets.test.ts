import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/settings.js";
import { secretShapeOf } from "../../src/config/secret-like.js";
import { createRuntime } from "../../src/composition.js";
import { createHealthHandler } from "../../src/functions/handlers/health.js";
import { problemsOf } from "../fixtures/settings.js";

const good = {
  LOG_ANALYTICS_WORKSPACE_ID: "3f2a8b6c-1d4e-4f5a-9b7c-8d0e1f2a3b4c",
  STATE_TABLE_ENDPOINT: "https://stvaultwatch.table.core.windows.net",
  TEAMS_WEBHOOK_URL: "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=abc",
  MONITOR_SCHEDULE: "0 */5 * * * *",
};
// Made-up key material of the shapes Azure issues: an 88-character account key, a 44-character SAS signature.
const ACCOUNT_KEY = "q7Lw2Rk9Zt0Xv3Nb8Hc5Mf1Jd6Gs4Pa7Qe2Wy9Tu0Io3Kl8Zx5Cv1Bn6Mq4Aw7Se2Dr9Ft0Gy3Hu8Ji5Ko1Lp6==";
const SIGNATURE = "Xk3Lm9Pq2Rs7Tu1Vw5Yz8Ab4Cd6Ef0Gh3Ij7Kl2Mn9O=";
const CONNECTION = `DefaultEndpointsProtocol=https;AccountName=stvw1;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`;

describe("a secret pasted into a setting that is not secret", () => {
  it.each([
    ["STATE_TABLE_ENDPOINT", CONNECTION, "an account key (AccountKey=)"],
    ["STATE_TABLE_ENDPOINT", `https://stvw1.table.core.windows.net/?sv=2022-11-02&sig=${SIGNATURE}`, "(sig=)"],
    [
      "EMAIL_ENDPOINT",
      `https://acs.communication.azure.com/;SharedAccessSignature=${SIGNATURE}`,
      "shared access signature",
    ],
    ["ARM_ENDPOINT", `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=${SIGNATURE}`, "shared access key"],
    ["CRITICAL_IDENTITIES", "orders-api,0123456789abcdef0123456789abcdef", "32 or more hex digits"],
    ["MONITOR_CONFIG", JSON.stringify({ apps: [{ name: ACCOUNT_KEY }] }), "a base64 key"],
    ["LOG_ANALYTICS_ENDPOINT", "https://reader:Pa55word@api.loganalytics.io/v1", "a password in a URL"],
    ["EMAIL_RECIPIENTS", `oncall@contoso.com,${SIGNATURE.slice(0, 43)}${ACCOUNT_KEY.slice(0, 20)}`, "a base64 key"],
  ])("refuse %s without echoing it, and say it looks like a secret", (name, value, what) => {
    const problems = problemsOf({
      ...good,
      EMAIL_ENDPOINT: "https://acs.europe.communication.azure.com",
      EMAIL_SENDER: "a@b.co",
      EMAIL_RECIPIENTS: "c@d.co",
      [name]: value,
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: the value looks like a secret \\(`));
    expect(problems[0]).toContain(what);
    expect(problems[0]).toMatch(/\(value hidden\)$/);
    for (const secret of [ACCOUNT_KEY, SIGNATURE, "Pa55word", "0123456789abcdef"])
      expect(problems[0]).not.toContain(secret.slice(0, 10));
  });

  it("keep the secret out of /api/health and its log line", async () => {
    const env = { ...good, STATE_TABLE_ENDPOINT: CONNECTION };
    const logs: string[] = [];
    const context = new InvocationContext({
      invocationId: "0f8fad5b-d9cb-469f-a165-70867728950e",
      functionName: "health",
      logHandler: (_level, ...args) => logs.push(args.join(" ")),
    });
    const health = createHealthHandler(() => createRuntime(loadSettings(env), env));
    const res = await health(new HttpRequest({ method: "GET", url: "http://localhost:7071/api/health" }), context);
    expect(res.status).toBe(503);
    expect(res.jsonBody).toEqual({
      status: "misconfigured",
      reasons: [expect.stringMatching(/^STATE_TABLE_ENDPOINT: the value looks like a secret/)],
    });
    const shown = `${JSON.stringify(res.jsonBody)}\n${logs.join("\n")}`;
    expect(logs.join("\n")).toContain("STATE_TABLE_ENDPOINT");
    expect(shown).not.toContain(ACCOUNT_KEY.slice(0, 10));
    expect(shown).not.toContain("stvw1");
  });

  it("leave secret settings to hold secrets", () => {
    const s = loadSettings({
      ...good,
      STATE_TABLE_ENDPOINT: undefined,
      STATE_STORAGE_CONNECTION_STRING: CONNECTION,
      TEAMS_WEBHOOK_URL: `https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=${SIGNATURE}`,
    });
    expect(s.state.kind).toBe("connectionString");
    expect(JSON.stringify(s)).not.toContain(ACCOUNT_KEY.slice(0, 10));
    expect(JSON.stringify(s)).not.toContain(SIGNATURE.slice(0, 10));
  });

  it("does not mistake the settings of the replayed scenarios for secrets", () => {
    const dir = path.join(__dirname, "..", "scenarios");
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json"));
    const values = files.flatMap((f) => {
      const settings = (JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { settings?: object }).settings ?? {};
      return Object.values(settings).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
    });
    // Apps, vaults, resource IDs, object IDs and client IDs of every scenario, as the replay sets them.
    expect(values.length).toBeGreaterThan(30);
    expect(values.filter((v) => secretShapeOf(v) !== undefined)).toEqual([]);
  });

  it.each([
    "3f2a8b6c-1d4e-4f5a-9b7c-8d0e1f2a3b4c",
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rgVaultwatchProductionWestEurope01/providers/Microsoft.OperationalInsights/workspaces/lawVaultwatchProductionWestEurope01",
    "DefaultEndpointsProtocolIsNotASetting=https",
    "https://api.loganalytics.io/v1",
  ])("let %s through", (value) => {
    expect(secretShapeOf(value)).toBeUndefined();
  });
});
