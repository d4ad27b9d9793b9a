import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allScenarios, scenarioPath } from "../../tools/bench/corpus/corpus.js";
import { renderScenario } from "../../tools/bench/corpus/render.js";
import { SCENARIO_FORMAT_V2 } from "../../tools/scenario/format-v2.js";
import { parseScenario, type LoadedScenario, type ScenarioWorld } from "../../tools/scenario/load.js";
import { recordSpan } from "../../tools/scenario/record-span.js";
import { replayScenario, startReplayHost, type ReplayHost } from "../../tools/replay/replay.js";
import { createMemoryState } from "../../tools/standin/memory-state.js";

/** The benchmark corpus: committed files, the generators behind them, and their ground truth. */

const DAY = 86_400_000;
/** The monitor learns per-caller baselines from history before its first tick (bench/corpus README rule). */
const MIN_HISTORY_DAYS = 2;
/** Keeps the repository small: repetitions (`every`, `counts`) hold a busy week well under this. */
const MAX_FILE_BYTES = 1024 * 1024;

const generated = allScenarios();
/** The scenarios whose truth is that nothing happened. */
const QUIET = [
  "healthy-week",
  "challenge-at-every-start",
  "first-grant-propagating",
  "disabled-secret-probe",
  "recurring-deploy-401",
];
/**
 * The scenarios where one cause hits several callers or vaults: their truth names only what the
 * affected share (the vault, the identity, or for a whole region neither), so that an alert about
 * any of them is about the incident.
 */
const SHARED_CAUSE: Readonly<Record<string, readonly ("identity" | "vault")[]>> = {
  "iac-policy-replace": ["vault"],
  "shared-uami-two-vaults": ["identity"],
  "region-throttling": [],
};
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

  it.each(generated.map((s) => s.name))("%s stays under 1 MB", (name) => {
    expect(Buffer.byteLength(text(name))).toBeLessThan(MAX_FILE_BYTES);
  });

  it.each(committedFiles)("%s is written in the current format, raw records", (file) => {
    expect(JSON.parse(readFileSync(`test/scenarios/${file}`, "utf8")).format).toBe(SCENARIO_FORMAT_V2);
  });

  it.each(generated.map((s) => s.name))("%s has at least two days of history before its start", (name) => {
    const { world } = loadedOf(name);
    expect(recordSpan(world.logs)!.from.getTime()).toBeLessThanOrEqual(world.start.getTime() - MIN_HISTORY_DAYS * DAY);
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

  it.each(generated.map((s) => s.name).filter((n) => !QUIET.includes(n)))(
    "%s has at least one incident, each about access naming its vault and identity (or what a shared cause's callers share)",
    (name) => {
      const incidents = loadedOf(name).truth?.incidents ?? [];
      expect(incidents.length).toBeGreaterThan(0);
      // A blind monitor (subject "monitor") is about the monitor's sight, not a caller's access.
      for (const i of incidents.filter((x) => x.subject !== "monitor"))
        expect((["identity", "vault"] as const).filter((k) => typeof i[k] === "string")).toEqual(
          SHARED_CAUSE[name] ?? ["identity", "vault"],
        );
    },
  );

  it("the daily cap and the deleted diagnostic setting are truths about the monitor's sight, the setting's naming its vault", () => {
    expect(loadedOf("daily-cap").truth?.incidents).toMatchObject([{ subject: "monitor", severity: "SEV-2" }]);
    expect(loadedOf("daily-cap").truth?.incidents[0]?.vault).toBeUndefined();
    expect(loadedOf("diagnostic-setting-deleted").truth?.incidents).toMatchObject([
      { subject: "monitor", vault: "kv-billing-prod", severity: "SEV-3" },
    ]);
  });

  it.each(generated.map((s) => s.name))("every truth window of %s lies inside its start and end", (name) => {
    const { world, truth } = loadedOf(name);
    for (const i of truth?.incidents ?? []) {
      expect(i.onset.getTime()).toBeGreaterThanOrEqual(world.start.getTime());
      expect(i.recovered.getTime()).toBeGreaterThan(i.onset.getTime());
      expect(i.recovered.getTime()).toBeLessThanOrEqual(world.end.getTime());
    }
  });
});

/**
 * The stretches around each change a scenario makes in Resource Manager (its activity and its
 * control-plane snapshots after the start): from half an hour before to an hour after, on the
 * tick grid, overlapping ones merged. Identities that were just granted access start calling
 * there, and a monitor that pages on something benign most likely does it there.
 */
function aroundChanges(world: ScenarioWorld): { start: Date; end: Date }[] {
  const tick = world.tickMinutes * 60_000;
  const onGrid = (t: number) => world.start.getTime() + Math.floor((t - world.start.getTime()) / tick) * tick;
  const changes = [...world.activity.map((a) => a.at), ...world.controlPlane.map((s) => s.at)]
    .map((d) => d.getTime())
    .filter((t) => t >= world.start.getTime() && t <= world.end.getTime())
    .sort((a, b) => a - b);
  const stretches: { start: number; end: number }[] = [];
  for (const t of changes) {
    const start = Math.max(world.start.getTime(), onGrid(t - 30 * 60_000));
    const end = Math.min(world.end.getTime(), onGrid(t + 60 * 60_000));
    const last = stretches.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else stretches.push({ start, end });
  }
  return stretches.map((s) => ({ start: new Date(s.start), end: new Date(s.end) }));
}

const quiet = generated.map((s) => s.name).filter((n) => (loadedOf(n).truth?.incidents ?? []).length === 0);

// A whole quiet week replays in most of a minute, which the benchmark does (npm run bench); here
// each quiet scenario replays the stretches around its changes, with its state in memory.
describe("the corpus' scenarios without incidents, replayed", () => {
  let host: ReplayHost;
  beforeAll(async () => {
    host = await startReplayHost();
  });
  afterAll(async () => {
    await host.close();
  });

  it("are the healthy week, the morning of cold starts, a first grant, a disabled secret's probes and recurring deploys", () => {
    expect(quiet).toEqual(QUIET);
  });

  it.each(quiet)(
    "%s raises nothing around its changes, as its truth says, on a tick every 5 minutes that sees everything",
    async (name) => {
      const { world } = loadedOf(name);
      const stretches = aroundChanges(world);
      expect(stretches.length).toBeGreaterThan(0);
      for (const { start, end } of stretches) {
        const { lines, ticks } = await replayScenario({ ...world, start, end }, { host, state: createMemoryState() });
        const at = `${name} from ${start.toISOString()}`;
        // No incident in the truth: no notice of any kind is allowed, page or ticket.
        expect(lines, at).toEqual([]);
        expect(
          ticks.map((t) => t.at.getTime()),
          at,
        ).toEqual(
          Array.from(
            { length: (end.getTime() - start.getTime()) / (world.tickMinutes * 60_000) + 1 },
            (_, k) => start.getTime() + k * world.tickMinutes * 60_000,
          ),
        );
        expect(new Set(ticks.map((t) => t.signal)), at).toEqual(new Set(["complete"]));
        expect(Math.max(...ticks.map((t) => t.openIncidents)), at).toBe(0);
      }
    },
  );
});
