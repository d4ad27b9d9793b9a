import type { Leg } from "./signals/leg.js";
import type { SignalWindow } from "./signals-query.js";
import type { MappedRows } from "../signals/from-rows.js";
import {
  SIGNAL_MODEL_VERSION,
  SIGNAL_NAMES,
  type SignalName,
  type SignalResult,
  type SignalSet,
  type SignalRow,
} from "../signals/signal-set.js";
import type { SignalPlan } from "./plan.js";
import type { QueryFailure } from "../signals/query-failure.js";

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
  signals["kv-requests"].rows = preferResourceSpecific(signals["kv-requests"].rows);
  return {
    modelVersion: SIGNAL_MODEL_VERSION,
    windowStart: window.windowStart,
    windowEnd: window.windowEnd,
    requests,
    signals,
  };
}

/**
 * A vault whose events reach both Key Vault tables (two diagnostic settings, or mid-migration)
 * would be counted twice; keep the resource-specific rows for such a vault.
 */
export function preferResourceSpecific(rows: SignalRow<"kv-requests">[]): SignalRow<"kv-requests">[] {
  const inResourceSpecific = new Set(
    rows.filter((r) => r.dims.source === "AZKVAuditLogs").map((r) => r.dims.vaultResourceId),
  );
  return rows.filter((r) => r.dims.source === "AZKVAuditLogs" || !inResourceSpecific.has(r.dims.vaultResourceId));
}
