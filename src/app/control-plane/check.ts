import type { VaultRef } from "../../core/controlplane/arm-ids.js";
import { assessCoverage, blindSpotFinding } from "../../core/controlplane/coverage.js";
import { diffVault, type VaultSnapshot } from "../../core/controlplane/drift.js";
import { finding, type ControlPlaneFinding } from "../../core/controlplane/findings.js";
import { mapLimit } from "./limit.js";
import type { ControlPlaneConfig } from "../../core/controlplane/config.js";
import { armFailureProblem, throttlingProblem, type ReadContext } from "../../core/controlplane/monitor-problems.js";
import type { ArmRead, ControlPlaneDeps } from "../../core/controlplane/ports.js";
import type { VaultConfig } from "../../core/controlplane/views.js";
import type { ControlPlaneInput, ControlPlaneReport, ProbeResult, VaultStatus } from "./check-report.js";
import { monitoredVaults } from "./check-vaults.js";
import { checkAccess } from "./check-access.js";
import { runProbes } from "./check-probes.js";

export type { ControlPlaneDeps, ControlPlaneInput, ControlPlaneReport, ProbeResult, VaultStatus };

/**
 * The control-plane check of one tick: discover vaults (when configured), read each vault's
 * configuration and diagnostic settings, list each principal's role assignments where access is
 * expected, probe token acquisition, and decide. Reads run at most `config.concurrency` at a time
 * and each (scope, principal) is listed once. A read that fails decides nothing about its vault:
 * the vault's status says unknown and a monitor problem says why.
 */
export async function checkControlPlane(
  deps: ControlPlaneDeps,
  config: ControlPlaneConfig,
  input: ControlPlaneInput,
): Promise<ControlPlaneReport> {
  const { now } = input;
  const findings: ControlPlaneFinding[] = [];
  const problems: ControlPlaneFinding[] = [];
  const gaveUp: string[] = [];
  const ctx = (scope: string, reading: string): ReadContext => ({
    scope,
    reading,
    monitorIdentity: deps.monitorIdentity,
    endpointConfigured: deps.prober.endpointConfigured,
    now,
  });
  const failed = (r: ArmRead<unknown>, c: ReadContext) => {
    if (r.ok) return;
    if (r.failure.kind === "throttled") gaveUp.push(`${c.reading} on ${c.scope}`);
    const p = armFailureProblem(r.failure, c);
    if (p) problems.push(p);
  };

  const vaults = await monitoredVaults(deps, config, now, problems, failed, ctx);

  // Vault configuration and diagnostic settings: two reads per vault.
  const configs = new Map<string, VaultConfig>();
  // Each worker keeps its vault's results, so the report lists vaults in config order however the reads interleave.
  const perVault = await mapLimit(vaults, config.concurrency, async ({ ref, source }) => {
    const status: VaultStatus = {
      vaultResourceId: ref.id,
      source,
      config: "unknown",
      permissionModel: undefined,
      coverage: "unknown",
      auditTable: undefined,
    };
    const found: ControlPlaneFinding[] = [];
    let snapshot: VaultSnapshot | undefined;
    const read = await deps.vaults.read(ref.id);
    if (read.ok) {
      configs.set(ref.id, read.value);
      Object.assign(status, { config: "read", permissionModel: read.value.permissionModel });
      const drift = diffVault(input.previousSnapshots.get(ref.id), read.value, {
        vaultId: ref.id,
        now,
        activity: input.activity,
        reportForMinutes: config.driftReportMinutes,
      });
      snapshot = drift.snapshot;
      found.push(...drift.findings);
    } else if (read.failure.kind === "not-found") {
      status.config = "not-found";
      return { status, found: [vaultMissing(ref, read.failure.message, now)], snapshot };
    } else failed(read, ctx(ref.id, "the vault's configuration"));

    const settings = await deps.diagnosticSettings.list(ref.id);
    if (settings.ok) {
      const verdict = assessCoverage(settings.value, config.workspaces);
      status.coverage = verdict.status;
      if (verdict.status === "covered") status.auditTable = verdict.table;
      const f = blindSpotFinding(ref.id, verdict, now, source === "discovered");
      if (f) found.push(f);
    } else if (settings.failure.kind !== "not-found") failed(settings, ctx(ref.id, "the vault's diagnostic settings"));
    return { status, found, snapshot };
  });
  findings.push(...perVault.flatMap((v) => v.found));
  const snapshots = perVault.flatMap((v) => (v.snapshot ? [v.snapshot] : []));

  const access = await checkAccess(deps, config, input, vaults, configs, failed, ctx);
  findings.push(...access.findings);
  const probed = await runProbes(deps, config, now);
  for (const f of probed.findings) (f.kind === "monitor-token-failed" ? problems : findings).push(f);

  const traffic = deps.traffic?.drain() ?? { requests: 0, throttled: [] };
  const throttling = throttlingProblem(traffic.throttled, gaveUp, traffic.requests, now);
  if (throttling) problems.push(throttling);

  return {
    checkedAt: now,
    vaults: perVault.map((v) => v.status),
    findings: merge(findings),
    // Reads finish in any order; sorted, the same problems read the same way every tick.
    monitorProblems: merge(problems).sort((a, b) => a.id.localeCompare(b.id)),
    snapshots,
    probes: probed.results,
    armRequests: traffic.requests,
    roleHolders: access.holdings,
  };
}

function vaultMissing(ref: VaultRef, message: string, now: Date): ControlPlaneFinding {
  return finding({
    kind: "vault-missing",
    subject: { vaultResourceId: ref.id },
    hypothesis: undefined,
    severityHint: "SEV-2",
    summary: `vault ${ref.name} does not exist (ARM answered 404)`,
    evidence: [
      message.split("\n")[0] ?? "",
      "deleted, moved, or a typo in the configured resource ID; every caller of it fails",
    ],
    observedAt: now,
  });
}

/** One finding per id: the same condition seen by several reads keeps every line of evidence once. */
function merge(list: ControlPlaneFinding[]): ControlPlaneFinding[] {
  const byId = new Map<string, ControlPlaneFinding>();
  for (const f of list) {
    const seen = byId.get(f.id);
    if (!seen) byId.set(f.id, { ...f, evidence: [...f.evidence] });
    else for (const e of f.evidence) if (!seen.evidence.includes(e)) seen.evidence.push(e);
  }
  return [...byId.values()];
}
