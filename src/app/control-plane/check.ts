import { compareAccess } from "../../core/controlplane/access.js";
import type { ActivityChange } from "../../core/controlplane/activity.js";
import { parseVaultId, type VaultRef } from "../../core/controlplane/arm-ids.js";
import { assessCoverage, blindSpotFinding } from "../../core/controlplane/coverage.js";
import { diffVault, type VaultSnapshot } from "../../core/controlplane/drift.js";
import { finding, type ControlPlaneFinding } from "../../core/controlplane/findings.js";
import { mapLimit, OncePerKey } from "./limit.js";
import type { ControlPlaneConfig, PrincipalConfig } from "../../core/controlplane/config.js";
import { armFailureProblem, throttlingProblem, type ReadContext } from "../../core/controlplane/monitor-problems.js";
import type { ArmRead, ControlPlaneDeps } from "../../core/controlplane/ports.js";

export type { ControlPlaneDeps };
import { classifyProbeFailure, probeFinding, type ProbeCause } from "../../core/controlplane/probes.js";
import { builtInRole, type RoleInfo } from "../../core/controlplane/roles.js";
import type { RoleAssignmentView, VaultConfig } from "../../core/controlplane/views.js";
import type { KeyVaultAuditTable } from "../../core/model/signals.js";

export interface ControlPlaneInput {
  now: Date;
  /** Last snapshots by lower-case vault ID. */
  previousSnapshots: ReadonlyMap<string, VaultSnapshot>;
  /** Rows of the `changes` signal this tick; undefined when that signal is unavailable or failed. */
  activity: readonly ActivityChange[] | undefined;
}

/** One vault's standing, for `/api/health`. */
export interface VaultStatus {
  vaultResourceId: string;
  source: "listed" | "discovered";
  config: "read" | "not-found" | "unknown";
  permissionModel: VaultConfig["permissionModel"] | undefined;
  coverage: "covered" | "blind-spot" | "unknown";
  /** The audit table the vault's events land in, when covered. */
  auditTable: KeyVaultAuditTable | undefined;
}

export interface ProbeResult {
  identity: string;
  clientId: string | undefined;
  scope: string;
  ok: boolean;
  /** For a success: the same token as last time (answered from the process's token cache). */
  cached: boolean | undefined;
  cause: ProbeCause | undefined;
}

export interface ControlPlaneReport {
  checkedAt: Date;
  vaults: VaultStatus[];
  /** About vaults and identities: these feed the findings / incident pipeline. */
  findings: ControlPlaneFinding[];
  /** About the monitor itself (its access, ARM throttling, its own token): health shows them as degraded. */
  monitorProblems: ControlPlaneFinding[];
  /** New snapshots to save (ETag-guarded), one per vault whose configuration was read. */
  snapshots: VaultSnapshot[];
  probes: ProbeResult[];
  /** ARM round trips the adapters counted, retries included. */
  armRequests: number;
}

interface Monitored {
  ref: VaultRef;
  source: "listed" | "discovered";
}

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

  findings.push(...(await checkAccess(deps, config, input, vaults, configs, failed, ctx)));
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
  };
}

async function monitoredVaults(
  deps: ControlPlaneDeps,
  config: ControlPlaneConfig,
  now: Date,
  problems: ControlPlaneFinding[],
  failed: (r: ArmRead<unknown>, c: ReadContext) => void,
  ctx: (scope: string, reading: string) => ReadContext,
): Promise<Monitored[]> {
  const listed = [
    ...config.vaults.map((v) => v.resourceId),
    ...config.principals.flatMap((p) => p.expect.map((e) => e.vault)),
  ];
  const out = new Map<string, Monitored>();
  for (const id of listed) {
    const ref = parseVaultId(id);
    if (ref && !out.has(ref.id)) out.set(ref.id, { ref, source: "listed" });
  }
  if (!config.discovery || !deps.discovery) return [...out.values()];
  const subs = config.discovery.subscriptions;
  const found = await deps.discovery.discover(subs);
  if (!found.ok) {
    failed(found, ctx(subs.map((s) => `/subscriptions/${s}`).join(", "), "the vaults (Resource Graph discovery)"));
    return [...out.values()];
  }
  if (found.value.length === 0) {
    problems.push(
      finding({
        kind: "discovery-empty",
        subject: {},
        idParts: subs,
        hypothesis: undefined,
        severityHint: "SEV-4",
        summary: `discovery found no vaults in ${subs.length === 1 ? `subscription ${subs[0]}` : `${subs.length} subscriptions`}`,
        evidence: [
          "Resource Graph shows only what the monitor can read: no vaults, or no Reader on these subscriptions",
        ],
        observedAt: now,
      }),
    );
  }
  const discovered = found.value
    .map((v) => parseVaultId(v.id))
    .filter((r): r is VaultRef => r !== undefined && !out.has(r.id))
    .sort((a, b) => a.id.localeCompare(b.id));
  const max = config.discovery.maxVaults;
  if (discovered.length > max) {
    problems.push(
      finding({
        kind: "discovery-truncated",
        subject: {},
        idParts: subs,
        hypothesis: undefined,
        severityHint: "SEV-4",
        summary: `discovery found ${discovered.length} vaults besides the listed ones; this tick checks the first ${max}`,
        evidence: [
          `raise discovery.maxVaults above ${discovered.length} to check them all (two ARM reads per vault per tick)`,
        ],
        observedAt: now,
      }),
    );
  }
  for (const ref of discovered.slice(0, max)) out.set(ref.id, { ref, source: "discovered" });
  return [...out.values()];
}

