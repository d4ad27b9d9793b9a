import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { scenarioJsonSchema } from "../../tools/scenario/json-schema.js";
import { SCENARIO_FORMAT } from "../../tools/scenario/format.js";

describe("the scenario format's JSON Schema", () => {
  it("is committed as generated from the zod types (run `npm run docs:schema` after a change)", () => {
    const committed = JSON.parse(readFileSync("docs/scenario.schema.json", "utf8")) as unknown;
    expect(committed).toEqual(scenarioJsonSchema());
  });

  it("describes the file as authors write it: the version is required, counts and defaults may be left out", () => {
    const schema = scenarioJsonSchema() as {
      required: string[];
      properties: Record<string, { const?: string; default?: unknown }>;
    };
    expect(schema.properties.format!.const).toBe(SCENARIO_FORMAT);
    expect(schema.required).toEqual(expect.arrayContaining(["format", "name", "start", "end"]));
    expect(schema.required).not.toContain("timeline");
    expect(schema.properties.tickMinutes!.default).toBe(5);
  });
});
