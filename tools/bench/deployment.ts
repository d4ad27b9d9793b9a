import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compileIgnore } from "./funcignore.js";

/**
 * What a Functions deployment uploads: the files git lists for the working tree (tracked, plus
 * untracked ones git does not ignore; deleted ones skipped) minus .funcignore, per top-level
 * folder. And whether any tool code sits inside dist/src, where the platform's build puts the app:
 * the tools compile to dist/tools and must never land among the deployed modules. The production
 * node_modules install is not measured here (an `npm ci` per bench run is too slow).
 */

/** Tool folders that once lived in src/ and so would show up in dist/src if they came back. */
export const TOOL_DIRS_IN_DIST = ["standin", "replay", "scenario", "local", "cli", "bench"] as const;

export interface FolderSize {
  /** `name/` for a top-level folder, `(root files)` for files at the top. */
  folder: string;
  files: number;
  bytes: number;
}

export interface Deployment {
  files: number;
  bytes: number;
  /** Largest first. */
  byFolder: FolderSize[];
  /** Git-listed files .funcignore keeps out. */
  excludedFiles: number;
  /** .js files (and their lines) under dist/src/<tool folder>; 0 is the expected figure. */
  toolFilesInDist: number;
  toolLinesInDist: number;
}

export interface ListedFile {
  rel: string;
  bytes: number;
}

export function measureDeployment(root: string): Deployment {
  const git = (args: string[]) =>
    execFileSync("git", ["-C", root, ...args], { encoding: "utf8", maxBuffer: 256 << 20 })
      .split("\0")
      .filter(Boolean);
  const listed = [
    ...new Set([...git(["ls-files", "-z", "--cached"]), ...git(["ls-files", "-z", "--others", "--exclude-standard"])]),
  ].sort();
  const files: ListedFile[] = [];
  for (const rel of listed) {
    const bytes = sizeOf(join(root, rel));
    if (bytes !== undefined) files.push({ rel, bytes });
  }
  const funcignore = join(root, ".funcignore");
  const ignored = compileIgnore(existsSync(funcignore) ? readFileSync(funcignore, "utf8") : "");
  const kept = files.filter((f) => !ignored(f.rel));
  const tool = toolCodeInDist(root);
  return {
    files: kept.length,
    bytes: kept.reduce((s, f) => s + f.bytes, 0),
    byFolder: byTopLevel(kept),
    excludedFiles: files.length - kept.length,
    toolFilesInDist: tool.files,
    toolLinesInDist: tool.lines,
  };
}

/** Files and bytes per top-level folder, largest first. */
export function byTopLevel(files: readonly ListedFile[]): FolderSize[] {
  const groups = new Map<string, FolderSize>();
  for (const f of files) {
    const folder = f.rel.includes("/") ? `${f.rel.slice(0, f.rel.indexOf("/"))}/` : "(root files)";
    const g = groups.get(folder) ?? { folder, files: 0, bytes: 0 };
    g.files++;
    g.bytes += f.bytes;
    groups.set(folder, g);
  }
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes || a.folder.localeCompare(b.folder));
}

function toolCodeInDist(root: string): { files: number; lines: number } {
  let files = 0;
  let lines = 0;
  for (const d of TOOL_DIRS_IN_DIST) {
    for (const f of walk(join(root, "dist", "src", d))) {
      if (!f.endsWith(".js")) continue;
      files++;
      const text = readFileSync(f, "utf8");
      lines += text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    }
  }
  return { files, lines };
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function sizeOf(path: string): number | undefined {
  try {
    return lstatSync(path).size;
  } catch {
    return undefined;
  }
}
