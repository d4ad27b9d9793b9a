import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runbookFor, shellQuote } from "../../src/core/runbook/runbook.js";
import { hostOf } from "../../src/core/runbook/monitor-network.js";
import type { CallerOnVault, Incident } from "../../src/core/model/index.js";
import { anIncident, SUBJECT, someCounts } from "../fixtures/incidents.js";

/**
 * Runbook commands carry names from logs and token claims. Each must reach its command as one
 * argument, whatever it holds: the operator pastes these into a shell.
 */

describe("shell quoting of runbook values", () => {
  it.each([
    ["kv-app", "kv-app"],
    [
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
    ],
    ["Key Vault Secrets User", '"Key Vault Secrets User"'],
    ["", "''"],
    ["it's", "'it'\\''s'"],
    ["$(id)", "'$(id)'"],
    ["a b; c", "'a b; c'"],
    ['say "hi"', "'say \"hi\"'"],
    ["~root", "'~root'"],
  ])("%j becomes %s", (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
  });
});

describe("network targets in nslookup", () => {
  it.each([
    ["kv-app.vault.azure.net", "kv-app.vault.azure.net"],
    ["kv-app.vault.azure.net:443", "kv-app.vault.azure.net"],
    ["https://kv-app.vault.azure.net:443/secrets/db?api-version=7.4", "kv-app.vault.azure.net"],
    ["sql-orders.database.windows.net | orders", "sql-orders.database.windows.net"],
    ["user@host.example.com:22", "host.example.com"],
    ["10.0.0.4:1433", "10.0.0.4"],
    ["[fd00::4]:443", "fd00::4"],
    ["host.example.com;touch pwned", "host.example.com"],
    ["$(touch pwned)", undefined],
    ["-oops.example.com", undefined],
    ["", undefined],
  ])("%j resolves as %s", (target, host) => {
    expect(hostOf(target)).toBe(host);
  });

  it("looks up only the host of a SQL target, never a pipe into the database name", () => {
    const incident = anIncident({
      rule: "network",
      subject: { kind: "app", app: "orders" },
      triggers: [
        {
          kind: "network",
          app: "orders",
          failures: 30,
          total: 40,
          targets: ["srv.database.windows.net | db", "kv-app.vault.azure.net:443", "$(curl evil)"],
        },
      ],
    });
    const steps = runbookFor(incident);
    expect(steps[1]!.command).toBe("nslookup srv.database.windows.net && nslookup kv-app.vault.azure.net");
    expect(steps[2]!.command).toContain("az keyvault show --name kv-app --query");
  });

  it("falls back to a placeholder when no target has a usable host", () => {
    const incident = anIncident({
      rule: "network",
      subject: { kind: "app", app: "orders" },
      triggers: [{ kind: "network", app: "orders", failures: 3, total: 4, targets: ["|||"] }],
    });
    expect(runbookFor(incident)[1]!.command).toBe("nslookup <target host>");
  });
});

/** Each payload would run `touch "$MARK"` if it broke out of its argument. */
const PAYLOADS = [
  '$(touch "$MARK")',
  '`touch "$MARK"`',
  'x; touch "$MARK"',
  "x' ; touch \"$MARK\" ; '",
  'x" ; touch "$MARK" ; "',
  'x | touch "$MARK"',
  'x && touch "$MARK" #',
];

