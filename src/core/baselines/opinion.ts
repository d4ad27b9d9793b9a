import type { BaselineOpinion, RequestRuleId } from "../model/index.js";
import { baselineKey } from "./absorb.js";
import type { Baseline } from "./baseline.js";
import { describe } from "./describe.js";
import { judge } from "./judge.js";

/** Judges a series' window against its learned baseline; undefined when it has none. */
export type BaselineJudge = (
  seriesId: string,
  rule: RequestRuleId,
  observed: { failures: number; total: number; at: Date },
) => BaselineOpinion | undefined;

/** The judge over a set of learned baselines: pure, so any instance with the same baselines agrees. */
export function judgeWith(baselines: ReadonlyMap<string, Baseline>): BaselineJudge {
  return (series, rule, observed) => opinion(judge(baselines.get(baselineKey(rule, series)), observed));
}

function opinion(v: ReturnType<typeof judge>): BaselineOpinion {
  switch (v.kind) {
    case "anomalous":
      return {
        kind: "anomalous",
        expectedRatio: v.expectedRatio,
        observedRatio: v.observedRatio,
        pValue: v.pValue,
        text: describe(v, "denials"),
      };
    case "normal":
      return { kind: "normal", text: describe(v, "denials") };
    case "cold":
    case "no-traffic":
      return { kind: "cold", reason: v.reason };
  }
}
