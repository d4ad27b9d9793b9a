import { utcDateTime } from "../common/utc.js";
import { describeChange, vaultWritesBetween, type ActivityChange } from "./activity.js";
import { lastSegment } from "./arm-ids.js";
import { finding, type ControlPlaneFinding, type Hypothesis, type SeverityHint } from "./findings.js";
import type { AccessPolicyView, VaultConfig } from "./views.js";
import { MINUTE_MS } from "../common/duration.js";

export type DriftAspect = "permission-model" | "network" | "access-policies" | "recovery";

/** One property that differs between two snapshots of a vault. */
export interface VaultChange {
  aspect: DriftAspect;
  field: string;
  before: string;
  after: string;
  /** When vaultwatch saw it; the change happened between `since` (the previous snapshot) and this. */
  detectedAt: Date;
  since: Date;
}

/** The last seen configuration of a vault, kept in Tables between ticks. */
export interface VaultSnapshot {
  vaultResourceId: string;
  takenAt: Date;
  config: VaultConfig;
  /** Changes still being reported (for `driftReportMinutes`), so who and when can fill in once AzureActivity has them. */
  recentChanges: VaultChange[];
}

export interface DriftInput {
  vaultId: string;
  now: Date;
  /** The `changes` signal's rows; undefined when that signal is unavailable or failed this tick. */
  activity: readonly ActivityChange[] | undefined;
  reportForMinutes: number;
}

/** Activity events are stamped by ARM, snapshots by the monitor's clock: allow for a little skew. */
const CLOCK_SKEW_MS = 2 * MINUTE_MS;

/**
 * What each aspect's change can cause, as grants.ts draws the H2/H4 line: switching the model
 * leaves every grant of the other model ignored at once (H4); access policies that lose a
 * permission leave it missing in the model the vault uses (H2). Policies that only gained grant
 * more and explain no denial.
 */
const ASPECTS: Record<DriftAspect, { hypothesis: Hypothesis | undefined; severity: SeverityHint; what: string }> = {
  "permission-model": { hypothesis: "H4", severity: "SEV-2", what: "permission model" },
  network: { hypothesis: "H6", severity: "SEV-3", what: "network access" },
  "access-policies": { hypothesis: "H2", severity: "SEV-3", what: "access policies" },
  recovery: { hypothesis: undefined, severity: "SEV-4", what: "soft delete and purge protection" },
};

/**
 * Compares a vault's configuration with its last snapshot: the changed properties, who changed them
 * and when (from AzureActivity), and the snapshot to keep. The first snapshot is a baseline and
 * reports nothing.
 */
export function diffVault(
  previous: VaultSnapshot | undefined,
  current: VaultConfig,
  i: DriftInput,
): { snapshot: VaultSnapshot; findings: ControlPlaneFinding[] } {
  const fresh = previous
    ? changesBetween(previous.config, current).map((c) => ({ ...c, detectedAt: i.now, since: previous.takenAt }))
    : [];
  const keepAfter = i.now.getTime() - i.reportForMinutes * MINUTE_MS;
  const recent = withoutReverted([
    ...(previous?.recentChanges ?? []).filter((c) => c.detectedAt.getTime() > keepAfter),
    ...fresh,
  ]);
  const snapshot: VaultSnapshot = {
    vaultResourceId: i.vaultId,
    takenAt: i.now,
    config: current,
    recentChanges: recent,
  };
  const byAspect = new Map<DriftAspect, VaultChange[]>();
  for (const c of recent) byAspect.set(c.aspect, [...(byAspect.get(c.aspect) ?? []), c]);
  const name = lastSegment(i.vaultId);
  // Access policies that only gained permissions took nobody's access away: that is drift only in
  // the sense of a change, usually the fix of a denial arriving, and the change log (AzureActivity)
  // still tells the diagnosis who made it. Reporting it would page on the fix.
  const losing = [...byAspect].filter(
    ([aspect, changes]) => aspect !== "access-policies" || changes.some((c) => losesPermissions(c.before, c.after)),
  );
  const findings = losing.map(([aspect, changes]) => {
    const cause = ASPECTS[aspect];
    return finding({
      kind: "vault-config-drift",
      subject: { vaultResourceId: i.vaultId },
      idParts: [i.vaultId, aspect],
      hypothesis: cause.hypothesis,
      severityHint: cause.severity,
      summary: `the ${ASPECTS[aspect].what} of vault ${name} changed`,
      evidence: [
        ...changes.map(
          (c) =>
            `${c.field}: ${c.before} -> ${c.after} (between ${utcDateTime(c.since)} and ${utcDateTime(c.detectedAt)})`,
        ),
        ...attribution(changes, i),
      ],
      observedAt: i.now,
    });
  });
  return { snapshot, findings };
}

