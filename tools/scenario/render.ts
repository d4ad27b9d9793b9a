import type { ScenarioV2Input } from "./format-v2.js";

/**
 * A v2 scenario as its file shows it: templates and the long lists (records, snapshots, probes,
 * truth) one element per line, so a change to one entry is a one-line diff; the small parts
 * (workspace, settings) pretty-printed.
 */
export function renderScenarioV2(s: ScenarioV2Input): string {
  const fields = Object.entries(s).filter(([, v]) => v !== undefined);
  const body = fields.map(([k, v], i) => `  ${JSON.stringify(k)}: ${field(k, v)}${i < fields.length - 1 ? "," : ""}`);
  return `{\n${body.join("\n")}\n}\n`;
}

function field(key: string, v: unknown): string {
  if (Array.isArray(v))
    return lines(
      v.map((e) => JSON.stringify(e)),
      "[",
      "]",
    );
  if (key === "templates")
    return lines(
      Object.entries(v as Record<string, unknown>).map(([k, s]) => `${JSON.stringify(k)}: ${JSON.stringify(s)}`),
      "{",
      "}",
    );
  if (key === "truth") {
    const incidents = (v as { incidents?: unknown[] }).incidents ?? [];
    return `{\n    "incidents": ${lines(
      incidents.map((e) => JSON.stringify(e)),
      "[",
      "]",
      "  ",
    )}\n  }`;
  }
  return JSON.stringify(v, null, 2).replace(/\n/g, "\n  ");
}

/** Elements one per line, indented one level below the field (`extra` indents further). */
function lines(items: string[], open: string, close: string, extra = ""): string {
  if (items.length === 0) return `${open}${close}`;
  return `${open}\n${items.map((i) => `    ${extra}${i}`).join(",\n")}\n  ${extra}${close}`;
}
