/**
 * A .funcignore matcher: gitignore syntax, as much of it as .funcignore files use (comments,
 * negation, trailing-slash directories, anchored paths, `*`, `?`, `[..]`, `**`). The deployment
 * figures must not depend on a package the app does not have, and the repository's .funcignore
 * is simple. Pure: text in, predicate out.
 */

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  /** A pattern with a slash matches the whole path; one without matches any path's last segment. */
  anchored: boolean;
  re: RegExp;
}

/** The active patterns of an ignore file (no blanks, no comments), as written. */
export function ignorePatterns(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.startsWith("#"));
}

/** `(relativePath, isDirectory?) → ignored`, for paths with forward slashes relative to the repository. */
export function compileIgnore(text: string): (rel: string, isDir?: boolean) => boolean {
  const rules = ignorePatterns(text).map(compileRule);
  // Last matching rule wins, as in git.
  const verdict = (rel: string, isDir: boolean): boolean => {
    let ignored = false;
    const base = rel.slice(rel.lastIndexOf("/") + 1);
    for (const r of rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(r.anchored ? rel : base)) ignored = !r.negate;
    }
    return ignored;
  };
  // Git cannot re-include a file inside an ignored directory, so any ignored parent decides.
  return (rel, isDir = false) => {
    const segs = rel.split("/");
    for (let i = 1; i < segs.length; i++) if (verdict(segs.slice(0, i).join("/"), true)) return true;
    return verdict(rel, isDir);
  };
}

function compileRule(pattern: string): Rule {
  let line = pattern.replace(/(?<!\\)\s+$/, "");
  let negate = false;
  if (line.startsWith("!")) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith("\\!") || line.startsWith("\\#")) line = line.slice(1);
  let dirOnly = false;
  if (line.endsWith("/")) {
    dirOnly = true;
    line = line.slice(0, -1);
  }
  const anchored = line.includes("/");
  if (line.startsWith("/")) line = line.slice(1);
  let re = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "*" && line[i + 1] === "*") {
      const atStart = i === 0 || line[i - 1] === "/";
      const atEnd = i + 2 === line.length || line[i + 2] === "/";
      if (atStart && atEnd) {
        // A trailing `/**` is everything inside; a `**/` is zero or more directories.
        if (i + 2 === line.length) re += ".*";
        else {
          re += "(?:.*/)?";
          i++;
        }
        i++;
        continue;
      }
      re += "[^/]*";
      i++;
      continue;
    }
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "\\" && i + 1 < line.length) re += line[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    else if (c === "[") {
      const j = line.indexOf("]", i + 1);
      if (j < 0) re += "\\[";
      else {
        re += `[${line
          .slice(i + 1, j)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = j;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return { negate, dirOnly, anchored, re: new RegExp(`^${re}$`) };
}
