import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { expandGlob } from "./glob.js";

/**
 * Cold start, require → registered: how long the Functions host waits, after the worker has started,
 * for the app's registration modules (package.json "main") to load and register. Each run is a fresh
 * child process (cold-start-child.ts) with only PATH in its environment, since loading must need no
 * app settings. The same is timed for a hello-world one-timer (@azure/functions and one app.timer)
 * from the same node_modules, interleaved run for run so both see the same machine; the ratio is
 * what the comparison across commits and machines rests on. One warm-up run of each is discarded:
 * a host that just mounted the package has it in the file cache too. The app must be built.
 */

/** Runs of each; modest, so the bench stays quick. */
export const COLD_START_RUNS = 9;

const MARK = "__COLDSTART__";

export interface ColdStartSide {
  runs: number;
  medianMs: number;
  minMs: number;
  allMs: number[];
  /** Modules that entered require.cache during the timed requires (last run). */
  modules: number;
  /** The @azure/* packages among them, by name. */
  azurePackages: string[];
  /** Functions and hooks registered (last run). */
  functions: number;
  hooks: number;
  /** A registration module that threw (last run); the timing is then meaningless. */
  errors: string[];
}

export interface ColdStart {
  main: string;
  registrationModules: number;
  app: ColdStartSide;
  hello: ColdStartSide;
  /** app ÷ hello, of the medians and of the minima. */
  ratioMedian: number;
  ratioMin: number;
}

interface ChildResult {
  ms: number;
  keys: string[];
  errors: { file: string; error: string }[];
  registered: { functions: string[]; hooks: string[] };
}

export function measureColdStart(root: string, runs = COLD_START_RUNS): ColdStart {
  const main = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { main: string }).main;
  const files = expandGlob(root, main);
  if (files.length === 0) throw new Error(`package.json main "${main}" matches no file (build first)`);
  const repoNode = join(root, "node_modules", "node", "bin", "node");
  const node = existsSync(repoNode) ? repoNode : process.execPath;

  // The one-timer resolves @azure/functions from the repository's node_modules through a symlink.
  const dir = mkdtempSync(join(tmpdir(), "vaultwatch-hello-"));
  const app: ChildResult[] = [];
  const hello: ChildResult[] = [];
  try {
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    const timer = join(dir, "hello-timer.js");
    writeFileSync(
      timer,
      `"use strict";\nconst { app } = require("@azure/functions");\napp.timer("t", { schedule: "0 */5 * * * *", handler: async () => {} });\n`,
    );
    runChild(node, files);
    runChild(node, [timer]);
    for (let i = 0; i < runs; i++) {
      app.push(runChild(node, files));
      hello.push(runChild(node, [timer]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const a = side(app);
  const h = side(hello);
  return {
    main,
    registrationModules: files.length,
    app: a,
    hello: h,
    ratioMedian: a.medianMs / h.medianMs,
    ratioMin: a.minMs / h.minMs,
  };
}

function runChild(node: string, files: readonly string[]): ChildResult {
  const child = join(__dirname, "cold-start-child.js");
  const r = spawnSync(node, [child, JSON.stringify(files)], {
    env: { PATH: process.env.PATH ?? "" },
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const line = (r.stdout ?? "")
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`cold-start child failed (status ${r.status}): ${(r.stderr ?? "").slice(0, 2000)}`);
  return JSON.parse(line.slice(MARK.length)) as ChildResult;
}

function side(runs: readonly ChildResult[]): ColdStartSide {
  const ms = runs.map((r) => r.ms);
  const last = runs[runs.length - 1]!;
  const packages = new Set(last.keys.map(packageOf).filter((p): p is string => p !== undefined));
  return {
    runs: ms.length,
    medianMs: median(ms),
    minMs: Math.min(...ms),
    allMs: ms,
    modules: last.keys.length,
    azurePackages: [...packages].filter((p) => p.startsWith("@azure/")).sort(),
    functions: last.registered.functions.length,
    hooks: last.registered.hooks.length,
    errors: last.errors.map((e) => `${e.file}: ${e.error}`),
  };
}

/** The package a module file belongs to (`@scope/name` or `name`), from its last node_modules segment. */
export function packageOf(file: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const i = file.lastIndexOf(marker);
  if (i < 0) return undefined;
  const rest = file.slice(i + marker.length).split(sep);
  return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
