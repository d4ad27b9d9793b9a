import type { AppInsightsMode } from "./signals/app-insights.js";
import {
  credentialExceptionsLeg,
  credentialTracesLeg,
  dependencyCallsLeg,
  invocationsLeg,
} from "./signals/app-insights.js";
import { APP_INSIGHTS_NEEDS, type AppInsightsNeed } from "./app-insights-needs.js";
import { changesLeg } from "./signals/changes.js";
import { groupMembershipLeg } from "./signals/group-membership.js";
import { hostStartupLeg } from "./signals/host-startup.js";
import { kvRequestsLeg, type KeyVaultAuditTable } from "./signals/kv-requests.js";
import type { Leg } from "./signals/leg.js";
import { kqlMinutes } from "./kql.js";
import type { SignalName } from "../signals/signal-set.js";
import { dependencySloPeriodLeg, dependencySloWindowsLeg, kvSloPeriodLeg, kvSloWindowsLeg } from "./signals/slo.js";
import { kvHistoryLeg } from "./signals/history.js";
import { vaultCoverageLeg } from "./signals/vault-coverage.js";

export interface SignalConfig {
  /** "auto" reads both Key Vault modes and prefers resource-specific rows for a vault that has both. */
  keyVaultAuditTable: KeyVaultAuditTable | "auto";
  appInsights: { mode: "workspace" } | { mode: "classic"; resourceId: string } | { mode: "none" };
  binMinutes: number;
  windowMinutes: number;
  priorHours: number;
  changesMinutes: number;
  /** SLO periods in days (empty: no SLOs, no SLO legs). */
  sloPeriods: readonly number[];
}

/** What to ask where, and why a signal is not asked at all. */
export interface SignalPlan {
  workspaceLegs: Leg[];
  /** Classic Application Insights legs run against the App Insights resource: a second request. */
  appInsightsLegs: Leg[];
  unavailable: Partial<Record<SignalName, string>>;
  /** Signals deliberately not read this tick (read on a slower cadence): known, not failed. */
  notAsked: Partial<Record<SignalName, string>>;
}

const missing = (table: string) => `no ${table} data in the workspace in the last 24 hours`;

/**
 * Chooses the legs for the tables the workspace has, given the configuration. Pure. Period sums
 * (the whole SLO period) are only asked when `withPeriod`: the source refreshes them hourly.
 */
export function planSignals(
  config: SignalConfig,
  tables: ReadonlySet<string>,
  withPeriod = true,
  withHistory = false,
): SignalPlan {
  const bin = kqlMinutes(config.binMinutes);
  const workspaceLegs: Leg[] = [];
  const appInsightsLegs: Leg[] = [];
  const unavailable: Partial<Record<SignalName, string>> = {};
  const notAsked: Partial<Record<SignalName, string>> = {};
  if (!withHistory) notAsked["kv-history"] = "not read this tick (history is read hourly)";
  if (!withPeriod && config.sloPeriods.length > 0)
    notAsked["slo-period"] = "not read this tick (period sums are read hourly)";

  const kvTables: KeyVaultAuditTable[] =
    config.keyVaultAuditTable === "auto" ? ["AZKVAuditLogs", "AzureDiagnostics"] : [config.keyVaultAuditTable];
  const kvPresent = kvTables.filter((t) => tables.has(t));
  for (const t of kvPresent) workspaceLegs.push(kvRequestsLeg(t, bin));
  if (withHistory) for (const t of kvPresent) workspaceLegs.push(kvHistoryLeg(t));
  for (const t of kvPresent) workspaceLegs.push(vaultCoverageLeg(t));
  if (kvPresent.length === 0) {
    unavailable["kv-requests"] =
      `${missing(kvTables.join(" or "))}: does each vault have a diagnostic setting sending AuditEvent here?`;
    unavailable["vault-coverage"] = unavailable["kv-requests"];
  }

  const ai = config.appInsights;
  const priorBins = Math.max(1, Math.floor((config.priorHours * 60) / config.windowMinutes));
  // Credential errors are read from what apps log (AppTraces) and what they throw (AppExceptions).
  const aiLegs: [SignalName, (mode: AppInsightsMode) => Leg, string][] = [
    ["dependency-calls", (m) => dependencyCallsLeg(m, bin), "AppDependencies"],
    ["credential-traces", (m) => credentialTracesLeg(m, bin), "AppTraces"],
    ["credential-traces", (m) => credentialExceptionsLeg(m, bin), "AppExceptions"],
    ["invocations", (m) => invocationsLeg(m, kqlMinutes(config.windowMinutes), priorBins), "AppRequests"],
  ];
  for (const [signal, leg, table] of aiLegs) {
    if (ai.mode === "none") unavailable[signal] = "Application Insights is not configured (APP_INSIGHTS_MODE=none)";
    else if (ai.mode === "classic") appInsightsLegs.push(leg("classic"));
    else if (tables.has(table)) workspaceLegs.push(leg("workspace"));
  }
  if (ai.mode === "workspace")
    for (const [signal, needs] of Object.entries(APP_INSIGHTS_NEEDS) as [SignalName, AppInsightsNeed][])
      if (!needs.tables.some((t) => tables.has(t)))
        unavailable[signal] = `${missing(needs.tables.join(" or "))}: ${needs.fix}`;

  if (config.sloPeriods.length === 0) {
    unavailable["slo-windows"] = "no SLOs configured (MONITOR_CONFIG)";
    unavailable["slo-period"] = "no SLOs configured (MONITOR_CONFIG)";
  } else {
    for (const t of kvPresent) {
      workspaceLegs.push(kvSloWindowsLeg(t));
      if (withPeriod) workspaceLegs.push(kvSloPeriodLeg(t, config.sloPeriods));
    }
    if (ai.mode !== "none" && (ai.mode === "classic" || tables.has("AppDependencies"))) {
      const target = ai.mode === "classic" ? appInsightsLegs : workspaceLegs;
      target.push(dependencySloWindowsLeg(ai.mode));
      if (withPeriod) target.push(dependencySloPeriodLeg(ai.mode, config.sloPeriods));
    }
  }

  if (tables.has("FunctionAppLogs")) workspaceLegs.push(hostStartupLeg(bin));
  else
    unavailable["host-startup"] =
      `${missing("FunctionAppLogs")}: add a diagnostic setting for FunctionAppLogs on the function apps`;
  if (tables.has("AzureActivity")) workspaceLegs.push(changesLeg(bin));
  else unavailable.changes = `${missing("AzureActivity")}: export the subscription's activity log to this workspace`;
  // Entra ID's audit log: a role held through a group is lost with the membership (signals/group-membership.ts).
  if (tables.has("AuditLogs")) workspaceLegs.push(groupMembershipLeg(bin));
  else
    unavailable["group-membership"] =
      `${missing("AuditLogs")}: send Microsoft Entra ID's AuditLogs to this workspace (a diagnostic setting on the tenant)`;

  return { workspaceLegs, appInsightsLegs, unavailable, notAsked };
}
