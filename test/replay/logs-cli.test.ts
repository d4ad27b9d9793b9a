import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../tools/cli/main.js";
import type { NotificationLine } from "../../tools/replay/line.js";
import { replayScenario, startReplayHost, type ReplayHost } from "../../tools/replay/replay.js";
import { parseScenario } from "../../tools/scenario/load.js";
import { at, deniedBetween, ORDERS, ordersScenario, ROLE_DELETED, VAULT, WORKSPACE } from "./builder.js";

// One host for the file: the managed-identity credential keeps its endpoint process-wide.
let host: ReplayHost;
beforeAll(async () => {
  host = await startReplayHost();
});
afterAll(async () => {
  await host.close();
});

const MINUTE = 60_000;
/** A replay runs the monitor's KQL through Kusto's own parser (tools/kusto) each tick: seconds, not milliseconds. */
const REPLAY_TIMEOUT = 180_000;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "vw-logs-cli-"));
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
    { host },
  );
  return { code, out: out.join(""), err: err.join("") };
}

const jsonLines = (text: string): NotificationLine[] =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as NotificationLine);

/**
 * What the query API answers for `AZKVAuditLogs | where ... | extend IngestedAt = ingestion_time()`
 * over three hours of the orders identity reading a secret 12 times a minute, denied by RBAC
 * from `deniedFrom` to `deniedTo` (its role assignment was deleted, then restored). Each record is
 * ingested four minutes after it happened.
 */
function rbacRemovalExport(deniedFrom: string, deniedTo: string): string {
  const columns: [string, string][] = [
    ["TimeGenerated", "datetime"],
    ["OperationName", "string"],
    ["HttpStatusCode", "int"],
    ["ResultSignature", "string"],
    ["ResultDescription", "string"],
    ["Identity", "dynamic"],
    ["IsRbacAuthorized", "bool"],
    ["CallerIpAddress", "string"],
    ["CorrelationId", "string"],
    ["_ResourceId", "string"],
    ["Type", "string"],
    ["IngestedAt", "datetime"],
  ];
  const identity = JSON.stringify({
    claim: { oid: ORDERS.objectId, appid: ORDERS.appId, xms_mirid: ORDERS.resourceId, idtyp: "app" },
  });
  const denied = [Date.parse(at(deniedFrom)), Date.parse(at(deniedTo))] as const;
  const rows: unknown[][] = [];
  for (let t = Date.parse(at("00:00")); t < Date.parse(at("03:00")); t += MINUTE)
    for (let k = 0; k < 12; k++) {
      const time = t + k * 5000;
      const deny = time >= denied[0] && time < denied[1];
      rows.push([
        new Date(time).toISOString(),
        "SecretGet",
        deny ? 403 : 200,
        deny ? "Forbidden" : "OK",
        deny
          ? `Caller is not authorized to perform action on resource.\r\nCaller: appid=${ORDERS.appId};oid=${ORDERS.objectId}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'`
          : "",
        identity,
        !deny,
        "10.1.2.3",
        `c0ffee00-0000-4000-8000-${String(rows.length).padStart(12, "0")}`,
        VAULT.toUpperCase(),
        "AZKVAuditLogs",
        new Date(time + 4 * MINUTE).toISOString(),
      ]);
    }
  return JSON.stringify({
    tables: [{ name: "PrimaryResult", columns: columns.map(([name, type]) => ({ name, type })), rows }],
  });
}

describe("vaultwatch replay --logs", () => {
  it(
    "replays an export of an RBAC removal and pages once the 403s are ingested, then resolves",
    async () => {
      const dir = tempDir();
      writeFileSync(join(dir, "AZKVAuditLogs.json"), rbacRemovalExport("01:03", "01:15"));
      const settings = join(tempDir(), "settings.json");
      writeFileSync(settings, JSON.stringify({ CRITICAL_IDENTITIES: ["id-func-orders"] }));
      const r = await cli([
        "replay",
        "--logs",
        dir,
        "--from",
        at("00:45"),
        "--to",
        at("01:45"),
        "--settings",
        settings,
        "--workspace",
        WORKSPACE,
        "--json",
      ]);
      expect(r.err).not.toContain("vaultwatch replay:");
      expect(r.code).toBe(0);
      const lines = jsonLines(r.out);
      const fired = lines.filter((l) => l.event === "fired");
      expect(fired).toHaveLength(1);
      expect(fired[0]).toMatchObject({
        rule: "kv-auth-denied",
        vault: "kv-orders-prod",
        identity: "id-func-orders",
        severity: "SEV-1",
      });
      // The first 403 (01:03) is ingested at 01:07; the next 5-minute tick is 01:10.
      expect(fired[0]!.at).toBe(at("01:10"));
      const resolved = lines.filter((l) => l.event === "resolved");
      expect(resolved.map((l) => l.incident)).toEqual([fired[0]!.incident]);
      expect(Date.parse(resolved[0]!.at)).toBeGreaterThan(Date.parse(at("01:20")));
      // The summary on stderr: the file, its format, its records, where ingestion times came from.
      expect(r.err).toContain(
        "AZKVAuditLogs.json (query API JSON): 2,160 rows, 2,160 into AZKVAuditLogs; ingestion times from IngestedAt",
      );
      expect(r.err).toMatch(/\n13 ticks, \d+ notifications about 1 incident\n/);
      // 45 minutes of history before the first tick: the baselines want 14 days, and the note says so.
      expect(r.err).toContain(
        "note: the exports hold 0.8 hours before the first tick; the baselines learn from 14 days",
      );
    },
    REPLAY_TIMEOUT,
  );

  it(
    "prints one readable entry per notification without --json",
    async () => {
      const dir = tempDir();
      writeFileSync(join(dir, "AZKVAuditLogs.json"), rbacRemovalExport("01:03", "01:15"));
      const r = await cli(["replay", "--logs", dir, "--from", at("01:00"), "--to", at("01:15"), "--quiet"]);
      expect(r.code).toBe(0);
      expect(r.err).toBe("");
      expect(r.out).toMatch(
        /^2026-03-02 01:10Z {2}fired {8}SEV-\d {2}kv-auth-denied {2}vault kv-orders-prod, identity id-func-orders {2}\S+.*\n {4}\S/,
      );
    },
    REPLAY_TIMEOUT,
  );

  it(
    "says what a scenario's replay says, from the scenario's records exported by `vaultwatch logs export`",
    async () => {
      const scenario = ordersScenario({
        start: at("00:45"),
        end: at("01:45"),
        traffic: deniedBetween("01:00", "01:15"),
        extra: {
          settings: { CRITICAL_IDENTITIES: ["id-func-orders"] },
          activity: [ROLE_DELETED],
        },
      });
      const files = tempDir();
      const scenarioFile = join(files, "scenario.json");
      writeFileSync(scenarioFile, JSON.stringify(scenario));
      const settingsFile = join(files, "settings.json");
      writeFileSync(settingsFile, JSON.stringify(scenario.settings));
      const { world } = parseScenario(JSON.stringify(scenario));
      const direct = await replayScenario(world, { host });

      const out = tempDir();
      const exported = await cli(["logs", "export", "--scenario", scenarioFile, "--out", out]);
      expect(exported.code).toBe(0);
      expect(exported.err).toContain("AzureDiagnostics, ");
      const replayed = await cli([
        "replay",
        "--logs",
        out,
        "--from",
        world.start.toISOString(),
        "--to",
        world.end.toISOString(),
        "--settings",
        settingsFile,
        "--workspace",
        world.workspace.resourceId,
        "--json",
      ]);
      expect(replayed.code).toBe(0);
      const withoutIds = (ls: NotificationLine[]) => ls.map(({ incident: _, ...rest }) => rest);
      expect(direct.lines.length).toBeGreaterThan(0);
      expect(withoutIds(jsonLines(replayed.out))).toEqual(withoutIds(direct.lines));
    },
    REPLAY_TIMEOUT,
  );
});

