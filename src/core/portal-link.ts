import { gzipSync } from "node:zlib";
import type { Notice } from "./model/index.js";
import { evidenceKql, type TimeRange } from "./runbook/runbook.js";
import { MINUTE_MS } from "./common/duration.js";

const WORKSPACE_ID =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.operationalinsights\/workspaces\/[^/]+$/i;

/**
 * A link that opens `kql` in the Logs blade of the workspace, over `timespan` (an ISO 8601
 * duration such as "PT1H", or a start and end). Undefined when the workspace ARM ID is missing
 * or is not a Log Analytics workspace, since the blade needs the full resource ID.
 */
export function evidenceLink(
  workspaceResourceId: string | undefined,
  kql: string,
  timespan: { start: Date; end: Date } | string,
): string | undefined {
  const workspace = workspaceResourceId?.trim();
  if (!workspace || !WORKSPACE_ID.test(workspace)) return undefined;
  const span =
    typeof timespan === "string" ? timespan : `${timespan.start.toISOString()}/${timespan.end.toISOString()}`;
  return (
    "https://portal.azure.com/#blade/Microsoft_OperationsManagementSuite_Workspace/Logs.ReactView" +
    `/resourceId/${encodeURIComponent(workspace)}` +
    `/source/LogsBlade.AnalyticsShareLinkToQuery/q/${encodeQuery(kql)}` +
    `/timespan/${encodeURIComponent(span)}`
  );
}

/** base64(gzip(query)) URL-encoded twice, as in the portal's share links ("%252F", "%253D"). */
// Share-link format as in the "Run the query" links of MicrosoftDocs/learn learn-pr/azure/explore-fundamentals-kql/includes/*-exercise.md.
export function encodeQuery(kql: string): string {
  return encodeURIComponent(encodeURIComponent(gzipSync(Buffer.from(kql, "utf8")).toString("base64")));
}

/** Context before the first failure: the healthy calls before onset, and the change that caused it. */
const LEAD_MINUTES = 60;
/** After the last moment the notice describes, so that the recovery (or the latest bin) is in view. */
const MARGIN_MINUTES = 15;

/**
 * The log time an incident's evidence covers: from an hour (at least two alert windows) before it
 * was opened or first failed, to a margin after it resolved, or after the notice when still open.
 * Fixed times, not "the last hour", so a link opened from a repeat or resolve notice hours later
 * still shows the incident.
 */
export function evidenceWindow(notice: Pick<Notice, "decidedAt" | "snapshot">, windowMinutes: number): TimeRange {
  const s = notice.snapshot;
  const first = Math.min(s.openedAt.getTime(), s.counts.firstFailureAt?.getTime() ?? Number.POSITIVE_INFINITY);
  const last = (s.resolvedAt ?? notice.decidedAt).getTime();
  const start = Math.floor((first - Math.max(LEAD_MINUTES, 2 * windowMinutes) * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
  const end =
    Math.ceil((Math.max(last, first) + Math.max(MARGIN_MINUTES, windowMinutes) * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
  return { start: new Date(start), end: new Date(end) };
}

/**
 * The link to an incident's evidence: the rule's own evidence query (see `evidenceKql`), pinned
 * to `evidenceWindow` both in the query and in the blade's time range. Undefined when the rule has
 * no log evidence (control-plane findings) or the workspace ID is unusable.
 */
export function incidentEvidenceLink(
  workspaceResourceId: string | undefined,
  notice: Pick<Notice, "decidedAt" | "snapshot">,
  windowMinutes: number,
): string | undefined {
  const range = evidenceWindow(notice, windowMinutes);
  const kql = evidenceKql(notice.snapshot, range);
  return kql ? evidenceLink(workspaceResourceId, kql, range) : undefined;
}
