import type { ColdStart } from "../../tools/bench/cold-start.js";
import type { ScenarioScore, TruthOutcome } from "../../tools/bench/score.js";

export const MIN = 60_000;

/** One truth incident's outcome: missed unless the override says otherwise. */
export const truth = (o: Partial<TruthOutcome>): TruthOutcome => ({
  name: "rbac",
  want: { hypothesis: "H2", severity: "SEV-1" },
  detected: false,
  ttdMs: undefined,
  ttrMs: undefined,
  hypothesis: undefined,
  severity: undefined,
  matchedEpisodes: 0,
  ...o,
});

/** One scenario's score: a quarter day with nothing detected unless the override says otherwise. */
export const score = (o: Partial<ScenarioScore>): ScenarioScore => ({
  scenario: "rbac",
  days: 0.25,
  healthy: false,
  detections: 0,
  truePositives: 0,
  truths: [],
  notifications: 0,
  pages: 0,
  ...o,
});

/** One side of a cold-start measurement (the app or the hello world). */
export const coldSide = (
  medianMs: number,
  minMs: number,
  modules: number,
  azurePackages: string[],
  registered = { functions: 1, hooks: 0 },
): ColdStart["app"] => ({
  runs: 9,
  medianMs,
  minMs,
  allMs: [minMs, medianMs],
  modules,
  azurePackages,
  ...registered,
  errors: [],
});
