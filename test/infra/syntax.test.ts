import { describe, expect, it } from "vitest";
import { bicepPaths, loadBicep, REPO, syntaxProblems } from "./bicep.js";
import { readFileSync } from "node:fs";
import path from "node:path";

describe("Bicep syntax, checked offline with the tree-sitter Bicep grammar", () => {
  const files = bicepPaths();

  it("finds the templates", () => {
    const names = files.map((f) => path.relative(REPO, f).split(path.sep).join("/"));
    expect(names).toContain("infra/main.bicep");
    expect(names.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [path.relative(REPO, f), f] as const))("%s parses without errors", async (_, file) => {
    expect(await syntaxProblems(readFileSync(file, "utf8"))).toEqual([]);
  });

  it("reports a broken template, with the line and column of the problem", async () => {
    const broken = [
      "param location string",
      "resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' = {",
      "  name: 'x'",
      "  properties: {",
      "    allowSharedKeyAccess: false",
      "}",
    ].join("\n");
    const problems = await syntaxProblems(broken);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("reports a stray token inside a declaration", async () => {
    const problems = await syntaxProblems("var x = {\n  a: 1 +\n}\n");
    expect(problems).not.toEqual([]);
  });

  it("parses every template into declarations (a file of only comments would pass the check above)", async () => {
    for (const file of files) {
      const f = await loadBicep(file);
      expect(f.root.namedChildren.filter((n) => n.type !== "comment").length, f.path).toBeGreaterThan(0);
    }
  });
});
