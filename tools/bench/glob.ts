import { existsSync, readdirSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";

/**
 * Expands a package.json "main" glob the way the Functions host reads it (segments with `*`, `?`,
 * `[..]`, `{a,b}` and `**`), with fs only, so the cold start loads exactly the files the host
 * would. Returns absolute paths, sorted.
 */
export function expandGlob(base: string, pattern: string): string[] {
  const segs = pattern.split("/").filter((s) => s !== "" && s !== ".");
  const out: string[] = [];
  const walk = (dir: string, i: number): void => {
    if (i === segs.length) {
      if (existsSync(dir) && statSync(dir).isFile()) out.push(dir);
      return;
    }
    const seg = segs[i]!;
    if (seg === "**") {
      walk(dir, i + 1);
      for (const e of entries(dir)) if (e.isDirectory() && e.name !== "node_modules") walk(join(dir, e.name), i);
      return;
    }
    if (!/[*?[{]/.test(seg)) {
      walk(join(dir, seg), i + 1);
      return;
    }
    const re = segmentRegExp(seg);
    for (const e of entries(dir)) if (re.test(e.name)) walk(join(dir, e.name), i + 1);
  };
  walk(base, 0);
  return [...new Set(out)].sort();
}

/** One path segment of a glob as an anchored regular expression. */
export function segmentRegExp(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const j = seg.indexOf("]", i + 1);
      if (j < 0) re += "\\[";
      else {
        re += `[${seg.slice(i + 1, j).replace(/^!/, "^")}]`;
        i = j;
      }
    } else if (c === "{") {
      const j = seg.indexOf("}", i + 1);
      if (j < 0) re += "\\{";
      else {
        const alternatives = seg
          .slice(i + 1, j)
          .split(",")
          .map((s) => s.replace(/[.+^$()|\\]/g, "\\$&"));
        re += `(?:${alternatives.join("|")})`;
        i = j;
      }
    } else re += c.replace(/[.+^$()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
