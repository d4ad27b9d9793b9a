import { describe, expect, it } from "vitest";
import type { ColdStart } from "../../tools/bench/cold-start.js";
import type { Deployment } from "../../tools/bench/deployment.js";
import { deploymentSection } from "../../tools/bench/markdown-deployment.js";
import { coldSide } from "./fixtures.js";

const cold: ColdStart = {
  main: "dist/src/functions/*.js",
  registrationModules: 5,
  app: coldSide(338.4, 316.5, 619, ["@azure/functions", "@azure/identity"], { functions: 9, hooks: 1 }),
  hello: coldSide(25.6, 16.8, 4, ["@azure/functions"], { functions: 9, hooks: 1 }),
  ratioMedian: 13.22,
  ratioMin: 18.84,
};
const deploy: Deployment = {
  files: 187,
  bytes: 999_142,
  byFolder: [
    { folder: "src/", files: 181, bytes: 708_751 },
    { folder: "(root files)", files: 6, bytes: 290_391 },
  ],
  excludedFiles: 245,
  toolFilesInDist: 0,
  toolLinesInDist: 0,
};

describe("the deployment and cold start section", () => {
  const md = deploymentSection(cold, deploy).join("\n");
  const rowOf = (figure: string) => md.split("\n").find((l) => l.startsWith(`| ${figure}`));

  it("sets this run beside the figures measured at d8cc1e3", () => {
    expect(md).toContain("## Deployment and cold start");
    expect(rowOf("cold start, require → registered, median")).toBe(
      "| cold start, require → registered, median | 338 ms | 577 ms |",
    );
    expect(rowOf("app ÷ hello world, medians")).toBe("| app ÷ hello world, medians | 13.2× | 24.8× |");
    expect(rowOf("modules in require.cache")).toBe("| modules in require.cache | 619 | 798 |");
    expect(rowOf("@azure packages loaded")).toBe("| @azure packages loaded | 2 | 23 |");
    expect(rowOf("upload, bytes")).toBe("| upload, bytes | 999,142 | 1,433,212 |");
    expect(rowOf("upload, of which bench/")).toBe("| upload, of which bench/ | 0 files | 35 files |");
    expect(rowOf("tool code inside dist/src")).toBe(
      "| tool code inside dist/src | 0 .js files / 0 lines | 45 .js files / 5,175 lines |",
    );
    expect(rowOf("src/")).toBe("| src/ | 181 | 708,751 |");
  });

  it("says a failed measurement failed, and writes nothing when neither was measured", () => {
    const failed = deploymentSection({ error: "no dist" }, { error: "no git" }).join("\n");
    expect(failed).toContain("| cold start | failed: no dist | |");
    expect(failed).toContain("| upload | failed: no git | |");
    expect(deploymentSection(undefined, undefined)).toEqual([]);
  });
});
