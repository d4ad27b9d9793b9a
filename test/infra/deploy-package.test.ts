import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileIgnore } from "../../tools/bench/funcignore.js";

/**
 * What `azd deploy` / `func azure functionapp publish` uploads: the repository's files less what
 * .funcignore leaves out (the benchmark's matcher, which its tests hold to gitignore's rules).
 */
function uploaded(): string[] {
  const ignored = compileIgnore(readFileSync(".funcignore", "utf8"));
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" })
    .split("\n")
    .filter((f) => f && !ignored(f));
}

describe("the Functions deployment package", () => {
  const files = uploaded();

  it("carries the app's sources and what builds them, and no tool, test or document", () => {
    expect(files.filter((f) => /^(tools|test|bench|docs|infra|dist)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.startsWith("src/"))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining(["package.json", "package-lock.json", "host.json", "tsconfig.build.json"]),
    );
    expect(files.some((f) => f.startsWith("src/functions/"))).toBe(true);
  });

  it("builds the app alone: the platform's `npm run build` compiles src/ into dist/src", () => {
    const build = JSON.parse(readFileSync("tsconfig.build.json", "utf8").replace(/^\s*\/\/.*$/gm, "")) as {
      include: string[];
    };
    expect(build.include).toEqual(["src"]);
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe("dist/src/functions/*.js");
    expect(pkg.scripts.build).toContain("tsc -p tsconfig.build.json");
  });
});
