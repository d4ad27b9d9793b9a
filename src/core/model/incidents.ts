import type { Incident, IncidentSnapshot, RuleId, SeriesKey } from "./index.js";
import { seriesId } from "./signals.js";
import { digest64 } from "../common/hash.js";

/** A stable incident ID for a rule on a series: 16 hex digits of FNV-1a over the series ID. */
export function fingerprint(
  rule: RuleId,
  key: Pick<SeriesKey, "vaultResourceId" | "callerObjectId" | "callerAppId">,
): string {
  return digest64(`${rule}|${seriesId(key)}`);
}

/** The incident as a notice renders it: the record without its bookkeeping. */
export function snapshotOf(incident: Incident): IncidentSnapshot {
  const {
    id,
    rule,
    subject,
    state,
    severity,
    openedAt,
    resolvedAt,
    counts,
    peakFailures,
    lastFailureAt,
    triggers,
    severityReason,
    diagnosis,
    responder,
    flapping,
  } = incident;
  return {
    id,
    rule,
    subject,
    state,
    severity,
    openedAt,
    resolvedAt,
    counts,
    peakFailures,
    lastFailureAt,
    triggers,
    severityReason,
    diagnosis,
    responder,
    flapping,
  };
}

/** Open in the on-call sense: announced or about to be, and not resolved. */
export function isActive(incident: Pick<Incident, "state">): boolean {
  return incident.state !== "resolved";
}
