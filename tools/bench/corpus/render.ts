import type { ScenarioV2Input } from "../../scenario/format-v2.js";
import { renderScenarioV2 } from "../../scenario/render.js";

/**
 * A corpus scenario as its file shows it (tools/scenario/render.ts): templates and records one per
 * line, so a change to one entry is a one-line diff.
 */
export function renderScenario(s: ScenarioV2Input): string {
  return renderScenarioV2(s);
}
