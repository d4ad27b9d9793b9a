import { summarize, type FaultCaseResult } from "../../tools/bench/faults.js";
import type { FaultsResult } from "../../tools/bench/faults.js";

const none = { teams: 0, email: 0, pagerduty: 0 };

/** A fault matrix of one crash after Teams accepted: one duplicate card, the re-sent email absorbed. */
export function faultsResult(): FaultsResult {
  const crash: FaultCaseResult = {
    id: "crash-after-teams-accepted",
    fault: "crash between send and record",
    cls: "crash",
    target: "0 lost; 0 duplicated on email and PagerDuty, at most 1 on Teams",
    lost: none,
    duplicated: { teams: 1, email: 0, pagerduty: 0 },
    absorbed: { teams: 0, email: 1, pagerduty: 1 },
    merged: none,
    decided: { teams: 4, email: 4, pagerduty: 4 },
    notDecided: none,
    lostNotices: [],
    ticks: 10,
    ticksFailed: 1,
    crashes: 1,
    blinds: false,
    blindAfterTicks: null,
    blindAfterMinutes: null,
    monitorIncidentAfterTicks: null,
    blindReason: null,
    undeliveredAtEnd: 0,
    met: true,
    seconds: 1.2,
  };
  const span = { start: new Date("2026-03-04T01:10:00Z"), end: new Date("2026-03-04T01:40:00Z"), drainMinutes: 15 };
  return summarize("rbac-removal", span, 5, [crash], 1.5);
}
