import { scrubSample } from "../common/scrub.js";
import { describeScope } from "./arm-ids.js";
import { finding, type ControlPlaneFinding } from "./findings.js";
import type { ArmFailure, ThrottleObservation } from "./ports.js";
import { classifyProbeFailure, probeFinding } from "./probes.js";

/** What a read was for, for messages: "the role assignments of id-func-orders". */
export interface ReadContext {
  scope: string;
  reading: string;
  monitorIdentity: { name: string; clientId: string | undefined };
  endpointConfigured: boolean;
  now: Date;
}

/**
 * The monitor problem an ARM read failure amounts to. A 403 on the monitor's own read means the
 * MONITOR lacks Reader there: never a finding about the vault. Not-found is the caller's to judge
 * (a vault that is gone is a vault problem); throttling that outlasted the retries is collected
 * into one `arm-throttled` problem by the caller.
 */
export function armFailureProblem(f: ArmFailure, c: ReadContext): ControlPlaneFinding | undefined {
  const where = describeScope(c.scope);
  switch (f.kind) {
    case "forbidden":
      return finding({
        kind: "monitor-lacks-access",
        subject: { scope: c.scope },
        hypothesis: undefined,
        severityHint: "SEV-3",
        summary: `the monitor lacks Reader on ${where}`,
        evidence: [
          `cannot read ${c.reading}: ARM refused ${f.action ?? "the read"} over ${f.scope || c.scope} (${clip(f.message)})`,
          `grant the monitor's identity Reader on ${where} (Reader includes Microsoft.Authorization/roleAssignments/read); this says nothing about the vault itself`,
        ],
        observedAt: c.now,
      });
    case "credential": {
      const k = classifyProbeFailure(f.error, {
        endpointConfigured: c.endpointConfigured,
        timedOut: false,
        timeoutSeconds: 0,
      });
      return probeFinding(
        { identity: c.monitorIdentity, scope: "https://management.azure.com/.default" },
        k,
        c.now,
        true,
      );
    }
    case "unavailable":
    case "timeout":
    case "unexpected":
      return finding({
        kind: "arm-unavailable",
        subject: { scope: c.scope },
        hypothesis: undefined,
        severityHint: "SEV-3",
        summary: `ARM did not answer the monitor's reads on ${where}`,
        evidence: [
          `${c.reading}: ${f.kind}${"status" in f && f.status ? ` ${f.status}` : ""}, ${clip(f.message)}`,
          "what these reads would show is unknown this tick, not healthy",
        ],
        observedAt: c.now,
      });
    case "malformed":
      return finding({
        kind: "arm-malformed",
        subject: { scope: c.scope },
        hypothesis: undefined,
        severityHint: "SEV-3",
        summary: clip(f.message),
        evidence: [
          `${c.reading}: ${clip(f.message)}`,
          "nothing is concluded about the vault or its identities from this read: unknown this tick, not healthy",
        ],
        observedAt: c.now,
      });
    case "throttled":
    case "not-found":
      return undefined;
  }
}

/**
 * One problem for the tick's throttling: SEV-4 when every throttled read was retried after
 * Retry-After and answered, SEV-3 when some gave up (those checks are unknown this tick).
 */
export function throttlingProblem(
  observed: readonly ThrottleObservation[],
  gaveUp: readonly string[],
  requests: number,
  now: Date,
): ControlPlaneFinding | undefined {
  if (observed.length === 0 && gaveUp.length === 0) return undefined;
  const waits = observed.map((o) => o.retryAfterSeconds).filter((s): s is number => s !== undefined);
  return finding({
    kind: "arm-throttled",
    subject: {},
    idParts: ["arm"],
    hypothesis: undefined,
    severityHint: gaveUp.length > 0 ? "SEV-3" : "SEV-4",
    summary:
      gaveUp.length > 0
        ? `ARM throttled the monitor: ${gaveUp.length} read(s) gave up this tick`
        : `ARM throttled ${observed.length} of the monitor's ${requests} read(s) this tick; each was retried after Retry-After and answered`,
    evidence: [
      ...(waits.length > 0 ? [`Retry-After up to ${Math.max(...waits)} s`] : []),
      ...observed.slice(0, 5).map((o) => `429 on ${o.request}`),
      ...gaveUp.map((g) => `gave up: ${g}`),
      "ARM refills 25 reads a second per subscription and principal (bucket 250); lower `concurrency` or tick less often if this persists",
    ],
    observedAt: now,
  });
}

function clip(message: string): string {
  return scrubSample(message.split("\n")[0] ?? "").slice(0, 400);
}
