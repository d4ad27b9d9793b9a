import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCENARIO_FORMAT_V1 } from "../../tools/scenario/format-v1.js";
import { KIND_FIELDS, RECORD_FIELDS, RECORD_KINDS, SCENARIO_FORMAT_V2 } from "../../tools/scenario/format-v2.js";
import { scenarioJsonSchema } from "../../tools/scenario/json-schema.js";

/** The parts of a JSON Schema these tests read. */
interface Schema {
  $id?: string;
  required?: string[];
  const?: string;
  default?: unknown;
  enum?: string[];
  items?: Schema;
  additionalProperties?: Schema;
  properties?: Record<string, Schema>;
}

describe("docs/scenario.schema.json", () => {
  const committed = JSON.parse(readFileSync("docs/scenario.schema.json", "utf8")) as Schema;

  it("is v2's schema as generated from the zod types (run `npm run docs:schema` after a change)", () => {
    expect(committed).toEqual(scenarioJsonSchema());
    expect(committed.properties!.format!.const).toBe(SCENARIO_FORMAT_V2);
    expect(committed.$id).toBe("urn:vaultwatch:scenario:v2");
  });

  it("describes records and templates as authors write them: every field, every kind, the repetitions", () => {
    const entry = committed.properties!.records!.items!;
    const template = committed.properties!.templates!.additionalProperties!;
    for (const field of Object.keys(RECORD_FIELDS)) {
      expect(entry.properties, field).toHaveProperty(field);
      expect(template.properties, field).toHaveProperty(field);
    }
    for (const field of ["template", "at", "count", "every", "until", "counts", "ingestedAt", "ingestionDelayMinutes"])
      expect(entry.properties, field).toHaveProperty(field);
    expect(entry.required).toEqual(["at"]);
    expect(entry.properties!.kind!.enum).toEqual([...RECORD_KINDS]);
    expect(Object.keys(KIND_FIELDS).sort()).toEqual([...RECORD_KINDS].sort());
    expect(committed.required).toEqual(expect.arrayContaining(["format", "name", "start", "end"]));
    expect(committed.properties).not.toHaveProperty("timeline");
    expect(committed.properties!.workspace).toMatchObject({ properties: { ingestion: { default: "azure" } } });
  });

  it("leaves v1's schema to `--v1`: the older format is still read", () => {
    const v1 = scenarioJsonSchema("v1") as Schema;
    expect(v1.properties!.format!.const).toBe(SCENARIO_FORMAT_V1);
    expect(v1.properties).toHaveProperty("timeline");
    expect(v1.properties).toHaveProperty("series");
  });
});
