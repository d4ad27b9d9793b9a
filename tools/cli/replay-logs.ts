import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { replayScenario } from "../replay/replay.js";
import { ScenarioError } from "../scenario/load.js";
import { ExportError, readExports } from "../replay/logs/read-export.js";
import { describeLoad } from "../replay/logs/summary.js";
import { HISTORY_DAYS, historyBefore, logsWorld, LogsWorldError, parseSettingsFile } from "../replay/logs/world.js";
import { intOption, timeOption, valueOf, type ParsedArgs } from "./args.js";
import type { Io } from "./io.js";
import { loggerFor } from "./replay-scenario.js";
import { textLine } from "./text-line.js";

/**
 * `vaultwatch replay --logs DIR`: replays exported Log Analytics records through the monitor's
 * own queries and prints what it would have said (docs/replay-logs.md). Exit codes as main's:
 * 2 for exports, settings or options that cannot be replayed (every problem listed), 1 when the
 * replay itself fails.
 */
export async function replayLogs(args: ParsedArgs, io: Io): Promise<number> {
  const dir = valueOf(args, "logs")!;
  const quiet = args.options.has("quiet");
  const json = args.options.has("json");
  const fail = (problems: string[]) => {
    io.err(
      `vaultwatch replay: ${problems.length === 1 ? problems[0] : `\n${problems.map((p) => `  ${p}`).join("\n")}`}\n`,
    );
    return 2;
  };

  let settings: Record<string, string> | undefined;
  const settingsFile = valueOf(args, "settings");
  if (settingsFile !== undefined) {
    let text: string;
    try {
      text = await readFile(settingsFile, "utf8");
    } catch (error) {
      return fail([`cannot read ${settingsFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
    }
    try {
      settings = parseSettingsFile(text, settingsFile);
    } catch (error) {
      if (error instanceof LogsWorldError) return fail(error.problems);
      throw error;
    }
  }

  let loaded;
  try {
    loaded = await readExports(dir);
  } catch (error) {
    if (error instanceof ExportError) {
      io.err(`vaultwatch replay: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (!quiet) io.err(`${describeLoad(loaded.summary).join("\n")}\n`);

  let world;
  try {
    const from = timeOption(args, "from");
    const to = timeOption(args, "to");
    const tickMinutes = intOption(args, "tick-minutes");
    const workspaceResourceId = valueOf(args, "workspace");
    world = logsWorld(loaded, {
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(tickMinutes !== undefined ? { tickMinutes } : {}),
      ...(settings ? { settings } : {}),
      ...(workspaceResourceId ? { workspaceResourceId } : {}),
      name: basename(resolve(dir)),
    });
  } catch (error) {
    if (error instanceof LogsWorldError) return fail(error.problems);
    throw error;
  }

  if (!quiet) {
    io.err(
      `replaying ${world.start.toISOString()} to ${world.end.toISOString()}, a tick every ${world.tickMinutes} min\n`,
    );
    const history = historyBefore(loaded, world.start);
    if (history < HISTORY_DAYS)
      io.err(
        `note: the exports hold ${history >= 1 ? `${history.toFixed(1)} days` : `${(history * 24).toFixed(1)} hours`} before the first tick; the baselines learn from ${HISTORY_DAYS} days (docs/replay-logs.md, "Time range")\n`,
      );
  }
  try {
    const result = await replayScenario(world, {
      log: loggerFor(quiet, io),
      ...(io.host ? { host: io.host } : {}),
      onLine: (line) => io.out(`${json ? JSON.stringify(line) : textLine(line)}\n`),
    });
    if (!quiet) {
      const incidents = new Set(result.lines.map((l) => l.incident)).size;
      io.err(
        `${result.ticks.length} ticks, ${result.lines.length} notifications about ${incidents} incident${incidents === 1 ? "" : "s"}\n`,
      );
    }
    return 0;
  } catch (error) {
    // The monitor refused the settings (they are checked as the Functions host would check them).
    if (error instanceof ScenarioError) return fail(error.problems);
    io.err(`vaultwatch replay: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
