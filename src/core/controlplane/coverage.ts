import { lastSegment, normalizeId } from "./arm-ids.js";
import { finding, type ControlPlaneFinding } from "./findings.js";
import type { DiagnosticSettingView } from "./views.js";
import type { KeyVaultAuditTable } from "../model/signals.js";

/** Whether vaultwatch can see a vault's audit log. */
export type CoverageVerdict =
  | { status: "covered"; workspace: string; table: KeyVaultAuditTable; setting: string }
  | { status: "blind-spot"; reason: string };

/**
 * A vault is covered when one of its diagnostic settings sends AuditEvent to a workspace the
 * monitor reads. Anything else is a blind spot: its denials would never reach an alert.
 */
export function assessCoverage(
  settings: readonly DiagnosticSettingView[],
  workspaces: readonly string[],
): CoverageVerdict {
  const read = new Set(workspaces.map(normalizeId));
  const audit = settings.filter((s) => s.sendsAuditEvent);
  const hit = audit.find((s) => s.workspaceId && read.has(s.workspaceId));
  if (hit?.workspaceId) {
    return {
      status: "covered",
      workspace: hit.workspaceId,
      table: hit.destinationType === "Dedicated" ? "AZKVAuditLogs" : "AzureDiagnostics",
      setting: hit.name,
    };
  }
  if (settings.length === 0)
    return { status: "blind-spot", reason: "it has no diagnostic setting, so its AuditEvent goes nowhere" };
  if (audit.length === 0)
    return {
      status: "blind-spot",
      reason: `its diagnostic settings (${settings.map((s) => s.name).join(", ")}) do not send the AuditEvent category`,
    };
  const elsewhere = audit
    .filter((s) => s.workspaceId)
    .map((s) => `${s.name} -> workspace ${lastSegment(s.workspaceId ?? "")}`);
  if (elsewhere.length > 0) {
    return {
      status: "blind-spot",
      reason: `it sends AuditEvent to a workspace vaultwatch does not read (${elsewhere.join(", ")}); vaultwatch reads ${[...read].map(lastSegment).join(", ")}`,
    };
  }
  const destinations = audit.flatMap((s) => s.otherDestinations.map((d) => describeDestination(d, s.eventHubName)));
  if (destinations.length === 0)
    return {
      status: "blind-spot",
      reason: `its diagnostic settings (${audit.map((s) => s.name).join(", ")}) send AuditEvent to no destination vaultwatch recognizes`,
    };
  return {
    status: "blind-spot",
    reason: `it sends AuditEvent only to ${destinations.join(", ")}, which vaultwatch does not read`,
  };
}

/**
 * A destination as an operator finds it in the portal: its kind and name. An event hub setting
 * names its namespace's authorization rule (".../namespaces/<ns>/authorizationrules/<rule>"), not
 * the hub: the hub is `eventHubName`, or one per category that Azure picks when it is absent
 * (Diagnostic Settings - Create Or Update, api-version 2021-05-01-preview).
 */
export function describeDestination(id: string, eventHubName?: string): string {
  const d = normalizeId(id);
  const storage = /\/providers\/microsoft\.storage\/storageaccounts\/([^/]+)$/.exec(d);
  if (storage) return `storage account ${storage[1]}`;
  const hub = /\/providers\/microsoft\.(?:eventhub|servicebus)\/namespaces\/([^/]+)\//.exec(d);
  if (hub)
    return eventHubName
      ? `event hub ${eventHubName} in namespace ${hub[1]}`
      : `event hub namespace ${hub[1]} (a hub per category)`;
  return `${d.split("/providers/")[1]?.split("/")[0] ?? "resource"} ${lastSegment(d)}`;
}

/** The finding for a blind spot; undefined when covered. */
export function blindSpotFinding(
  vaultId: string,
  verdict: CoverageVerdict,
  now: Date,
  discovered: boolean,
): ControlPlaneFinding | undefined {
  if (verdict.status === "covered") return undefined;
  return finding({
    kind: "blind-spot",
    subject: { vaultResourceId: vaultId },
    hypothesis: undefined,
    // Nothing about this vault can alert: worse than one failing check, short of an outage.
    severityHint: "SEV-3",
    summary: `vault ${lastSegment(vaultId)} is a blind spot: ${verdict.reason}`,
    evidence: [
      verdict.reason,
      `add a diagnostic setting on the vault that sends the AuditEvent category (or the audit category group) to a workspace vaultwatch reads`,
      ...(discovered ? ["found by Resource Graph discovery"] : []),
    ],
    observedAt: now,
  });
}

/** Coverage of many vaults at once; a vault whose settings could not be read is left out (unknown, not covered). */
export function coverage(
  vaults: readonly string[],
  settingsByVault: ReadonlyMap<string, readonly DiagnosticSettingView[]>,
  workspaces: readonly string[],
  now: Date,
  discovered: ReadonlySet<string> = new Set(),
): { verdicts: Map<string, CoverageVerdict>; findings: ControlPlaneFinding[] } {
  const verdicts = new Map<string, CoverageVerdict>();
  const findings: ControlPlaneFinding[] = [];
  for (const v of vaults) {
    const settings = settingsByVault.get(v);
    if (!settings) continue;
    const verdict = assessCoverage(settings, workspaces);
    verdicts.set(v, verdict);
    const f = blindSpotFinding(v, verdict, now, discovered.has(v));
    if (f) findings.push(f);
  }
  return { verdicts, findings };
}
