import type { Leg } from "./signals/leg.js";
import type { SignalWindow } from "./signals-query.js";
import type { MappedRows } from "../signals/from-rows.js";
import {
  SIGNAL_MODEL_VERSION,
  SIGNAL_NAMES,
  type SignalName,
  type SignalResult,
  type SignalSet,
} from "../signals/signal-set.js";
import type { SignalPlan } from "./plan.js";
import { oneTablePerVault } from "./one-table-per-vault.js";
import type { QueryFailure } from "../signals/query-failure.js";
import { coverageDisagreement } from "../signals/answer-trust.js";

/** One request's outcome, with the legs it carried. */
export interface QueryRun {
  legs: readonly Leg[];
  status: "complete" | "partial" | "failed";
  problem: string | undefined;
  /** Why a partial or failed request fell short; undefined when complete. */
  failure?: QueryFailure | undefined;
  mapped: MappedRows | undefined;
}

/**
 * Decides each signal's status from what was planned and what came back. Unknown is never ok: a
 * failed request fails its signals, a partial one or malformed rows degrade them.
 */
export function assembleSignalSet(
  window: SignalWindow,
  plan: SignalPlan,
  runs: readonly QueryRun[],
  requests: number,
): SignalSet {
  const signals = {} as { [K in SignalName]: SignalResult<K> };
  for (const name of SIGNAL_NAMES) {
    const result: SignalResult<SignalName> = {
      status: "no-data",
      rows: [],
      problem: undefined,
      malformedRows: 0,
      coverage: {},
    };
    const unavailable = plan.unavailable[name];
    const run = runs.find((r) => r.legs.some((l) => l.signal === name));
    const notAsked = plan.notAsked[name];
    if (notAsked !== undefined && !run) {
      result.problem = notAsked;
    } else if (unavailable !== undefined && !run) {
      result.status = "unavailable";
      result.problem = unavailable;
    } else if (!run || run.status === "failed" || !run.mapped) {
      result.status = "failed";
      result.problem = run?.problem ?? "the signal was not queried";
      if (run?.failure) result.failure = run.failure;
    } else if (run.mapped.schema) {
      // Columns missing, renamed or retyped: no row of the answer can be read as meant.
      result.status = "failed";
      result.problem = run.mapped.schema;
      result.failure = { reason: "malformed", message: run.mapped.schema };
    } else {
      const mapped = run.mapped;
      result.rows = mapped.rows[name];
      result.coverage = mapped.coverage[name];
      result.malformedRows = mapped.malformed[name].count;
      const events = Object.values(result.coverage).reduce((a, b) => a + b, 0);
      const problems: string[] = [];
      if (run.status === "partial") problems.push(run.problem ?? "partial result");
      if (result.malformedRows > 0)
        problems.push(`${result.malformedRows} malformed row(s) (first: ${mapped.malformed[name].first})`);
      if (Object.keys(result.coverage).length === 0) problems.push("the query returned no coverage row for it");
      if (mapped.unknown.count > 0)
        problems.push(
          `${mapped.unknown.count} row(s) of the answer name no known signal (first: ${mapped.unknown.first})`,
        );
      const disagreement =
        result.malformedRows === 0 ? coverageDisagreement(name, result.rows, result.coverage) : undefined;
      if (disagreement) problems.push(disagreement);
      if (problems.length > 0) {
        result.status = "degraded";
        result.problem = problems.join("; ");
        // The first problem named is the one to branch on: a partial answer, else unreadable rows.
        result.failure =
          run.status === "partial" && run.failure
            ? { ...run.failure, message: result.problem }
            : { reason: run.status === "partial" ? "partial" : "malformed", message: result.problem };
      } else {
        result.status = events > 0 ? "ok" : "no-data";
      }
    }
    (signals as Record<SignalName, SignalResult<SignalName>>)[name] = result;
  }
  oneTablePerVault(signals);
  return {
    modelVersion: SIGNAL_MODEL_VERSION,
    windowStart: window.windowStart,
    windowEnd: window.windowEnd,
    requests,
    signals,
  };
}
