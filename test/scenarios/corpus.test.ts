import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allScenarios, scenarioPath } from "../../tools/bench/corpus/corpus.js";
import { renderScenario } from "../../tools/bench/corpus/render.js";
import { parseScenario, type LoadedScenario } from "../../tools/scenario/load.js";

/** The benchmark corpus: committed files, the generators behind them, and their ground truth. */

const DAY = 86_400_000;
/** The monitor learns per-caller baselines from history before its first tick (bench/corpus README rule). */
const MIN_HISTORY_DAYS = 2;
/** Keeps the repository and the healthy week's replay small. */
const MAX_FILE_BYTES = 3 * 1024 * 1024;

const generated = allScenarios();
const committedFiles = readdirSync("test/scenarios")
  .filter((f) => f.endsWith(".json"))
  .sort();
const text = (name: string) => readFileSync(scenarioPath(name), "utf8");
const loaded = new Map<string, LoadedScenario>(
  generated.map((s) => [s.name, parseScenario(text(s.name), scenarioPath(s.name))]),
);
const loadedOf = (name: string) => loaded.get(name)!;

describe("the scenario corpus", () => {
  it("has one committed file per generator, and no other", () => {
    expect(committedFiles).toEqual(generated.map((s) => `${s.name}.json`).sort());
  });

  it.each(committedFiles)("%s parses as a scenario", (file) => {
    expect(() => parseScenario(readFileSync(`test/scenarios/${file}`, "utf8"), file)).not.toThrow();
  });

  it.each(generated.map((s) => [s.name, s] as const))(
    "%s is what its generator writes (run `npm run scenarios:build` after changing a generator)",
    (name, s) => {
      const committed = text(name);
      // A structural diff first, which names the differing field; then the text, which also holds the layout.
      if (committed !== renderScenario(s)) expect(JSON.parse(committed)).toEqual(JSON.parse(renderScenario(s)));
      expect(committed).toBe(renderScenario(s));
    },
  );

  it.each(generated.map((s) => s.name))("%s stays under 3 MB", (name) => {
    expect(Buffer.byteLength(text(name))).toBeLessThan(MAX_FILE_BYTES);
  });

  it.each(generated.map((s) => s.name))("%s has at least two days of history before its start", (name) => {
    const { world } = loadedOf(name);
    expect(world.binStarts[0]).toBeLessThanOrEqual(world.start.getTime() - MIN_HISTORY_DAYS * DAY);
  });
});

describe("the corpus' ground truth", () => {
  it.each(generated.map((s) => s.name))("%s has ground truth", (name) => {
    expect(loadedOf(name).truth).toBeDefined();
  });

  it("the healthy week has no incidents and spans at least seven days", () => {
    const { world, truth } = loadedOf("healthy-week");
    expect(truth?.incidents).toEqual([]);
    expect(world.end.getTime() - world.start.getTime()).toBeGreaterThanOrEqual(7 * DAY);
  });

  it.each(generated.map((s) => s.name).filter((n) => n !== "healthy-week"))(
    "%s has at least one incident, each naming its vault and identity",
    (name) => {
      const incidents = loadedOf(name).truth?.incidents ?? [];
      expect(incidents.length).toBeGreaterThan(0);
      for (const i of incidents) expect(i).toMatchObject({ vault: expect.any(String), identity: expect.any(String) });
    },
  );

  it.each(generated.map((s) => s.name))("every truth window of %s lies inside its start and end", (name) => {
    const { world, truth } = loadedOf(name);
    for (const i of truth?.incidents ?? []) {
      expect(i.onset.getTime()).toBeGreaterThanOrEqual(world.start.getTime());
      expect(i.recovered.getTime()).toBeGreaterThan(i.onset.getTime());
      expect(i.recovered.getTime()).toBeLessThanOrEqual(world.end.getTime());
    }
  });
});