async function checkAccess(
  deps: ControlPlaneDeps,
  config: ControlPlaneConfig,
  input: ControlPlaneInput,
  vaults: Monitored[],
  configs: ReadonlyMap<string, VaultConfig>,
  failed: (r: ArmRead<unknown>, c: ReadContext) => void,
  ctx: (scope: string, reading: string) => ReadContext,
): Promise<ControlPlaneFinding[]> {
  const refs = new Map(vaults.map((v) => [v.ref.id, v.ref]));
  const pairs = config.principals.flatMap((p) =>
    [...new Set(p.expect.map((e) => e.vault))].map((vault) => ({ p, vault })),
  );
  const listings = new OncePerKey<ArmRead<RoleAssignmentView[]>>();
  const list = (vault: string, id: string, p: PrincipalConfig) =>
    listings.get(`${vault}|${id}`, async () => {
      const r = await deps.roleAssignments.listForPrincipal(vault, id);
      failed(r, ctx(vault, `the role assignments of ${p.name}${id === p.objectId ? "" : ` (through group ${id})`}`));
      return r;
    });
  // Each listing: the principal and its groups, at one vault.
  const jobs = pairs.flatMap(({ p, vault }) => [p.objectId, ...p.groupObjectIds].map((id) => ({ p, vault, id })));
  await mapLimit(jobs, config.concurrency, (j) => list(j.vault, j.id, j.p));
  const listed = async (p: PrincipalConfig, vault: string): Promise<RoleAssignmentView[] | undefined> => {
    const reads = await Promise.all([p.objectId, ...p.groupObjectIds].map((id) => list(vault, id, p)));
    return reads.every((r) => r.ok) ? reads.flatMap((r) => (r.ok ? r.value : [])) : undefined;
  };

  const roles = await resolveRoles(deps, config, pairs, listed, failed, ctx);
  const out: ControlPlaneFinding[] = [];
  for (const { p, vault } of pairs) {
    const ref = refs.get(vault);
    const vaultConfig = configs.get(vault);
    const here = await listed(p, vault);
    if (!ref || !vaultConfig || !here) continue;
    const elsewhere = (
      await Promise.all(pairs.filter((o) => o.p === p && o.vault !== vault).map((o) => listed(p, o.vault)))
    ).flatMap((a) => a ?? []);
    out.push(
      ...compareAccess({
        principal: p,
        vault: ref,
        expectations: p.expect.filter((e) => e.vault === vault),
        assignments: here,
        elsewhere,
        roles,
        config: vaultConfig,
        activity: input.activity ?? [],
        now: input.now,
      }),
    );
  }
  return out;
}

/** Built-in roles from the static table; custom roles read once each, at a vault where they are assigned. */
async function resolveRoles(
  deps: ControlPlaneDeps,
  config: ControlPlaneConfig,
  pairs: { p: PrincipalConfig; vault: string }[],
  listed: (p: PrincipalConfig, vault: string) => Promise<RoleAssignmentView[] | undefined>,
  failed: (r: ArmRead<unknown>, c: ReadContext) => void,
  ctx: (scope: string, reading: string) => ReadContext,
): Promise<Map<string, RoleInfo>> {
  const roles = new Map<string, RoleInfo>();
  const custom = new Map<string, string>();
  for (const { p, vault } of pairs) {
    for (const a of (await listed(p, vault)) ?? []) {
      const known = builtInRole(a.roleGuid);
      if (known) roles.set(a.roleGuid, known);
      else if (!custom.has(a.roleGuid)) custom.set(a.roleGuid, vault);
    }
  }
  await mapLimit([...custom], config.concurrency, async ([guid, vault]) => {
    const r = await deps.roleAssignments.resolveRole(guid, vault);
    if (r.ok) roles.set(guid, r.value);
    else failed(r, ctx(vault, `role definition ${guid}`));
  });
  return roles;
}

async function runProbes(
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
