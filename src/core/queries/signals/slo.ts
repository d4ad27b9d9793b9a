import type { AppInsightsMode } from "./app-insights.js";
import { dependencySource } from "./app-insights.js";
import type { KeyVaultAuditTable } from "./kv-requests.js";
import { kvSource } from "./kv-requests.js";
import type { Leg } from "./leg.js";
import { project } from "./leg.js";
import { LONGEST_WINDOW, WINDOW_NAMES, type WindowName } from "../../slo/windows.js";

/**
 * Error-budget legs. Ratios are sums over sums, computed in Kusto: bad and total events over each
 * alerting window (5m … 3d, ending at the data horizon sloEnd) every tick, and over each SLO period (hourly).
 * An identity→vault request is bad when Key Vault answered 401, 403 (but for a refused object
 * state), 429 or 5xx; an app→dependency call is bad when it failed for any reason.
 */

const windowCounts = (bad: string, total: string): [Record<string, string>, string[]] => {
  const counts: Record<string, string> = {};
  const lines: string[] = [];
  for (const w of WINDOW_NAMES) {
    // The source starts at the longest window (sloStart), so that one needs no filter of its own.
    const inWindow = w === LONGEST_WINDOW ? "true" : `Age <= ${w}`;
    lines.push(`    Bad${w} = ${bad.replace("$IN", inWindow)}, Total${w} = ${total.replace("$IN", inWindow)}`);
    counts[`bad${w}`] = `Bad${w}`;
    counts[`total${w}`] = `Total${w}`;
  }
  return [counts, lines];
};

const periodCounts = (periods: readonly number[], bad: string, total: string): [Record<string, string>, string[]] => {
  const counts: Record<string, string> = {};
  const lines = periods.map((d) => {
    counts[`bad${d}d`] = `Bad${d}d`;
    counts[`total${d}d`] = `Total${d}d`;
    const inPeriod = `TimeGenerated >= sloEnd - ${d}d`;
    return `    Bad${d}d = ${bad.replace("$IN", inPeriod)}, Total${d}d = ${total.replace("$IN", inPeriod)}`;
  });
  return [counts, lines];
};

const KV_DIMS = (table: KeyVaultAuditTable) => ({
  subject: '"identity-vault"',
  vaultResourceId: "VaultResourceId",
  callerObjectId: "CallerObjectId",
  callerAppId: "CallerAppId",
  callerResourceId: "CallerResourceId",
  source: `"${table}"`,
});
const KV_BY = "by VaultResourceId = tolower(_ResourceId), CallerObjectId, CallerAppId, CallerResourceId";
// A 403 that refused an object's state (disabled, expired: Refusal in kvSource) is the caller's
// business, like a 404, and does not spend the identity's error budget.
const KV_BAD =
  '| extend Bad = Status in (401, 429) or Status >= 500 or (Status == 403 and Refusal != "state"), Age = sloEnd - TimeGenerated';

/** Window sums per vault and caller, for identity→vault SLOs. */
export function kvSloWindowsLeg(table: KeyVaultAuditTable): Leg {
  const [counts, lines] = windowCounts("countif(Bad and $IN)", "countif($IN)");
  return {
    signal: "slo-windows",
    table,
    source: kvSource(table, "sloStart", "sloEnd"),
    aggregate: [
      KV_BAD,
      "| summarize",
      lines.join(",\n"),
      `    ${KV_BY}`,
      project("slo-windows", KV_DIMS(table), counts, { binStart: "sloEnd" }),
    ].join("\n"),
  };
}

/** Period sums per vault and caller, one pair per configured SLO period. */
export function kvSloPeriodLeg(table: KeyVaultAuditTable, periods: readonly number[]): Leg {
  const [counts, lines] = periodCounts(periods, "countif(Bad and $IN)", "countif($IN)");
  return {
    signal: "slo-period",
    table,
    source: kvSource(table, "periodStart", "sloEnd"),
    aggregate: [
      KV_BAD,
      "| summarize",
      lines.join(",\n"),
      `    ${KV_BY}`,
      project("slo-period", KV_DIMS(table), counts, { binStart: "sloEnd" }),
    ].join("\n"),
  };
}

const DEP_DIMS = {
  subject: '"app-dependency"',
  appRoleName: "AppRoleName",
  targetKind: "TargetKind",
  target: "Target",
};
const DEP_BY = "by AppRoleName, TargetKind, Target";
const DEP_BAD = '| extend Bad = Failure != "", Age = sloEnd - When';

/** Window sums per app and target, for app→dependency SLOs. */
export function dependencySloWindowsLeg(mode: AppInsightsMode): Leg {
  const [counts, lines] = windowCounts("sumif(Items, Bad and $IN)", "sumif(Items, $IN)");
  return {
    signal: "slo-windows",
    table: mode === "classic" ? "dependencies" : "AppDependencies",
    source: dependencySource(mode, "sloStart", "sloEnd"),
    aggregate: [
      DEP_BAD,
      "| summarize",
      lines.join(",\n"),
      `    ${DEP_BY}`,
      project("slo-windows", DEP_DIMS, counts, { binStart: "sloEnd" }),
    ].join("\n"),
  };
}

/** Period sums per app and target. */
export function dependencySloPeriodLeg(mode: AppInsightsMode, periods: readonly number[]): Leg {
  const [counts, lines] = periodCounts(periods, "sumif(Items, Bad and $IN)", "sumif(Items, $IN)");
  return {
    signal: "slo-period",
    table: mode === "classic" ? "dependencies" : "AppDependencies",
    source: dependencySource(mode, "periodStart", "sloEnd"),
    aggregate: [
      DEP_BAD,
      "| summarize",
      lines.map((l) => l.replaceAll("TimeGenerated", "When")).join(",\n"),
      `    ${DEP_BY}`,
      project("slo-period", DEP_DIMS, counts, { binStart: "sloEnd" }),
    ].join("\n"),
  };
}

export type { WindowName };
