import { z } from "zod";
import { SCENARIO_FORMAT_V1, ScenarioFileV1 } from "./format-v1.js";
import { SCENARIO_FORMAT_V2, ScenarioFileV2 } from "./format-v2.js";

/**
 * The JSON Schema of scenario files, generated from the zod types the loader validates with, so
 * the two cannot drift. It describes the file as written (inputs: optional fields may be left
 * out); cross-field rules (which fields a record kind needs, repetition, template names) are in
 * docs/scenarios.md. docs/scenario.schema.json is v2's, the version scenarios are written in;
 * `--v1` prints the schema of the older version, which the loader still reads.
 */
export function scenarioJsonSchema(version: "v1" | "v2" = "v2"): Record<string, unknown> {
  const [format, file] = version === "v1" ? [SCENARIO_FORMAT_V1, ScenarioFileV1] : [SCENARIO_FORMAT_V2, ScenarioFileV2];
  const schema = z.toJSONSchema(file, { io: "input" }) as Record<string, unknown>;
  return {
    ...schema,
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `urn:${format.replace(/\//g, ":")}`,
    title: `vaultwatch scenario (${format})`,
    description:
      version === "v1"
        ? "A world of signal rows to replay the monitor against (the older format; converted to raw records on reading). See docs/scenarios.md."
        : "A world of raw log records to replay the monitor against, and optional ground truth for scoring. See docs/scenarios.md.",
  };
}

if (require.main === module) {
  const version = process.argv.includes("--v1") ? "v1" : "v2";
  process.stdout.write(`${JSON.stringify(scenarioJsonSchema(version), null, 2)}\n`);
}
