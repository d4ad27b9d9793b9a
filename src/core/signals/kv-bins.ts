import type { KvRequestBin, SignalOutcome } from "../model/index.js";
import type { SignalSet } from "./signal-set.js";

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
    total: r.counts.total,
    succeeded: r.counts.succeeded,
    unauthorized: r.counts.unauthorized,
    forbidden: r.counts.forbiddenRbac + r.counts.forbiddenPolicy + r.counts.forbiddenFirewall + r.counts.forbiddenOther,
    forbiddenRbac: r.counts.forbiddenRbac,
    forbiddenPolicy: r.counts.forbiddenPolicy,
    forbiddenFirewall: r.counts.forbiddenFirewall,
    throttled: r.counts.throttled,
    other: r.counts.other,
    operations: r.dims.operation ? [r.dims.operation] : [],
  }));
  switch (kv.status) {
    case "ok":
    case "no-data":
      return { status: "complete", rows };
    case "degraded":
      return { status: "partial", rows, problem: kv.problem ?? "degraded" };
    case "unavailable":
    case "failed":
      return { status: "failed", problem: kv.problem ?? kv.status };
  }
}
