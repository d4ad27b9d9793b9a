import type { z } from "zod";

/** Parses stored JSON; undefined for text that is not JSON (the caller reports the row as unreadable). */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A stored JSON field that may be missing or null (older rows, fields written as null): read as
 * undefined, so the domain sees one spelling of "absent".
 */
export function orAbsent<T extends z.ZodType>(schema: T) {
  return schema
    .optional()
    .nullable()
    .transform((v) => v ?? undefined);
}