describe("vaultwatch replay --logs refuses", () => {
  it("a bad export, naming file, row and column, and writes nothing to stdout", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "AzureDiagnostics.csv"),
      "TimeGenerated [UTC],ResourceProvider,httpStatusCode_d\n2026-03-04T01:00:00Z,MICROSOFT.KEYVAULT,abc\n",
    );
    const r = await cli(["replay", "--logs", dir]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain(`${dir}: the exports cannot be replayed:`);
    expect(r.err).toContain('AzureDiagnostics.csv row 1, column httpStatusCode_d: expected a number, got "abc"');
  });

  it(
    "settings it does not know, settings the replay owns, and CONTROL_PLANE_CONFIG",
    async () => {
      const dir = tempDir();
      writeFileSync(join(dir, "AZKVAuditLogs.json"), rbacRemovalExport("01:03", "01:15"));
      const settings = join(tempDir(), "settings.json");
      writeFileSync(settings, JSON.stringify({ ALERT_MIN_FAILURE: 3 }));
      const unknown = await cli(["replay", "--logs", dir, "--settings", settings]);
      expect(unknown.code).toBe(2);
      expect(unknown.err).toContain(`${settings}: $: unknown field "ALERT_MIN_FAILURE"`);

      writeFileSync(settings, JSON.stringify({ TEAMS_WEBHOOK_URL: "https://example.invalid" }));
      const owned = await cli(["replay", "--logs", dir, "--settings", settings]);
      expect(owned.code).toBe(2);
      expect(owned.err).toContain("TEAMS_WEBHOOK_URL: the replay sets this itself");

      writeFileSync(settings, JSON.stringify({ CONTROL_PLANE_CONFIG: { vaults: [] } }));
      const cp = await cli(["replay", "--logs", dir, "--settings", settings]);
      expect(cp.code).toBe(2);
      expect(cp.err).toContain("CONTROL_PLANE_CONFIG: exports hold no Resource Manager state");

      writeFileSync(settings, JSON.stringify({ ALERT_WINDOW_MINUTES: 2 }));
      const rejected = await cli(["replay", "--logs", dir, "--settings", settings, "--quiet"]);
      expect(rejected.code).toBe(2);
      expect(rejected.err).toContain("$.settings.ALERT_WINDOW_MINUTES: expected at least 5 minutes");
    },
    REPLAY_TIMEOUT,
  );

  it("options that do not fit", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "AZKVAuditLogs.json"), rbacRemovalExport("01:03", "01:15"));
    expect((await cli(["replay", "--logs", dir, "--from", "yesterday"])).err).toContain(
      '--from: expected an ISO 8601 date-time such as 2026-03-04T01:00:00Z, got "yesterday"',
    );
    expect((await cli(["replay", "--logs", dir, "--from", at("02:00"), "--to", at("01:00")])).err).toContain(
      `--to: expected a time after ${at("02:00")}`,
    );
    expect((await cli(["replay", "--logs", dir, "--tick-minutes", "90"])).err).toContain(
      "--tick-minutes: expected a whole number of minutes from 1 to 60, got 90",
    );
    expect((await cli(["replay", "--logs", dir, "--bogus"])).err).toContain("unknown option --bogus");
    expect((await cli(["replay", "scenario.json", "--json"])).err).toContain("--json is for --logs replays");
    expect((await cli(["replay", "--logs"])).err).toContain("--logs needs a value");
    expect((await cli(["logs", "export", "--out", dir])).err).toContain(
      "logs export needs --scenario FILE and --out DIR",
    );
  });
});
