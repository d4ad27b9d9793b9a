import { z } from "zod";
import { SCENARIO_FORMAT, ScenarioFile } from "./format.js";

/**
 * The JSON Schema of scenario files, generated from the zod types the loader validates with, so
 * the two cannot drift. It describes the file as written (inputs: optional fields may be left
 * out); cross-field rules (bin boundaries, series references, tables) are in docs/scenarios.md.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioFile, { io: "input" }) as Record<string, unknown>;
  return {
    ...schema,
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `urn:${SCENARIO_FORMAT.replace(/\//g, ":")}`,
    title: `vaultwatch scenario (${SCENARIO_FORMAT})`,
    description: "A world to replay the monitor against, and optional ground truth for scoring. See docs/scenarios.md.",
  };
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
}
