import { readFile } from "node:fs/promises";
import { parseScenario, ScenarioError } from "../scenario/load.js";
import { replayScenario } from "../replay/replay.js";
import type { Logger } from "../../src/core/ports/ports.js";

const USAGE = [
  "usage: vaultwatch replay <scenario.json> [--quiet]",
  "",
  "  Replays a scenario (docs/scenarios.md) through the monitor with a simulated clock and writes",
  "  one JSON line per notification (fired, repeated, escalated, resolved) to stdout.",
  "  --quiet   no progress or warnings on stderr",
].join("\n");

/** Exit codes: 0 replayed; 1 failed while replaying; 2 bad arguments or an invalid scenario. */
export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h") {
    (command ? out : err)(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command !== "replay") {
    err(`vaultwatch: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
    return 2;
  }
  const quiet = rest.includes("--quiet");
  const files = rest.filter((a) => a !== "--quiet");
  const unknown = files.filter((a) => a.startsWith("-"));
  if (unknown.length > 0 || files.length !== 1) {
    err(
      `vaultwatch replay: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : "expected exactly one scenario file"}\n${USAGE}\n`,
    );
    return 2;
  }
  const file = files[0]!;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    err(`vaultwatch replay: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  const log: Logger = quiet
    ? { info: () => undefined, warn: () => undefined, error: () => undefined }
    : { info: () => undefined, warn: (m) => err(`warning: ${m}\n`), error: (m) => err(`error: ${m}\n`) };
  try {
    const { world } = parseScenario(text, file);
    if (!quiet)
      err(
        `replaying ${world.name}: ${world.start.toISOString()} to ${world.end.toISOString()}, a tick every ${world.tickMinutes} min\n`,
      );
    const result = await replayScenario(world, { log, onLine: (line) => out(`${JSON.stringify(line)}\n`) });
    if (!quiet) err(`${result.ticks.length} ticks, ${result.lines.length} notifications\n`);
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError) {
      err(`vaultwatch replay: ${error.message}\n`);
      return 2;
    }
    err(`vaultwatch replay: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** Runs the command line of this process. */
export function run(): void {
  // A reader that stops early (`| head`) is not an error of the replay.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
  void main(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  ).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) run();
