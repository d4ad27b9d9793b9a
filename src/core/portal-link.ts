import { gzipSync } from "node:zlib";

const WORKSPACE_ID = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.operationalinsights\/workspaces\/[^/]+$/i;

/**
 * A link that opens `kql` in the Logs blade of the workspace, over `timespan` (an ISO 8601
 * duration such as "PT1H", or a start and end). Undefined when the workspace ARM ID is missing
 * or is not a Log Analytics workspace, since the blade needs the full resource ID.
 */
export function evidenceLink(workspaceResourceId: string | undefined, kql: string, timespan: { start: Date; end: Date } | string): string | undefined {
  const workspace = workspaceResourceId?.trim();
  if (!workspace || !WORKSPACE_ID.test(workspace)) return undefined;
  const span = typeof timespan === "string" ? timespan : `${timespan.start.toISOString()}/${timespan.end.toISOString()}`;
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
