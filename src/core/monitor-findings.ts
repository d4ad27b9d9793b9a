import type { Evaluation, Incident, MonitorSubject, SignalOutcome, Trigger } from "./model/index.js";
import { digest64 } from "./common/hash.js";
import { NO_COUNTS } from "./control-plane-findings.js";

const SELF: MonitorSubject = { kind: "monitor" };

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
  const problems: Extract<Trigger, { kind: "monitor" }>[] = [];
  if (signal.status === "failed")
    problems.push({
      kind: "monitor",
      problem: `the workspace query failed: ${signal.problem}`,
      source: "workspace",
      // The runbook leads with the fix this calls for (a 403: grant Log Analytics Reader).
      ...(signal.failure ? { cause: signal.failure.reason } : {}),
    });
  if (tokenProblem !== undefined) problems.push({ kind: "monitor", problem: tokenProblem, source: "token" });
  if (problems.length > 0) {
    return [
      {
        kind: "firing",
        rule: "monitor",
        subject: SELF,
        counts: NO_COUNTS,
        severity: "SEV-3",
        severityReason: "the monitor is blind: vault incidents can be neither opened nor resolved until it reads again",
        triggers: problems,
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
          subject: SELF,
          counts: NO_COUNTS,
          successesInConfirmation: 1,
          fingerprint: MONITOR_FINGERPRINT,
        },
      ]
    : [];
}

/**
 * What the monitor's own incident calls for, when the failed query said why and the fix is
 * known: a 403 is a missing role, not an outage to wait out. Undefined otherwise.
 */
export function monitorFix(incident: Pick<Incident, "rule" | "triggers">): string | undefined {
  if (incident.rule !== "monitor") return undefined;
  const t = incident.triggers.find((x) => x.kind === "monitor" && x.source !== "token");
  switch (t?.kind === "monitor" ? t.cause : undefined) {
    case "forbidden":
      return "the query answered 403: the monitor's identity lacks Log Analytics Reader on the workspace";
    case "unauthorized":
      return "the monitor could not authenticate to Log Analytics: check its managed identity (AZURE_CLIENT_ID)";
    case "not-found":
      return "the query answered 404: LOG_ANALYTICS_WORKSPACE_ID names no workspace";
    case "throttled":
      return "the query answered 429: something else is using the monitor identity's query quota";
    default:
      return undefined;
  }
}
