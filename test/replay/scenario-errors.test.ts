import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseScenario, ScenarioError } from "../../tools/scenario/load.js";
import type { ScenarioFileInput } from "../../tools/scenario/format.js";
import { main } from "../../tools/cli/main.js";
import { signalRowsByBin } from "../../tools/scenario/signal-rows.js";
import { at, deniedBetween, ordersScenario } from "./builder.js";

const valid = (): ScenarioFileInput => ordersScenario({ end: at("01:00") });

/** Problems parseScenario reports for a scenario changed by `change`. */
function problemsOf(change: (s: Record<string, unknown> & ScenarioFileInput) => void): string[] {
  const s = structuredClone(valid()) as Record<string, unknown> & ScenarioFileInput;
  change(s);
  try {
    parseScenario(JSON.stringify(s), "case.json");
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  return [];
}

describe("a scenario that cannot be replayed is refused with the JSON path of each problem", () => {
  it.each<[string, (s: Record<string, unknown> & ScenarioFileInput) => void, string]>([
    [
      "a count that is not a whole number",
      (s) => ((s.timeline![3]!["kv-requests"]![0]!.counts as Record<string, unknown>).succeeded = -1),
      '$.timeline[3]["kv-requests"][0].counts.succeeded: expected a non-negative whole number',
    ],
    [
      "status counts above the total",
      (s) => (s.timeline![3]!["kv-requests"]![0]!.counts = { total: 5, succeeded: 4, forbiddenRbac: 2 }),
      '$.timeline[3]["kv-requests"][0].counts: the status counts add up to 6, more than total 5',
    ],
    [
      "a bin that does not start on a 5-minute boundary",
      (s) => (s.timeline![0]!.at = "2026-03-01T00:02:00Z"),
      "$.timeline[0].at: expected the start of a 5-minute bin",
    ],
    [
      "a row naming a series that does not exist",
      (s) => (s.timeline![1]!["kv-requests"]![0]!.series = "ordres"),
      '$.timeline[1]["kv-requests"][0].series: no series named "ordres"; known: orders',
    ],
    [
      "a row with both series and dims",
      (s) => (s.timeline![2]!["kv-requests"]![0]!.dims = s.series!.orders!.dims as never),
      '$.timeline[2]["kv-requests"][0]: expected exactly one of series',
    ],
    [
      "rows from a table the workspace does not have",
      (s) => (s.workspace = { tables: ["AZKVAuditLogs"] }),
      '$.timeline[0]["kv-requests"][0]: the workspace has no AzureDiagnostics table',
    ],
    ["an end before the start", (s) => (s.end = "2026-03-01T00:00:00Z"), "$.end: expected a time after start"],
    ["a date that is not ISO 8601", (s) => (s.start = "yesterday"), "$.start: expected an ISO 8601 date-time"],
    [
      "a setting the replay provides itself",
      (s) => ((s.settings as Record<string, unknown>) = { TEAMS_WEBHOOK_URL: "https://example.invalid" }),
      "$.settings: TEAMS_WEBHOOK_URL: the replay sets this itself",
    ],
    ["an unknown field", (s) => (s.timelines = []), '$: unknown field "timelines"'],
    [
      "another format version",
      (s) => ((s as Record<string, unknown>).format = "vaultwatch/scenario/v9"),
      '$.format: expected "vaultwatch/scenario/v1"',
    ],
    [
      "a truth incident that recovers before its onset",
      (s) =>
        (s.truth = {
          incidents: [{ name: "x", onset: at("00:40"), recovered: at("00:35"), hypothesis: "H2", severity: "SEV-2" }],
        }),
      "$.truth.incidents[0].recovered: expected a time after onset",
    ],
    [
      "a probe outcome that does not exist",
      (s) =>
        (s.probes = [{ at: at("00:40"), clientId: "c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14", outcome: "slow" as never }]),
      "$.probes[0].outcome:",
    ],
    [
      "CONTROL_PLANE_CONFIG without a snapshot of Resource Manager",
      (s) => (s.settings = { CONTROL_PLANE_CONFIG: {} }),
      "$.controlPlane: CONTROL_PLANE_CONFIG is set: expected a snapshot at or before start",
    ],
  ])("%s", (_, change, expected) => {
    const problems = problemsOf(change);
    expect(
      problems.some((p) => p.startsWith(expected)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("accepts the valid scenario, filling in totals and zero counts", () => {
    const { world } = parseScenario(
      JSON.stringify(ordersScenario({ end: at("01:30"), traffic: deniedBetween("01:00", "01:05") })),
    );
    const row = signalRowsByBin(world.logs, "kv-requests").get(Date.parse(at("01:00")))![0]!;
    expect(row.counts).toEqual({
      total: 90,
      succeeded: 0,
      unauthorized: 0,
      forbiddenRbac: 90,
      forbiddenPolicy: 0,
      forbiddenFirewall: 0,
      forbiddenOther: 0,
      throttled: 0,
      other: 0,
    });
  });

  it("repeats a row in every bin of a span, and adds up rows with the same dims in a bin", () => {
    const s = valid();
    s.timeline = [
      { at: at("00:00"), until: at("00:30"), "kv-requests": [{ series: "orders", counts: { succeeded: 10 } }] },
      { at: at("00:10"), "kv-requests": [{ series: "orders", counts: { forbiddenRbac: 4 } }] },
    ];
    const { world } = parseScenario(JSON.stringify(s));
    const bins = signalRowsByBin(world.logs, "kv-requests");
    expect([...bins.keys()].sort((a, b) => a - b).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      "00:00",
      "00:05",
      "00:10",
      "00:15",
      "00:20",
      "00:25",
    ]);
    expect(bins.get(Date.parse(at("00:10")))).toHaveLength(1);
    expect(bins.get(Date.parse(at("00:10")))![0]!.counts).toMatchObject({
      total: 14,
      succeeded: 10,
      forbiddenRbac: 4,
    });
  });

  it("turns a setting the monitor rejects into a problem at $.settings", async () => {
    const s = { ...valid(), settings: { ALERT_WINDOW_MINUTES: 2 } };
    const out: string[] = [];
    const err: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), "vw-scenario-"));
    writeFileSync(join(dir, "s.json"), JSON.stringify(s));
    const code = await main(
      ["replay", join(dir, "s.json")],
      (l) => out.push(l),
      (l) => err.push(l),
    );
    expect(code).toBe(2);
    expect(err.join("")).toContain("$.settings.ALERT_WINDOW_MINUTES: expected at least 5 minutes");
    expect(out).toEqual([]);
  });
});

describe("the vaultwatch command", () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ["bin/vaultwatch.js", ...args], (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });

  it("exits 2 naming the JSON path when the scenario is malformed, and writes nothing to stdout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vw-scenario-"));
    const s = valid();
    (s.timeline![5]!["kv-requests"]![0]!.counts as Record<string, unknown>).total = "many";
    writeFileSync(join(dir, "bad.json"), JSON.stringify(s));
    const r = await run(["replay", join(dir, "bad.json")]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${join(dir, "bad.json")} is not a valid scenario`);
    expect(r.stderr).toContain('$.timeline[5]["kv-requests"][0].counts.total: expected a non-negative whole number');
  });

  it("exits 2 on text that is not JSON, and on a file that is not there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vw-scenario-"));
    writeFileSync(join(dir, "broken.json"), '{"format": ');
    const broken = await run(["replay", join(dir, "broken.json")]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("$: not JSON");
    const missing = await run(["replay", join(dir, "nowhere.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read");
  });

  it("writes one JSON line per notification, and nothing else, to stdout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vw-scenario-"));
    writeFileSync(
      join(dir, "s.json"),
      JSON.stringify(ordersScenario({ end: at("02:00"), traffic: deniedBetween("01:00", "01:15") })),
    );
    const r = await run(["replay", join(dir, "s.json"), "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: string; severity: string; hypothesis: string; at: string });
    expect(lines.map((l) => l.event)).toContain("fired");
    expect(lines.at(-1)!.event).toBe("resolved");
    for (const l of lines)
      expect(l).toMatchObject({
        severity: expect.stringMatching(/^SEV-[1-4]$/),
        hypothesis: expect.stringMatching(/^(H[1-6]|none)$/),
        at: expect.stringMatching(/^2026-03-02T/),
      });
  });

  it("explains its usage on an unknown command or option", async () => {
    const r = await run(["replya", "x.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: vaultwatch replay <scenario.json>");
    const o = await run(["replay", "x.json", "--fast"]);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain("unknown option --fast");
  });
});