function hostileIncidents(payload: string): [string, Incident, string[]][] {
  // ARM segments cannot hold "/", so the payloads stand in for whole segments.
  const seg = payload.replace(/\//g, "");
  const vault = `/subscriptions/sub${seg}/resourceGroups/rg${seg}/providers/Microsoft.KeyVault/vaults/kv${seg}`;
  const key: CallerOnVault = {
    ...SUBJECT,
    vaultResourceId: vault,
    callerObjectId: `oid${seg}`,
    callerResourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id${seg}`,
  };
  const site = `/subscriptions/s/resourceGroups/rg${seg}/providers/Microsoft.Web/sites/func${seg}`;
  const controlPlane = (finding: string): Incident =>
    anIncident({
      rule: "control-plane",
      subject: { kind: "control-plane", vaultResourceId: vault, principal: key.callerObjectId },
      triggers: [
        {
          kind: "control-plane",
          finding,
          summary: "s",
          evidence: [],
          role: `Role ${seg}`,
          workspace: `/subscriptions/s/ws${seg}`,
        },
      ],
    });
  const expected = [`kv${seg}`, `rg${seg}`, `oid${seg}`, vault];
  return [
    ["403 denials", anIncident({ subject: key }), expected],
    [
      "401 denials",
      anIncident({ subject: key, counts: someCounts({ unauthorized: 80, forbidden: 10 }) }),
      [...expected, key.callerResourceId],
    ],
    ["throttling", anIncident({ rule: "kv-throttled", subject: key }), [vault]],
    [
      "a system-assigned identity",
      anIncident({ subject: { ...key, callerResourceId: site } }),
      [`func${seg}`, `rg${seg}`],
    ],
    ["an unknown principal", anIncident({ subject: { ...key, callerResourceId: "" } }), [`oid${seg}`]],
    ...Object.entries({
      "role-missing": [`oid${seg}`, vault, `Role ${seg}`],
      "role-over-broad": [`oid${seg}`, vault, `Role ${seg}`],
      "permission-model-mismatch": [`kv${seg}`, `rg${seg}`, `oid${seg}`],
      "blind-spot": [vault, `/subscriptions/s/ws${seg}`],
      "vault-missing": [`rg${seg}`],
      "probe-failed": [`oid${seg}`],
      other: [`kv${seg}`, `rg${seg}`],
    }).map(([f, values]): [string, Incident, string[]] => [`control-plane ${f}`, controlPlane(f), values]),
    [
      "a network outage",
      anIncident({
        rule: "network",
        subject: { kind: "app", app: `app${seg}` },
        triggers: [
          { kind: "network", app: "a", failures: 3, total: 4, targets: [`kv${seg}.vault.azure.net`, `h${seg}`] },
        ],
      }),
      [],
    ],
  ];
}

// The runbook's commands are POSIX sh: without an sh (Windows) there is nothing to run them with.
const shellAvailable = process.platform !== "win32" && spawnSync("sh", ["-c", "exit 0"]).status === 0;

describe.skipIf(!shellAvailable)("runbook commands run by sh with hostile names", () => {
  const dir = mkdtempSync(join(tmpdir(), "vaultwatch-runbook-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the command with az and nslookup replaced by functions that print their arguments. */
  function argsOf(command: string, mark: string): string[][] {
    const stubs = `az() { printf '%s\\0' "$@"; printf '\\n'; }; nslookup() { printf '%s\\0' "$@"; printf '\\n'; };`;
    const run = spawnSync("sh", ["-c", `${stubs}\n${command}`], {
      env: { PATH: process.env.PATH, MARK: mark },
      encoding: "utf8",
    });
    expect(run.stderr, command).toBe("");
    expect(run.status, command).toBe(0);
    return run.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\0").slice(0, -1));
  }

  it.each(PAYLOADS)("payload %s stays inside its argument in every command", (payload) => {
    for (const [label, incident, expected] of hostileIncidents(payload)) {
      const mark = join(dir, `pwned-${Math.random().toString(36).slice(2)}`);
      const commands = runbookFor(incident).flatMap((s) => (s.command ? [s.command] : []));
      expect(commands.length, label).toBeGreaterThan(0);
      const argv = commands.flatMap((c) => argsOf(c, mark));
      expect(existsSync(mark), `${label}: ${commands.join("\n")}`).toBe(false);
      const args = new Set(argv.flat());
      for (const value of expected) expect(args.has(value), `${label}: ${value} is one argument`).toBe(true);
    }
  });
});
