import { describe, expect, it } from "vitest";
import { compileIgnore, ignorePatterns } from "../../tools/bench/funcignore.js";
import { byTopLevel } from "../../tools/bench/deployment.js";
import { segmentRegExp } from "../../tools/bench/glob.js";

describe("the .funcignore matcher", () => {
  it("ignores a bare name at any depth, and everything inside an ignored folder", () => {
    const ignored = compileIgnore("node_modules\ntools\n");
    expect(ignored("node_modules/x/index.js")).toBe(true);
    expect(ignored("src/node_modules/y.js")).toBe(true);
    expect(ignored("tools/bench/run.ts")).toBe(true);
    expect(ignored("src/tools.ts")).toBe(false);
    expect(ignored("src/functions/monitor.ts")).toBe(false);
  });

  it("matches globs on the last segment unless the pattern has a slash", () => {
    const ignored = compileIgnore(".git*\n*.log\n/README.md\ndocs/*.md\n");
    expect(ignored(".gitignore")).toBe(true);
    expect(ignored(".github/workflows/ci.yml")).toBe(true);
    expect(ignored("logs/today.log")).toBe(true);
    expect(ignored("README.md")).toBe(true);
    expect(ignored("src/README.md")).toBe(false);
    expect(ignored("docs/deploy.md")).toBe(true);
    expect(ignored("docs/adr/0011-layers.md")).toBe(false);
  });

  it("skips comments and blanks, honours negation (last rule wins) and directory-only patterns", () => {
    const text = "# a comment\n\n*.json\n!host.json\nbuild/\n";
    expect(ignorePatterns(text)).toEqual(["*.json", "!host.json", "build/"]);
    const ignored = compileIgnore(text);
    expect(ignored("package.json")).toBe(true);
    expect(ignored("host.json")).toBe(false);
    expect(ignored("build/out.js")).toBe(true);
    expect(ignored("build")).toBe(false);
    expect(ignored("build", true)).toBe(true);
  });

  it("reads ** as any number of folders", () => {
    const ignored = compileIgnore("**/fixtures\nsrc/**/*.map\n");
    expect(ignored("fixtures/a.json")).toBe(true);
    expect(ignored("test/x/fixtures/a.json")).toBe(true);
    expect(ignored("src/a.js.map")).toBe(true);
    expect(ignored("src/core/deep/a.js.map")).toBe(true);
    expect(ignored("src/core/a.js")).toBe(false);
  });

  it("ignores nothing when there is no .funcignore", () => {
    expect(compileIgnore("")("anything/at/all.ts")).toBe(false);
  });
});

describe("the upload per top-level folder", () => {
  it("groups by first segment, root files apart, largest first", () => {
    expect(
      byTopLevel([
        { rel: "host.json", bytes: 10 },
        { rel: "src/a.ts", bytes: 100 },
        { rel: "src/core/b.ts", bytes: 50 },
        { rel: "package.json", bytes: 5 },
      ]),
    ).toEqual([
      { folder: "src/", files: 2, bytes: 150 },
      { folder: "(root files)", files: 2, bytes: 15 },
    ]);
  });
});

describe("the package.json main glob", () => {
  it("matches one path segment per pattern segment", () => {
    const re = segmentRegExp("*.js");
    expect(re.test("monitor.js")).toBe(true);
    expect(re.test("monitor.js.map")).toBe(false);
    expect(segmentRegExp("{a,b}.js").test("b.js")).toBe(true);
  });
});
