import type { Notice } from "../../core/model/index.js";
import { incidentEvidenceLink } from "../../core/portal-link.js";
import type { NoticeContent } from "../../core/ports/ports.js";
import { runbookFor } from "../../core/runbook/runbook.js";

/**
 * What every channel renders besides a notice: the runbook for its incident, the alert window,
 * and the portal link to the evidence query (none when the workspace's ARM ID is unknown).
 */
export function noticeContent(o: {
  windowMinutes: number;
  workspaceResourceId: string | undefined;
}): (notice: Notice) => NoticeContent {
  return (n) => ({
    steps: runbookFor(n.snapshot),
    windowMinutes: o.windowMinutes,
    evidenceLink: incidentEvidenceLink(o.workspaceResourceId, n, o.windowMinutes),
  });
}
