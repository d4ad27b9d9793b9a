import { parseVaultId, type VaultRef } from "../../core/controlplane/arm-ids.js";
import { finding, type ControlPlaneFinding } from "../../core/controlplane/findings.js";
import type { ControlPlaneConfig } from "../../core/controlplane/config.js";
import type { ReadContext } from "../../core/controlplane/monitor-problems.js";
import type { ArmRead, ControlPlaneDeps } from "../../core/controlplane/ports.js";
import type { Monitored } from "./check-report.js";

/** The vaults to check: those the config lists, plus those Resource Graph discovers when asked to. */
export async function monitoredVaults(
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
