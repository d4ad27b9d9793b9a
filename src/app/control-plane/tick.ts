import type { ControlPlaneDeps } from "./check.js";
import type { ControlPlaneConfig } from "../../core/controlplane/config.js";
import type { SnapshotStore } from "../../core/controlplane/ports.js";
import { previousSnapshots, type LoadedSnapshots } from "./record.js";
import { checkControlPlane, type ControlPlaneReport } from "./check.js";
import type { ControlPlaneFindingInput, ControlPlaneHealth } from "../../core/model/index.js";
import type { ControlPlaneCheck } from "../../core/control-plane-findings.js";
import type { ControlPlaneFacts } from "../../core/diagnose-finding.js";
import type { SignalRow } from "../../core/signals/signal-set.js";
import type { Logger } from "../../core/ports/ports.js";

/** The control-plane check as the runtime holds it: adapters built once, and its config. */
export interface ControlPlane {
  deps: ControlPlaneDeps & { snapshots: SnapshotStore };
  config: ControlPlaneConfig;
}

export interface ControlPlaneTick {
  report: ControlPlaneReport | undefined;
  /** Why the check could not run at all (it never throws into the tick). */
  problem: string | undefined;
}

/**
 * Runs the control-plane check for a tick, reading only: the new snapshots it returns are saved
 * by the tick's commit step. The `changes` rows name who changed a vault and when; they are passed
 * only when that signal answered. A failure is reported, never thrown: the Key Vault evaluation
 * goes on without control-plane facts.
 */
export async function observeControlPlane(
  cp: ControlPlane,
  now: Date,
  snapshots: LoadedSnapshots,
  changes: readonly SignalRow<"changes">[] | undefined,
  log: Logger,
): Promise<ControlPlaneTick> {
  try {
    const report = await checkControlPlane(cp.deps, cp.config, {
      now,
      previousSnapshots: previousSnapshots(snapshots),
      activity: changes,
    });
    for (const p of report.monitorProblems) log.warn(`control plane: ${p.summary}`);
    return { report, problem: undefined };
  } catch (error) {
    const problem = `the control-plane check failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
    log.error(problem);
    return { report: undefined, problem };
  }
}

/**
 * The facts diagnosis reads: each vault's model and network stance, and each configured
 * principal's access to the vaults it is expected on (present unless a finding says otherwise;
 * unknown for a vault whose configuration could not be read).
 */
export function factsOf(
  report: ControlPlaneReport | undefined,
  config: ControlPlaneConfig,
): ControlPlaneFacts | undefined {
  if (!report) return undefined;
  const vaults: ControlPlaneFacts["vaults"] = {};
  for (const s of report.snapshots) {
    vaults[s.vaultResourceId.toLowerCase()] = {
      enableRbacAuthorization: s.config.permissionModel === "rbac",
      publicNetworkAccess: s.config.publicNetworkAccess === "Disabled" ? "Disabled" : "Enabled",
      defaultAction: s.config.networkDefaultAction === "Deny" ? "Deny" : "Allow",
      accessPolicyObjectIds: s.config.accessPolicies.map((p) => p.objectId.toLowerCase()),
    };
  }
  const access: ControlPlaneFacts["access"] = {};
  const read = new Set(report.vaults.filter((v) => v.config === "read").map((v) => v.vaultResourceId.toLowerCase()));
  for (const p of config.principals) {
    for (const e of p.expect) {
      const vault = e.vault.toLowerCase();
      if (read.has(vault)) access[`${vault}|${p.objectId.toLowerCase()}`] = { hasRequiredRole: true };
    }
  }
  for (const f of report.findings) {
    const vault = f.subject.vaultResourceId?.toLowerCase();
    const principal = f.subject.principal?.objectId.toLowerCase();
    if (!vault || !principal) continue;
    const key = `${vault}|${principal}`;
    const entry = (access[key] ??= {});
    if (f.kind === "role-missing") entry.hasRequiredRole = false;
    if (f.kind === "role-wrong-scope") entry.roleAtWrongScope = true;
  }
  return { vaults, access };
}

/** What the heartbeat keeps of a check, for `/api/health`. */
export function controlPlaneHealth(t: ControlPlaneTick): ControlPlaneHealth {
  const r = t.report;
  return {
    checkedAt: r?.checkedAt,
    problem: t.problem,
    findings: (r?.findings ?? []).map((f) => ({
      kind: f.kind,
      summary: f.summary,
      severity: f.severityHint,
      hypothesis: f.hypothesis,
      vaultResourceId: f.subject.vaultResourceId,
    })),
    monitorProblems: (r?.monitorProblems ?? []).map((p) => p.summary),
    vaults: (r?.vaults ?? []).map((v) => ({
      vaultResourceId: v.vaultResourceId,
      config: v.config,
      coverage: v.coverage,
      permissionModel: v.permissionModel,
    })),
    armRequests: r?.armRequests ?? 0,
    probesFailed: (r?.probes ?? []).filter((p) => !p.ok).length,
  };
}

/** The check's findings for the incident pipeline; undefined when it did not run. */
export function checkOf(t: ControlPlaneTick | undefined, config: ControlPlaneConfig): ControlPlaneCheck | undefined {
  const r = t?.report;
  if (!r) return undefined;
  const findings: ControlPlaneFindingInput[] = r.findings.map((f) => ({
    id: f.id,
    kind: f.kind,
    summary: f.summary,
    evidence: f.evidence,
    severity: f.severityHint,
    hypothesis: f.hypothesis,
    vaultResourceId: f.subject.vaultResourceId,
    principal: f.subject.principal?.objectId ?? f.subject.identity?.clientId,
    role: f.subject.role,
    workspace: config.workspaces[0],
  }));
  return {
    findings,
    readVaults: r.vaults.filter((v) => v.config === "read").map((v) => v.vaultResourceId),
    clean: r.monitorProblems.length === 0,
  };
}
