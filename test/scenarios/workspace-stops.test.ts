import { describe, expect, it } from "vitest";
import type { ScenarioV2Input } from "../../tools/scenario/format-v2.js";
import { at, load, ms, problemsOf, recordsOf, v2, VAULT } from "./fixtures.js";

/**
 * `workspace.stops`: a stretch with no ingestion, as a daily cap makes one. Records that would
 * arrive during it are dropped, never queryable; the free tables (the activity log, Operation)
 * keep arriving unless the stop names its tables.
 */

/** Reads every minute from 01:00 to 02:00, visible 3 minutes later; a role deletion every 10 minutes. */
function capped(stops: NonNullable<ScenarioV2Input["workspace"]>["stops"]): ScenarioV2Input {
  return v2(
    [
      { template: "orders", status: 200, at: at("01:00"), every: 1, until: at("02:00"), count: 5 },
      {
        kind: "activity",
        operation: "Microsoft.Storage/storageAccounts/listKeys/action",
        scope: VAULT,
        caller: "deploy-pipeline@contoso.com",
        at: at("01:00"),
        every: 10,
        until: at("02:00"),
      },
    ],
    { workspace: { ingestion: 3, ...(stops ? { stops } : {}) } },
  );
}

const minutesOf = (world: ReturnType<typeof load>, table: string) =>
  recordsOf(world, table).map((r) => (Date.parse(String(r.record.TimeGenerated)) - ms("01:00")) / 60_000);

describe("a workspace that stops ingesting", () => {
  it("drops the Key Vault records that would arrive from the cap to the reset (01:30 to 01:45): TimeGenerated 01:27 to 01:41 never become queryable", () => {
    const world = load(capped([{ from: at("01:30"), until: at("01:45") }]));
    const kept = minutesOf(world, "AzureDiagnostics");
    // Ingested 3 minutes after TimeGenerated: 01:27 arrives at 01:30 (dropped), 01:42 at 01:45 (kept).
    expect(kept).toEqual([...Array.from({ length: 27 }, (_, i) => i), ...Array.from({ length: 18 }, (_, i) => 42 + i)]);
    expect(world.logs.dropped).toBe(15 * 5);
    // The table still exists: it had data before the cap.
    expect(world.workspace.tables).toContain("AzureDiagnostics");
  });

  it("keeps the activity log, whose ingestion is free and not stopped by a daily cap", () => {
    const world = load(capped([{ from: at("01:30"), until: at("01:45") }]));
    expect(recordsOf(world, "AzureActivity").length).toBe(recordsOf(load(capped(undefined)), "AzureActivity").length);
  });

  it("stops only the tables it names, and never resumes without an until", () => {
    const world = load(capped([{ from: at("01:30"), tables: ["AzureActivity"] }]));
    expect(minutesOf(world, "AzureDiagnostics")).toHaveLength(60);
    // Start and Success events of the changes at 01:00, 01:10 and 01:20 arrive before 01:30; none after.
    expect(
      Math.max(...recordsOf(world, "AzureActivity").map((r) => Date.parse(String(r.record.TimeGenerated)))),
    ).toBeLessThan(ms("01:30"));
  });

  it.each<[string, ScenarioV2Input, string]>([
    [
      "a stop that resumes before it starts",
      capped([{ from: at("01:30"), until: at("01:20") }]),
      "$.workspace.stops[0].until: expected a time after from: ingestion resumes after it stops",
    ],
    [
      "a table the workspace cannot have",
      capped([{ from: at("01:30"), tables: ["AzureDiagnostic"] }]),
      "$.workspace.stops[0].tables[0]: no such table in the emulated workspace: AzureDiagnostic (tools/emulator/schemas.ts lists them)",
    ],
  ])("refuses %s, naming the JSON path", (_, scenario, problem) => {
    expect(problemsOf(scenario)).toEqual([problem]);
  });

  it("refuses a stop without its start", () => {
    expect(problemsOf(capped([{ until: at("01:45") } as never])).join("\n")).toMatch(
      /^\$\.workspace\.stops\[0\]\.from: /,
    );
  });
});
