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
import { groupsLeft } from "../../core/controlplane/roles.js";

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
 * The facts diagnosis reads: each vault's model, network stance and access policies (what each
 * grants, read in both models: on an RBAC vault a policy is the grant H4 says is ignored), and
 * each configured principal's role on the vaults it is expected on. On an RBAC vault the role is
 * present unless a finding says otherwise; on a vault that uses access policies the check judges
 * the policy, so the role is known only where a finding names it. Unknown for a vault whose
 * configuration could not be read.
 */
export function factsOf(
  report: ControlPlaneReport | undefined,
  config: ControlPlaneConfig,
  /** Entra ID group membership changes this tick (AuditLogs), when read: a role lost with a group. */
  membership?: readonly SignalRow<"group-membership">[],
): ControlPlaneFacts | undefined {
  if (!report) return undefined;
  const vaults: ControlPlaneFacts["vaults"] = {};
  for (const s of report.snapshots) {
    vaults[s.vaultResourceId.toLowerCase()] = {
      enableRbacAuthorization: s.config.permissionModel === "rbac",
      publicNetworkAccess: s.config.publicNetworkAccess === "Disabled" ? "Disabled" : "Enabled",
      defaultAction: s.config.networkDefaultAction === "Deny" ? "Deny" : "Allow",
      accessPolicyObjectIds: s.config.accessPolicies.map((p) => p.objectId.toLowerCase()),
      accessPolicies: Object.fromEntries(
        s.config.accessPolicies.map((p) => [
          p.objectId.toLowerCase(),
          { secrets: p.secrets, keys: p.keys, certificates: p.certificates },
        ]),
      ),
    };
  }
  const access: ControlPlaneFacts["access"] = {};
  const read = new Set(report.vaults.filter((v) => v.config === "read").map((v) => v.vaultResourceId.toLowerCase()));
  for (const p of config.principals) {
    for (const e of p.expect) {
      const vault = e.vault.toLowerCase();
      if (read.has(vault) && vaults[vault]?.enableRbacAuthorization !== false)
        access[`${vault}|${p.objectId.toLowerCase()}`] = { hasRequiredRole: true };
    }
  }
  for (const f of report.findings) {
    const vault = f.subject.vaultResourceId?.toLowerCase();
    const principal = f.subject.principal?.objectId.toLowerCase();
    if (!vault || !principal) continue;
    const key = `${vault}|${principal}`;
    const entry = (access[key] ??= {});
    if (f.kind === "role-missing") entry.hasRequiredRole = false;
    // A role from a broader scope than expected is reported as role-wrong-scope too, without a hypothesis: it still grants.
    if (f.kind === "role-wrong-scope" && f.hypothesis === "H2") entry.roleAtWrongScope = true;
    // Access granted only in the model the vault does not use: a role ignored by a policy vault,
    // or a policy ignored by an RBAC vault (whose role is then missing).
    if (f.kind === "permission-model-mismatch")
      entry.hasRequiredRole = vaults[vault]?.enableRbacAuthorization === false;
  }
  const roleThrough = roleThroughOf(report);
  forgetRolesOfLeftGroups(access, roleThrough, membership ?? []);
  return { vaults, access, roleThrough };
}

/**
 * The check counts a configured group's roles as the principal's own: it does not read Entra ID.
 * When Entra ID's audit log shows the principal removed from every group its role comes through,
 * and not added back since, the role is no longer its own, so "present" no longer stands. Whether
 * it is missing, and why, is for the diagnosis to say (diagnosis/rules/group.ts).
 */
function forgetRolesOfLeftGroups(
  access: ControlPlaneFacts["access"],
  roleThrough: NonNullable<ControlPlaneFacts["roleThrough"]>,
  membership: readonly SignalRow<"group-membership">[],
): void {
  for (const [key, through] of Object.entries(roleThrough)) {
    const entry = access[key];
    if (through.direct || through.groupObjectIds.length === 0 || entry?.hasRequiredRole !== true) continue;
    const left = groupsLeft(key.slice(key.indexOf("|") + 1), membership);
    if (through.groupObjectIds.every((g) => left.has(g))) delete entry.hasRequiredRole;
  }
}

/**
 * How each principal holds its expected roles, where someone does: directly, and through which
 * groups (ARM's principal type "Group"; a holder other than the principal was listed as one of its
 * configured groups). A role lost with a group membership shows no change here: the check counts
 * a configured group's roles as the principal's own; diagnosis weighs the membership changes.
 */
function roleThroughOf(report: ControlPlaneReport): NonNullable<ControlPlaneFacts["roleThrough"]> {
  const out: NonNullable<ControlPlaneFacts["roleThrough"]> = {};
  const byKey = new Map<string, NonNullable<ControlPlaneReport["roleHolders"]>>();
  for (const h of report.roleHolders ?? []) {
    const key = `${h.vaultResourceId.toLowerCase()}|${h.principalObjectId}`;
    byKey.set(key, [...(byKey.get(key) ?? []), h]);
  }
  for (const [key, held] of byKey) {
    if (held.some((h) => h.holders.length === 0)) continue;
    const principal = held[0]!.principalObjectId;
    const groups = held.flatMap((h) =>
      h.holders.filter((x) => x.principalType === "Group" || x.principalId !== principal).map((x) => x.principalId),
    );
    out[key] = {
      direct: held.every((h) => h.holders.some((x) => x.principalId === principal)),
      groupObjectIds: [...new Set(groups)],
    };
  }
  return out;
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
