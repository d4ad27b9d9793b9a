import type { KvRequestBin, QueryFailure, SignalOutcome } from "./signals.js";
import type { SignalSet } from "../signals/signal-set.js";

/** The Key Vault request signal in the shape the incident rules read. */
export function kvOutcome(set: SignalSet): SignalOutcome {
  const kv = set.signals["kv-requests"];
  const rows: KvRequestBin[] = kv.rows.map((r) => ({
    binStart: r.binStart,
    vaultResourceId: r.dims.vaultResourceId,
    callerObjectId: r.dims.callerObjectId,
    callerAppId: r.dims.callerAppId,
    callerResourceId: r.dims.callerResourceId,
    auditTable: r.dims.source,
    counts: r.counts,
    operations: r.dims.operation ? [r.dims.operation] : [],
  }));
  switch (kv.status) {
    case "ok":
    case "no-data":
      return { status: "complete", rows };
    case "degraded":
      return { status: "partial", rows, problem: kv.problem ?? "degraded", ...failureOf(kv) };
    case "unavailable":
    case "failed":
      return { status: "failed", problem: kv.problem ?? kv.status, ...failureOf(kv) };
  }
}

/** The query failure behind the signal, when there is one: absent rather than undefined. */
function failureOf(kv: SignalSet["signals"]["kv-requests"]): { failure?: QueryFailure } {
  return kv.failure ? { failure: kv.failure } : {};
}
