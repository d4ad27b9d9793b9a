import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { measureFaults } from "./faults.js";
import { renderFaults } from "./markdown-faults.js";

/**
 * The fault matrix alone, from the repository's root: `node dist/tools/bench/faults-run.js
 * <out-dir> [case-id …]` writes faults.json and faults.md to <out-dir> (bench/results/ is the
 * full bench's) and prints the section. The scenarios are read from ./test/scenarios.
 */

const ROOT = resolve(".");
const progress = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<number> {
  const [out, ...only] = process.argv.slice(2);
  if (!out) {
    progress("usage: faults-run <out-dir> [case-id …]");
    return 2;
  }
  const result = await measureFaults(join(ROOT, "test", "scenarios"), progress, only.length > 0 ? only : undefined);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, "faults.json"), `${JSON.stringify(result, null, 2)}\n`);
  const markdown = renderFaults(result);
  await writeFile(join(out, "faults.md"), markdown);
  process.stdout.write(markdown);
  progress(`faults: ${result.cases.length} replays in ${result.wallSeconds} s`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    progress(`faults: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
