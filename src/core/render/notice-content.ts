import type { RunbookStep } from "../runbook/runbook.js";

/** What every channel needs besides the notice: the runbook and the evidence link. */
export interface NoticeContent {
  steps: readonly RunbookStep[];
  /** The alert window, for sentences such as "in the last 10 minutes". */
  windowMinutes: number;
  /** Opens the evidence query in the portal; undefined when the workspace's ARM ID is unknown. */
  evidenceLink: string | undefined;
}