/**
 * Drops the changes of each property that is back where it was before them (a permission model
 * switched and switched back, a firewall opened and closed again): the vault no longer differs, so
 * there is no drift left to report, and its incident can resolve rather than stay open for the
 * rest of `driftReportMinutes`.
 */
function withoutReverted(changes: readonly VaultChange[]): VaultChange[] {
  const byField = new Map<string, VaultChange[]>();
  for (const c of changes) byField.set(c.field, [...(byField.get(c.field) ?? []), c]);
  const reverted = new Set(
    [...byField]
      .filter(([, cs]) => {
        const ordered = [...cs].sort((a, b) => a.detectedAt.getTime() - b.detectedAt.getTime());
        return ordered[0]!.before === ordered.at(-1)!.after;
      })
      .map(([field]) => field),
  );
  return changes.filter((c) => !reverted.has(c.field));
}

function attribution(changes: VaultChange[], i: DriftInput): string[] {
  if (!i.activity) return ["who: unknown, the changes signal (AzureActivity) did not answer this tick"];
  const from = new Date(Math.min(...changes.map((c) => c.since.getTime())) - CLOCK_SKEW_MS);
  const to = new Date(Math.max(...changes.map((c) => c.detectedAt.getTime())) + CLOCK_SKEW_MS);
  const writes = vaultWritesBetween(i.activity, i.vaultId, from, to);
  if (writes.length === 0)
    return ["who: not in AzureActivity yet (the activity log reaches the workspace 3-20 minutes late)"];
  return writes.map((w) => `changed by ${describeChange(w)}`);
}

/** The properties that differ, as printable before/after values. */
export function changesBetween(a: VaultConfig, b: VaultConfig): Omit<VaultChange, "detectedAt" | "since">[] {
  const out: Omit<VaultChange, "detectedAt" | "since">[] = [];
  const cmp = (aspect: DriftAspect, field: string, x: unknown, y: unknown) => {
    const before = show(x);
    const after = show(y);
    if (before !== after) out.push({ aspect, field, before, after });
  };
  cmp("permission-model", "permission model", a.permissionModel, b.permissionModel);
  cmp("network", "public network access", a.publicNetworkAccess, b.publicNetworkAccess);
  cmp("network", "firewall default action", a.networkDefaultAction, b.networkDefaultAction);
  cmp("network", "trusted services bypass", a.networkBypass, b.networkBypass);
  cmp("network", "IP rules", a.ipRules, b.ipRules);
  cmp("network", "virtual network rules", a.virtualNetworkRules, b.virtualNetworkRules);
  cmp("recovery", "soft delete", a.softDelete, b.softDelete);
  cmp("recovery", "soft delete retention (days)", a.softDeleteRetentionDays, b.softDeleteRetentionDays);
  cmp("recovery", "purge protection", a.purgeProtection, b.purgeProtection);
  const ids = [...new Set([...a.accessPolicies, ...b.accessPolicies].map((p) => p.objectId))].sort();
  for (const id of ids) {
    cmp(
      "access-policies",
      `access policy for ${id}`,
      policyText(a.accessPolicies.find((p) => p.objectId === id)),
      policyText(b.accessPolicies.find((p) => p.objectId === id)),
    );
  }
  return out;
}

/**
 * Whether an access policy change (policyText before and after) took a permission away: one the
 * policy granted before and no longer does, `all` covering its category.
 */
function losesPermissions(before: string, after: string): boolean {
  const grants = (text: string) =>
    new Map(
      (text === "none" ? [] : text.split("; ")).map((part) => {
        const [category = "", perms = "-"] = part.split(": ");
        return [category, new Set(perms === "-" ? [] : perms.split(", "))] as const;
      }),
    );
  const was = grants(before);
  const now = grants(after);
  return [...was].some(([category, perms]) => {
    const kept = now.get(category) ?? new Set<string>();
    return !kept.has("all") && [...perms].some((p) => !kept.has(p));
  });
}

function policyText(p: AccessPolicyView | undefined): string {
  if (!p) return "none";
  return (["secrets", "keys", "certificates", "storage"] as const)
    .map((c) => `${c}: ${p[c].length > 0 ? [...p[c]].sort().join(", ") : "-"}`)
    .join("; ");
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? "none" : [...(v as string[])].sort().join(", ");
  if (v === undefined) return "unset";
  return String(v);
}
