import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatIssues, issuePath } from "../../../src/core/common/zod-issues.js";

const issuesOf = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) throw new Error("expected the input to be refused");
  return r.error.issues;
};

describe("naming where a problem is", () => {
  it.each<[PropertyKey[], Parameters<typeof issuePath>[1], string]>([
    [
      ["timeline", 3, "kv-requests", 0, "counts", "total"],
      { root: "$" },
      '$.timeline[3]["kv-requests"][0].counts.total',
    ],
    [["slos", 1, "objective"], {}, "slos[1].objective"],
    [["repeat", "SEV-2"], {}, 'repeat["SEV-2"]'],
    [[], { whole: "(body)" }, "(body)"],
    [[], { root: "$" }, "$"],
    // A key from the input is cut at 80 characters: an unknown field can be kilobytes long.
    [["matchers", "k".repeat(5_000)], {}, `matchers[${JSON.stringify(`${"k".repeat(80)}…`)}]`],
  ])("%j is %s", (path, style, expected) => {
    expect(issuePath(path, style)).toBe(expected);
  });
});

describe("one line per problem", () => {
  const Body = z.strictObject({ name: z.string(), tags: z.array(z.enum(["a", "b"])).optional() });

  it("writes each problem as path: message, the way settings, configs and scenarios name them", () => {
    expect(formatIssues(issuesOf(Body, { name: 3, tags: ["c"] }), { whole: "(spec)" })).toEqual([
      "name: Invalid input: expected string, received number",
      'tags[0]: Invalid option: expected one of "a"|"b"',
    ]);
  });

  it("can list unknown fields one by one and say which required field is missing (the HTTP API's wording)", () => {
    const lines = formatIssues(issuesOf(Body, { extra: 1, other: 2 }), { unknownKeysEach: true, markMissing: true });
    expect(lines).toEqual([
      "name: missing; Invalid input: expected string, received undefined",
      "extra: unknown field",
      "other: unknown field",
    ]);
  });

  it("lets the caller word an issue itself, keeping the path", () => {
    const lines = formatIssues(issuesOf(Body, { name: "x", tags: ["z"] }), { message: () => "not a tag" });
    expect(lines).toEqual(["tags[0]: not a tag"]);
  });

  it("names the first ten problems and counts the rest: a large invalid body gets a short answer", () => {
    const lines = formatIssues(issuesOf(Body, { name: "x", tags: Array.from({ length: 25_000 }, () => "z") }));
    expect(lines).toHaveLength(11);
    expect(lines[9]).toBe('tags[9]: Invalid option: expected one of "a"|"b"');
    expect(lines[10]).toBe("… and 24990 more");
  });

  it("lists a problem once, however often zod reports it", () => {
    const twice = issuesOf(Body, { name: 1 });
    expect(formatIssues([...twice, ...twice])).toEqual(["name: Invalid input: expected string, received number"]);
  });
});
