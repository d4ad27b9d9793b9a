import { classesOf, classOf } from "./classes.js";
import { counted, duration, rate } from "./format.js";
import { summarize, type ScenarioScore } from "./score.js";

/** What the per-class table needs of a detector (markdown.ts's DetectorResults has this shape). */
export interface ClassDetector {
  title: string;
  namesCauses: boolean;
  scores: readonly ScenarioScore[];
}

/**
 * The README's "Per class" table: each detector over the scenarios of each class of problem
 * (classes.ts), so that a class a detector misses or pages on without cause stands out. Pure.
 */
export function perClassSection(detectors: readonly ClassDetector[]): string[] {
  const names = detectors[0]?.scores.map((x) => x.scenario) ?? [];
  if (names.length === 0) return [];
  const out = [
    "## Per class",
    "",
    "Each scenario is in one class of problem (tools/bench/classes.ts); a scenario the bench does not know is `other`. " +
      "Pages per incident and on healthy days are as in the Overall table, over the class's scenarios.",
    "",
    "| class | scenarios | truth incidents | detector | recall | precision | pages per incident | pages per healthy day | top-1 hypothesis | severity | detect, median |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const c of classesOf(names)) {
    for (const [i, d] of detectors.entries()) {
      const scores = d.scores.filter((x) => classOf(x.scenario) === c);
      const s = summarize(scores, d.namesCauses);
      const lead = i === 0 ? [c, String(scores.length), String(s.recall.den)] : ["", "", ""];
      out.push(
        `| ${[
          ...lead,
          d.title,
          counted(s.recall),
          counted(s.precision),
          rate(s.incidents.pages, s.recall.num),
          rate(s.healthy.pages, s.healthy.days),
          counted(s.hypothesis),
          counted(s.severity),
          duration(s.ttd.median),
        ].join(" | ")} |`,
      );
    }
  }
  out.push("");
  return out;
}
