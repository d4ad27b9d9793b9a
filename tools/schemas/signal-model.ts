import { z } from "zod";
import { SIGNAL_MODEL_VERSION, SIGNAL_NAMES, SIGNAL_ROWS } from "../../src/core/signals/signal-set.js";

/**
 * The JSON Schema of the canonical signal model, one definition per signal row, generated from
 * the zod types so the two cannot drift. Dates are Date objects in code and ISO 8601 strings in
 * JSON (scenario files, fixtures).
 */
export function signalModelJsonSchema(): Record<string, unknown> {
  const toJson = (schema: z.ZodType) =>
    z.toJSONSchema(schema, {
      // JSON Schema has no date type: rather than throw on z.date(), let the override below
      // describe it as an ISO 8601 string.
      unrepresentable: "any",
      override: (ctx) => {
        if ((ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def.type === "date") {
          ctx.jsonSchema.type = "string";
          ctx.jsonSchema.format = "date-time";
        }
      },
    });
  const defs = Object.fromEntries(
    SIGNAL_NAMES.map((name) => {
      const { $schema: _, ...rest } = toJson(SIGNAL_ROWS[name]) as Record<string, unknown>;
      return [name, rest];
    }),
  );
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `urn:vaultwatch:signal-model:v${SIGNAL_MODEL_VERSION}`,
    title: `vaultwatch signal model v${SIGNAL_MODEL_VERSION}`,
    description: "One row of each signal, as every query maps into it. See docs/signals.md.",
    $defs: defs,
  };
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(signalModelJsonSchema(), null, 2)}\n`);
}
