import { readFile } from "node:fs/promises";
import { parseScenario, ScenarioError } from "../scenario/load.js";
import { replayScenario } from "../replay/replay.js";
import type { Logger } from "../../src/core/ports/ports.js";
import type { Io } from "./io.js";

/** `vaultwatch replay <scenario.json>`: one JSON line per notification. Exit codes as main's. */
export async function replayScenarioFile(file: string, quiet: boolean, io: Io): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    io.err(`vaultwatch replay: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  const log = loggerFor(quiet, io);
  try {
    const { world } = parseScenario(text, file);
    if (!quiet)
      io.err(
        `replaying ${world.name}: ${world.start.toISOString()} to ${world.end.toISOString()}, a tick every ${world.tickMinutes} min\n`,
      );
    const result = await replayScenario(world, {
      log,
      ...(io.host ? { host: io.host } : {}),
      onLine: (line) => io.out(`${JSON.stringify(line)}\n`),
    });
    if (!quiet) io.err(`${result.ticks.length} ticks, ${result.lines.length} notifications\n`);
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError) {
      io.err(`vaultwatch replay: ${error.message}\n`);
      return 2;
    }
    io.err(`vaultwatch replay: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** The monitor's warnings and errors on stderr; nothing with `quiet`. */
export function loggerFor(quiet: boolean, io: Io): Logger {
  return quiet
    ? { info: () => undefined, warn: () => undefined, error: () => undefined }
    : { info: () => undefined, warn: (m) => io.err(`warning: ${m}\n`), error: (m) => io.err(`error: ${m}\n`) };
}
