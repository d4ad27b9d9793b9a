import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { allScenarios, scenarioPath } from "./corpus.js";
import { renderScenario } from "./render.js";

/**
 * Writes every corpus scenario to test/scenarios/<name>.json under `root` (the repository root:
 * `npm run scenarios:build` runs from it). test/scenarios/corpus.test.ts fails when a committed
 * file differs from what this writes.
 */
export function main(root = process.cwd()): void {
  for (const s of allScenarios()) {
    const file = join(root, scenarioPath(s.name));
    mkdirSync(dirname(file), { recursive: true });
    const text = renderScenario(s);
    writeFileSync(file, text);
    process.stdout.write(
      `${scenarioPath(s.name)}: ${(s.records ?? []).length} record entries, ${(text.length / 1024).toFixed(0)} KiB\n`,
    );
  }
}

if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) main();
