import { parseArgs, UsageError, valueOf } from "./args.js";
import type { ReplayHost } from "../replay/replay.js";
import type { Io } from "./io.js";
import { exportScenarioLogs } from "./logs-export.js";
import { replayLogs } from "./replay-logs.js";
import { replayScenarioFile } from "./replay-scenario.js";

const USAGE = [
  "usage: vaultwatch replay <scenario.json> [--quiet]",
  "       vaultwatch replay --logs DIR [--from ISO] [--to ISO] [--tick-minutes N] [--settings FILE]",
  "                         [--workspace RESOURCE_ID] [--json] [--quiet]",
  "       vaultwatch logs export --scenario FILE --out DIR [--from ISO] [--to ISO]",
  "",
  "  replay <scenario.json>  Replays a scenario (docs/scenarios.md) through the monitor with a simulated clock",
  "                          and writes one JSON line per notification (fired, repeated, escalated, resolved).",
  "  replay --logs DIR       Replays exported Log Analytics records (one .json or .csv file per table; see",
  "                          docs/replay-logs.md) and prints what the monitor would have said, one notification",
  "                          per entry. --from/--to bound the ticks (default: the exports' span), --settings",
  "                          takes a JSON file with a scenario's settings keys, --json writes JSON lines.",
  "  logs export             Writes a scenario's records as the query API's JSON, one file per table.",
  "  --quiet                 no progress, summary or warnings on stderr",
].join("\n");

/** Exit codes: 0 done; 1 failed while replaying; 2 bad arguments, an invalid scenario or exports that cannot be replayed. */
export async function main(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  options: { host?: ReplayHost } = {},
): Promise<number> {
  const io: Io = { out, err, host: options.host };
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h") {
    (command ? out : err)(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  try {
    if (command === "replay") {
      const args = parseArgs(rest, {
        values: ["logs", "from", "to", "tick-minutes", "settings", "workspace"],
        flags: ["quiet", "json"],
      });
      if (valueOf(args, "logs") !== undefined) {
        if (args.positionals.length > 0) throw new UsageError("give either a scenario file or --logs DIR, not both");
        return await replayLogs(args, io);
      }
      const logsOnly = ["from", "to", "tick-minutes", "settings", "workspace", "json"].find((o) => args.options.has(o));
      if (logsOnly) throw new UsageError(`--${logsOnly} is for --logs replays`);
      if (args.positionals.length !== 1) throw new UsageError("expected exactly one scenario file");
      return await replayScenarioFile(args.positionals[0]!, args.options.has("quiet"), io);
    }
    if (command === "logs") {
      const [sub, ...more] = rest;
      if (sub !== "export") throw new UsageError(`unknown logs command ${JSON.stringify(sub ?? "")}`);
      const args = parseArgs(more, { values: ["scenario", "out", "from", "to"], flags: [] });
      if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
      return await exportScenarioLogs(args, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`vaultwatch ${command}: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  err(`vaultwatch: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
  return 2;
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
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `vaultwatch: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}

if (require.main === module) run();
