import type { ColdStart } from "./cold-start.js";
import type { Deployment } from "./deployment.js";

/**
 * The README's "Deployment and cold start" section: this run's figures beside the ones measured
 * by the same method at commit d8cc1e3, before the tools left src/ (BEFORE_RESTRUCTURE), so the
 * effect of the restructure stays visible. Pure: results in, lines out.
 */

/** Measured at d8cc1e3 on the same 2-core machine, with the method this bench uses. */
export const BEFORE_RESTRUCTURE = {
  commit: "d8cc1e3",
  coldStartMedianMs: 577,
  coldStartMinMs: 446,
  ratioToHello: 24.8,
  modules: 798,
  azurePackages: 23,
  uploadFiles: 218,
  uploadBytes: 1_433_212,
  uploadBenchFiles: 35,
  toolJsFilesInDist: 45,
  toolJsLinesInDist: 5_175,
} as const;

export function deploymentSection(
  cold: ColdStart | { error: string } | undefined,
  deploy: Deployment | { error: string } | undefined,
): string[] {
  if (cold === undefined && deploy === undefined) return [];
  const b = BEFORE_RESTRUCTURE;
  const out = ["## Deployment and cold start", ""];
  out.push(
    `Now beside the same figures measured at commit ${b.commit}, before the tools left \`src/\`, on the same 2-core machine and by the same method.`,
    "",
    "| figure | this run | at d8cc1e3 |",
    "|---|---|---|",
  );
  if (cold && "error" in cold) out.push(`| cold start | failed: ${oneLine(cold.error)} | |`);
  else if (cold) {
    const c = cold;
    out.push(
      `| cold start, require → registered, median | ${ms(c.app.medianMs)} | ${b.coldStartMedianMs} ms |`,
      `| cold start, fastest run | ${ms(c.app.minMs)} | ${b.coldStartMinMs} ms |`,
      `| hello-world one-timer, median / fastest | ${ms(c.hello.medianMs)} / ${ms(c.hello.minMs)} | – |`,
      `| app ÷ hello world, medians | ${c.ratioMedian.toFixed(1)}× | ${b.ratioToHello}× |`,
      `| app ÷ hello world, fastest runs | ${c.ratioMin.toFixed(1)}× | – |`,
      `| modules in require.cache | ${c.app.modules} | ${b.modules} |`,
      `| @azure packages loaded | ${c.app.azurePackages.length} | ${b.azurePackages} |`,
    );
  }
  if (deploy && "error" in deploy) out.push(`| upload | failed: ${oneLine(deploy.error)} | |`);
  else if (deploy) {
    const bench = deploy.byFolder.find((f) => f.folder === "bench/")?.files ?? 0;
    out.push(
      `| upload, files | ${deploy.files} | ${b.uploadFiles} |`,
      `| upload, bytes | ${deploy.bytes.toLocaleString("en-US")} | ${b.uploadBytes.toLocaleString("en-US")} |`,
      `| upload, of which bench/ | ${bench} files | ${b.uploadBenchFiles} files |`,
      `| tool code inside dist/src | ${deploy.toolFilesInDist} .js files / ${deploy.toolLinesInDist.toLocaleString("en-US")} lines | ` +
        `${b.toolJsFilesInDist} .js files / ${b.toolJsLinesInDist.toLocaleString("en-US")} lines |`,
    );
  }
  out.push("");
  if (cold && !("error" in cold)) {
    const problems = [...cold.app.errors, ...cold.hello.errors];
    out.push(
      `The app's ${cold.registrationModules} registration modules registered ${cold.app.functions} functions and ${cold.app.hooks} hook${cold.app.hooks === 1 ? "" : "s"}; ` +
        `@azure packages loaded: ${cold.app.azurePackages.map((p) => `\`${p}\``).join(", ")}.` +
        (problems.length > 0 ? ` A registration module threw: ${oneLine(problems.join("; "))}.` : ""),
      "",
    );
  }
  if (deploy && !("error" in deploy)) {
    out.push("| uploaded folder | files | bytes |", "|---|---|---|");
    for (const f of deploy.byFolder) out.push(`| ${f.folder} | ${f.files} | ${f.bytes.toLocaleString("en-US")} |`);
    out.push("");
  }
  out.push(
    "- **Cold start, require → registered**: each run is a fresh Node child process, with only `PATH` in its environment, " +
      'that requires the files package.json `"main"` matches (`dist/src/functions/*.js`, built by `npm run build:tools` before the bench), ' +
      "timed with `process.hrtime` inside the child from just before the first require to just after the last, so process start-up is left out. " +
      "`@azure/functions-core` is stood in for as the Functions worker provides it, so registration takes the host's path. " +
      `A hello-world one-timer (\`@azure/functions\` and one \`app.timer\`, from the same node_modules) is timed the same way, interleaved run for run with the app (${cold && !("error" in cold) ? cold.app.runs : "9"} runs each, after one discarded warm-up of each). ` +
      "The ratio to it is what compares across machines. Modules and @azure packages are those that entered `require.cache` during the app's requires.",
    "- **Upload**: what a Functions deployment (remote build) uploads: the files git lists for the working tree (tracked, plus untracked ones not gitignored; deleted ones skipped) " +
      "minus `.funcignore`, read with gitignore's rules (tools/bench/funcignore.ts), counted per top-level folder with their sizes on disk. " +
      "The production `npm ci --omit=dev` the platform adds is not measured: an install on every bench run is too slow.",
    "- **Tool code inside dist/src**: `.js` files, and their lines, under `dist/src/{standin,replay,scenario,local,cli,bench}`, where tools used to compile among the deployed modules. " +
      "The tools now compile to `dist/tools`, which the platform's `npm run build` does not produce; the expected count is 0.",
    "",
  );
  return out;
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, "; ").replace(/\|/g, "\\|");
