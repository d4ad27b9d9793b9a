import { BUSY_SIZE, measureEmulatorThroughput } from "./emulator-throughput.js";

/**
 * The emulator-throughput measurement in a process of its own, so that its heap figures are its
 * own: `node --expose-gc dist/tools/bench/emulator-throughput-child.js [callers vaults days everyMinutes]`
 * prints one JSON object on stdout and its progress on stderr.
 */

const [callers, vaults, days, everyMinutes] = process.argv.slice(2).map(Number);
const size = {
  callers: callers || BUSY_SIZE.callers,
  vaults: vaults || BUSY_SIZE.vaults,
  days: days || BUSY_SIZE.days,
  everyMinutes: everyMinutes || BUSY_SIZE.everyMinutes,
};
const result = measureEmulatorThroughput(size, undefined, (s) => process.stderr.write(`${s}\n`));
process.stdout.write(`${JSON.stringify(result)}\n`);
