import type { ControlPlaneFinding } from "../../core/controlplane/findings.js";
import type { ControlPlaneConfig } from "../../core/controlplane/config.js";
import type { ControlPlaneDeps } from "../../core/controlplane/ports.js";
import { classifyProbeFailure, probeFinding } from "../../core/controlplane/probes.js";
import type { ProbeResult } from "./check-report.js";

/** Asks for a token for each configured identity and audience; a failure is classified (H1, H5, H6). */
export async function runProbes(
  deps: ControlPlaneDeps,
  config: ControlPlaneConfig,
  now: Date,
): Promise<{ results: ProbeResult[]; findings: ControlPlaneFinding[] }> {
  const own = deps.monitorIdentity;
  const identities = [{ identity: own, monitorOwn: true }];
  for (const p of config.principals) {
    if (
      p.clientId &&
      p.clientId !== own.clientId?.toLowerCase() &&
      !identities.some((i) => i.identity.clientId === p.clientId)
    ) {
      identities.push({ identity: { name: p.name, clientId: p.clientId }, monitorOwn: false });
    }
  }
  const results: ProbeResult[] = [];
  const findings: ControlPlaneFinding[] = [];
  // One at a time: token acquisition is cheap, and the endpoint is one process-wide transport.
  for (const { identity, monitorOwn } of identities) {
    for (const scope of config.audiences) {
      const outcome = await deps.prober.probe(identity.clientId, scope);
      if (outcome.ok) {
        results.push({
          identity: identity.name,
          clientId: identity.clientId,
          scope,
          ok: true,
          cached: outcome.cached,
          cause: undefined,
        });
        continue;
      }
      const k = classifyProbeFailure(outcome.error, {
        endpointConfigured: deps.prober.endpointConfigured,
        timedOut: outcome.timedOut,
        timeoutSeconds: config.probeTimeoutSeconds,
      });
      results.push({
        identity: identity.name,
        clientId: identity.clientId,
        scope,
        ok: false,
        cached: undefined,
        cause: k.cause,
      });
      findings.push(probeFinding({ identity, scope }, k, now, monitorOwn));
    }
  }
  return { results, findings };
}
