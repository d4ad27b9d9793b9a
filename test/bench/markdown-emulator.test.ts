import { describe, expect, it } from "vitest";
import { renderMarkdown, type BenchResults } from "../../tools/bench/markdown.js";
import { emulatorSection, rate } from "../../tools/bench/markdown-emulator.js";
import { emulatorThroughput } from "./fixtures.js";

describe("the emulator throughput section", () => {
  const md = emulatorSection(emulatorThroughput()).join("\n");
  const rowOf = (query: string) => md.split("\n").find((l) => l.startsWith(`| ${query}`));

  it("sizes the workspace and what building it cost", () => {
    expect(md).toContain("## Emulator throughput");
    expect(md).toContain("50 managed identities reading from 20 vaults for 7 days");
    expect(md).toContain("one Key Vault audit record per identity every 10 minutes");
    expect(md).toContain("74,649 stored rows standing for 15,552,870 records");
    expect(md).toContain("Building the store took 2.26 s and grew the heap by 173 MB (2.4 KB a row)");
  });

  it("gives each query its first and warm answers, and rows and records per second of the warm one", () => {
    expect(rowOf("tick")).toBe(
      "| tick (every 5 minutes) | 10 | 63,314 | 13,370,806 | 111 | 3.17 s | 0.51 s | 124 k | 26.1 M |",
    );
    expect(rowOf("first tick")).toBe(
      "| first tick: 14-day history backfill and SLO period sums | 15 | 359,230 | 75,580,918 | 8,566 | 3.93 s | 2.74 s | 131 k | 27.6 M |",
    );
    expect(md).toContain("0.80 s for the tick query alone");
    expect(md).toContain("131 k rows/s, 27.6 M records/s");
  });

  it("says a failed measurement failed, and writes nothing when it was not run", () => {
    expect(emulatorSection({ error: "the emulator answered 400:\n bad" })).toEqual([
      "## Emulator throughput",
      "",
      "Not measured: the emulator answered 400:; bad",
      "",
    ]);
    expect(emulatorSection(undefined)).toEqual([]);
  });

  it("is part of the README when measured, between the tick cost and the deployment", () => {
    const results: BenchResults = {
      scenarios: [],
      detectors: [],
      failures: [],
      requests: [],
      core: [],
      timing: undefined,
      environment: undefined,
      emulator: emulatorThroughput(),
      deployment: { error: "no git" },
    };
    const readme = renderMarkdown(results);
    const at = (heading: string) => readme.indexOf(`\n## ${heading}\n`);
    expect(at("Emulator throughput")).toBeGreaterThan(at("Tick cost"));
    expect(at("Emulator throughput")).toBeLessThan(at("Deployment and cold start"));
    expect(renderMarkdown({ ...results, emulator: undefined })).not.toContain("## Emulator throughput");
  });

  it("writes rates to about three figures", () => {
    expect([870.4, 12_345, 131_323.9, 27_630_158.8, Number.POSITIVE_INFINITY].map(rate)).toEqual([
      "870",
      "12 k",
      "131 k",
      "27.6 M",
      "–",
    ]);
  });
});
