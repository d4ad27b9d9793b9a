import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { cpus as cpuInfo } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import type { Logger } from "../../src/core/ports/ports.js";
import { replayScenario, startReplayHost } from "../replay/replay.js";
import { parseScenario, ScenarioError } from "../scenario/load.js";
import { measureColdStart, type ColdStart } from "./cold-start.js";
import { measureDeployment, type Deployment } from "./deployment.js";
import { measureEmulatorInChild, type EmulatorThroughput } from "./emulator-throughput.js";
import { renderMarkdown, type BenchResults, type DetectorResults, type ScenarioInfo } from "./markdown.js";
import { AMBA_AVAILABILITY, evaluatePeer, STATIC_403, VAULTWATCH } from "./peers.js";
import { previousDetection } from "./previous-results.js";
import { identityAliases, scoreScenario, vaultwatchRun } from "./score.js";
import { buildResultsJson } from "./results-json.js";
import { dataArrivals } from "./data-arrival.js";
import type { FaultsResult } from "./faults.js";
import { measureFaultsInChild } from "./faults-child.js";
import { barsOf, peerLabel, renderTimeline, timelineOf, vaultwatchLabel } from "./svg.js";
import { growth, measureCoreCost, requestCost, type CoreGrowth, type RequestCost } from "./tick-cost.js";

/**
 * `npm run bench [scenario …]`: replays every test/scenarios/*.json (or the files or names given),
 * scores vaultwatch and the two peer rules against each scenario's truth, measures what a tick
 * costs and how fast the Log Analytics emulator answers the monitor's query, replays one incident
 * under each fault of the fault matrix (faults.ts), times the app's cold start and sizes its
 * deployment, writes bench/results/README.md, results.json and one SVG timeline
 * per scenario, and prints the Markdown. The README's Targets section compares the time to detect
 * with the results.json it replaces. Progress goes to stderr.
 * Exit code 0: all done; 1: a scenario did not parse or replay, or the tick-cost, emulator, fault
 * matrix, cold-start or deployment measurement failed (the rest is still written); 2: nothing to run.
 */

/** dist/tools/bench/run.js → the repository. */
const ROOT = resolve(__dirname, "..", "..", "..");
const SCENARIOS = join(ROOT, "test", "scenarios");
const RESULTS = join(ROOT, "bench", "results");

const progress = (s: string) => process.stderr.write(`${s}\n`);
const seconds = (since: number) => (performance.now() - since) / 1000;

async function scenarioFiles(args: readonly string[]): Promise<string[]> {
  if (args.length === 0) {
    if (!existsSync(SCENARIOS)) return [];
    return (await readdir(SCENARIOS))
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => join(SCENARIOS, f));
  }
  // A path (anything with a slash or a .json ending), else a scenario name under test/scenarios.
  return args.map((a) =>
    a.includes("/") || a.endsWith(".json") || existsSync(a) ? resolve(a) : join(SCENARIOS, `${a}.json`),
  );
}

