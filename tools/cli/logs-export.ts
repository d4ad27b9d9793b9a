import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { BACKFILL_HOURS } from "../../src/core/baselines/absorb.js";
import { writeExports } from "../emulator/export.js";
import { parseScenario, ScenarioError } from "../scenario/load.js";
import { timeOption, UsageError, valueOf, type ParsedArgs } from "./args.js";
import type { Io } from "./io.js";

const HOUR = 3_600_000;

/**
 * `vaultwatch logs export --scenario FILE --out DIR`: writes a scenario's records as the query
 * API's JSON, one file per table, as a real workspace's would be exported (docs/replay-logs.md):
 * the round trip that shows `vaultwatch replay --logs` reads what the emulator holds. By default
 * the range is the scenario's clock plus the history the monitor reads before its first tick.
 */
export async function exportScenarioLogs(args: ParsedArgs, io: Io): Promise<number> {
  const file = valueOf(args, "scenario");
  const out = valueOf(args, "out");
  if (!file || !out) throw new UsageError("logs export needs --scenario FILE and --out DIR");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    io.err(`vaultwatch logs export: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  let world;
  try {
    world = parseScenario(text, file).world;
  } catch (error) {
    if (error instanceof ScenarioError) {
      io.err(`vaultwatch logs export: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const from = timeOption(args, "from") ?? new Date(world.start.getTime() - BACKFILL_HOURS * HOUR);
  const to = timeOption(args, "to") ?? world.end;
  if (to.getTime() <= from.getTime()) throw new UsageError(`--to: expected a time after ${from.toISOString()}`);
  const written = await writeExports(world.logs, { from: from.getTime(), to: to.getTime() }, out);
  for (const w of written) io.err(`${relative(process.cwd(), w.file) || w.file}: ${w.table}, ${w.rows} rows\n`);
  io.err(`exported ${from.toISOString()} to ${to.toISOString()}; replay with: vaultwatch replay --logs ${out}\n`);
  return 0;
}
