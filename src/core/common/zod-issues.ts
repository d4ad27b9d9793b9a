import type { z } from "zod";

/** One zod issue, as `safeParse` reports it. */
export type ZodIssue = z.core.$ZodIssue;

/**
 * How many problems one answer lists. An 8 MB request body with an invalid field in every element
 * once produced a 400 answer of 78.9 MB; ten lines name the pattern, the count says how big it is.
 */
export const ISSUES_SHOWN = 10;

export interface PathStyle {
  /** "$" writes JSONPath (`$.timeline[3].at`); without it a path is relative (`slos[1].objective`). */
  root?: "$" | undefined;
  /** The name of the whole document when there is no root, e.g. "(spec)" or "(body)". */
  whole?: string | undefined;
}

export interface IssueFormat extends PathStyle {
  /** One line per unknown key, `<path>.<key>: unknown field`, instead of zod's one line for all. */
  unknownKeysEach?: boolean | undefined;
  /** "missing; " before the message of a required field that is absent (parse with `reportInput`). */
  markMissing?: boolean | undefined;
  /** The caller's own wording for an issue (undefined: zod's message). */
  message?: ((issue: ZodIssue) => string | undefined) | undefined;
  /** Lines listed before the rest are only counted; ISSUES_SHOWN unless given. */
  limit?: number | undefined;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The most characters of one key a path repeats. Keys come from the input (an unknown field of a
 * request body can be kilobytes long); 80 characters name any real field and keep a line short.
 */
export const KEY_CHARS = 80;

/**
 * A zod path in JSONPath notation: `.name` for identifier keys, `["kv-requests"]` for other keys,
 * `[3]` for array indices, e.g. `$.timeline[3]["kv-requests"][0].counts.total`.
 */
export function issuePath(path: readonly PropertyKey[], style: PathStyle = {}): string {
  let out = style.root ?? "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else {
      const key = String(p);
      if (key.length > KEY_CHARS) out += `[${JSON.stringify(`${key.slice(0, KEY_CHARS)}…`)}]`;
      else out += IDENTIFIER.test(key) ? (out === "" ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out || (style.whole ?? "$");
}

/**
 * Every issue as `<path>: <message>`, duplicates dropped, at most `limit` lines and then one
 * "… and N more" line: the one way settings, configs, request bodies and scenarios name problems.
 */
export function formatIssues(issues: readonly ZodIssue[], format: IssueFormat = {}): string[] {
  const lines = new Set<string>();
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys" && format.unknownKeysEach) {
      for (const key of issue.keys) lines.add(`${issuePath([...issue.path, key], format)}: unknown field`);
      continue;
    }
    const message = format.message?.(issue) ?? issue.message;
    const missing =
      format.markMissing && issue.code === "invalid_type" && issue.input === undefined && issue.path.length > 0;
    lines.add(`${issuePath(issue.path, format)}: ${missing ? `missing; ${message}` : message}`);
  }
  return capped([...lines], format.limit ?? ISSUES_SHOWN);
}

/** The first `limit` lines, and how many more there were. */
export function capped(lines: readonly string[], limit = ISSUES_SHOWN): string[] {
  if (lines.length <= limit) return [...lines];
  return [...lines.slice(0, limit), `… and ${lines.length - limit} more`];
}