async function main(): Promise<number> {
  const started = performance.now();
  const files = await scenarioFiles(process.argv.slice(2));
  if (files.length === 0) {
    progress(
      `bench: no scenarios in ${relative(process.cwd(), SCENARIOS) || SCENARIOS}; pass scenario files as arguments`,
    );
    return 2;
  }
  await mkdir(RESULTS, { recursive: true });
  // The last run's time to detect, read before this run overwrites it: the Targets section compares.
  const previous = previousDetection(await readFile(join(RESULTS, "results.json"), "utf8").catch(() => undefined));

  const scenarios: ScenarioInfo[] = [];
  const failures: BenchResults["failures"] = [];
  const requests: RequestCost[] = [];
  const detectors: DetectorResults[] = [
    { slug: VAULTWATCH, title: "vaultwatch", namesCauses: true, scores: [] },
    { slug: STATIC_403.id, title: STATIC_403.title, namesCauses: false, scores: [] },
    { slug: AMBA_AVAILABILITY.id, title: AMBA_AVAILABILITY.title, namesCauses: false, scores: [] },
  ];
  const replayStarted = performance.now();
  // One host (Azurite and the stand-ins) for every replay: each replay keeps its state in tables of
  // its own, and the managed-identity credential's endpoint is process-wide (docs/adr/0010).
  const host = await startReplayHost();
  try {
    for (const [i, file] of files.entries()) {
      const source = relative(ROOT, file).startsWith("..") ? file : relative(ROOT, file);
      const t = performance.now();
      progress(`[${i + 1}/${files.length}] ${source}`);
      let text;
      try {
        text = await readFile(file, "utf8");
      } catch (error) {
        failures.push({ source, problem: `cannot read: ${problemOf(error)}` });
        progress(`  cannot read: ${problemOf(error)}`);
        continue;
      }
      let loaded;
      try {
        loaded = parseScenario(text, source);
      } catch (error) {
        failures.push({ source, problem: problemOf(error) });
        progress(`  not a valid scenario: ${problemOf(error)}`);
        continue;
      }
      const { world, truth } = loaded;
      let errors = 0;
      // The monitor's own errors are worth seeing; its routine warnings and info are not.
      const log: Logger = {
        info: () => undefined,
        warn: () => undefined,
        error: (m) => (errors++, progress(`  monitor error: ${m}`)),
      };
      let result;
      try {
        result = await replayScenario(world, { host, log });
      } catch (error) {
        failures.push({ source, problem: `replay failed: ${problemOf(error)}` });
        progress(`  replay failed: ${problemOf(error)}`);
        continue;
      }

      const aliases = identityAliases(world);
      const incidents = truth?.incidents ?? [];
      const vw = vaultwatchRun(result.lines);
      const peers = [evaluatePeer(STATIC_403, world), evaluatePeer(AMBA_AVAILABILITY, world)];
      const svg = `${world.name}.svg`;
      scenarios.push({
        name: world.name,
        description: world.description,
        days: (world.end.getTime() - world.start.getTime()) / 86_400_000,
        ticks: result.ticks.length,
        truthIncidents: truth ? incidents.length : undefined,
        svg,
      });
      if (truth) {
        // When each incident's first failing record became queryable: the same for every detector.
        const arrivals = dataArrivals(world.logs, incidents, aliases);
        for (const [d, run] of [vw, ...peers].entries())
          detectors[d]!.scores.push(scoreScenario(world, incidents, run, aliases, arrivals));
      }
      requests.push(requestCost(world.name, result.ticks));

      const timeline = timelineOf(
        world,
        incidents,
        result.baselines,
        [
          { title: "vaultwatch", bars: barsOf(vw, vaultwatchLabel) },
          { title: STATIC_403.title, bars: barsOf(peers[0]!, peerLabel) },
          { title: AMBA_AVAILABILITY.title, bars: barsOf(peers[1]!, peerLabel) },
        ],
        { value: 10, label: "static rule threshold: > 10 × 403 per vault in 5 min" },
      );
      await writeFile(join(RESULTS, svg), renderTimeline(timeline));
      progress(
        `  ${result.ticks.length} ticks, ${result.lines.length} notification${result.lines.length === 1 ? "" : "s"}, ` +
          `${vw.episodes.length} vaultwatch / ${peers[0]!.episodes.length} static / ${peers[1]!.episodes.length} AMBA alert(s)` +
          `${truth ? "" : ", no truth: not scored"}${errors ? `, ${errors} monitor error(s)` : ""} (${seconds(t).toFixed(1)} s)`,
      );
    }
  } finally {
    await host.close();
  }
  const replaySeconds = seconds(replayStarted);

  let core: CoreGrowth[] | { error: string };
  try {
    core = growth(await measureCoreCost(undefined, undefined, progress));
  } catch (error) {
    core = { error: problemOf(error) };
    progress(`  ${core.error}`);
  }

  let emulator: EmulatorThroughput | { error: string };
  try {
    emulator = await measureEmulatorInChild(progress);
  } catch (error) {
    emulator = { error: problemOf(error) };
    progress(`  ${emulator.error}`);
  }

  // The fault matrix: one replay of one incident per fault, with a host (Azurite, stand-ins) and a process of its own.
  let faults: FaultsResult | { error: string };
  try {
    progress("fault matrix: one replay per fault …");
    faults = await measureFaultsInChild(progress);
  } catch (error) {
    faults = { error: problemOf(error) };
    progress(`  ${faults.error}`);
  }

  // After the replays and the core measurement, so the cold-start children have the machine to themselves.
  let coldStart: ColdStart | { error: string };
  try {
    progress("cold start: require → registered …");
    coldStart = measureColdStart(ROOT);
  } catch (error) {
    coldStart = { error: problemOf(error) };
    progress(`  ${coldStart.error}`);
  }
  let deployment: Deployment | { error: string };
  try {
    deployment = measureDeployment(ROOT);
  } catch (error) {
    deployment = { error: problemOf(error) };
    progress(`  ${deployment.error}`);
  }

  const cpus = cpuInfo();
  const environment = `Node ${process.version}, ${process.platform} ${process.arch}, ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}`;
  const totalSeconds = seconds(started);
  const markdown = renderMarkdown({
    scenarios,
    detectors,
    failures,
    requests,
    core,
    timing: { replaySeconds, totalSeconds },
    environment,
    coldStart,
    deployment,
    emulator,
    faults,
    previous,
  });
  await writeFile(join(RESULTS, "README.md"), markdown);
  const json = buildResultsJson({
    detectors,
    core,
    coldStart,
    deployment,
    emulator,
    faults,
    benchWallSeconds: totalSeconds,
    node: process.version,
    cpuModel: cpus[0]?.model.trim() ?? "unknown CPU",
    cpuCount: cpus.length,
    date: new Date(),
  });
  await writeFile(join(RESULTS, "results.json"), `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(markdown);
  progress(
    `bench: wrote ${relative(process.cwd(), join(RESULTS, "README.md"))} and ${scenarios.length} timeline(s) in ${seconds(started).toFixed(1)} s`,
  );
  if (failures.length > 0)
    progress(`bench: ${failures.length} scenario(s) failed: ${failures.map((f) => basename(f.source)).join(", ")}`);
  const measurementFailed = !Array.isArray(core) || [emulator, faults, coldStart, deployment].some((m) => "error" in m);
  return failures.length > 0 || measurementFailed ? 1 : 0;
}

function problemOf(error: unknown): string {
  if (error instanceof ScenarioError) return error.problems.join("; ");
  if (error instanceof Error) return error.message;
  return String(error);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    progress(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
