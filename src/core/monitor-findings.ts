import type { Evaluation, Incident, MonitorBlindness, SeriesKey, SignalOutcome } from "./model/index.js";
import { digest64 } from "./common/hash.js";
import { NO_COUNTS } from "./control-plane-findings.js";

const KEY: SeriesKey = {
  vaultResourceId: "",
  callerObjectId: "",
  callerAppId: "",
  callerResourceId: "",
  auditTable: "AzureDiagnostics",
};

/** One incident for the monitor itself, whatever the cause: there is one monitor. */
export const MONITOR_FINGERPRINT = digest64("monitor|self");

export interface MonitorInput {
  signal: SignalOutcome;
  /** The control-plane check could not get the monitor's own token. */
  tokenProblem: string | undefined;
}

/**
 * The `monitor` rule: the monitor cannot read its workspace (the query failed, which includes its
 * own token failing) or cannot get its own token for ARM. A monitor that cannot see is never
 * silent about it, and it inhibits the vault incidents it can no longer confirm. SEV-3 with the
 * ticket pending time: one failed query is routine; a second in a row is a finding.
 */
export function evaluateMonitor({ signal, tokenProblem }: MonitorInput, incidents: readonly Incident[]): Evaluation[] {
  const problems: { problem: string; source: MonitorBlindness }[] = [];
  if (signal.status === "failed")
    problems.push({ problem: `the workspace query failed: ${signal.problem}`, source: "workspace" });
  if (tokenProblem !== undefined) problems.push({ problem: tokenProblem, source: "token" });
  if (problems.length > 0) {
    return [
      {
        kind: "firing",
        rule: "monitor",
        key: KEY,
        counts: NO_COUNTS,
        severity: "SEV-3",
        severityReason: "the monitor is blind: vault incidents can be neither opened nor resolved until it reads again",
        triggers: problems.map(({ problem, source }) => ({ kind: "monitor", problem, source })),
        fingerprint: MONITOR_FINGERPRINT,
      },
    ];
  }
  const open = incidents.find((i) => i.id === MONITOR_FINGERPRINT && i.state !== "resolved");
  return open
    ? [
        {
          kind: "recovered",
          rule: "monitor",
          key: KEY,
          counts: NO_COUNTS,
          successesInConfirmation: 1,
          fingerprint: MONITOR_FINGERPRINT,
        },
      ]
    : [];
}
