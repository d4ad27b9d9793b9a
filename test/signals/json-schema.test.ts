import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { signalModelJsonSchema } from "../../tools/schemas/signal-model.js";
import { SIGNAL_NAMES } from "../../src/core/signals/signal-set.js";

describe("the signal model's JSON Schema", () => {
  it("is committed as generated from the zod types (run `npm run docs:schema` after a change)", () => {
    const committed = JSON.parse(readFileSync("docs/signal-model.schema.json", "utf8")) as unknown;
    expect(committed).toEqual(signalModelJsonSchema());
  });

  it("defines every signal, with dates as ISO 8601 strings", () => {
    const schema = signalModelJsonSchema() as {
      $defs: Record<string, { properties: Record<string, { type?: string; format?: string }> }>;
    };
    expect(Object.keys(schema.$defs)).toEqual([...SIGNAL_NAMES]);
    expect(schema.$defs.changes!.properties.firstAt).toEqual({ type: "string", format: "date-time" });
  });
});
