import type { MonitorSpec, SloSpecV1 } from "./spec/monitor-spec.js";
import type { SignalRow } from "./signals/signal-set.js";
import { evaluateSlo, type Guards, type SloEvaluation, type WindowCounts } from "./slo/burn-rate.js";
import { WINDOW_NAMES } from "./slo/windows.js";

type WindowsRow = SignalRow<"slo-windows">;
type PeriodRow = SignalRow<"slo-period">;

/** One configured SLO's standing this tick, for health and the tick report. */
export interface SloReport {
  name: string;
  kind: SloSpecV1["kind"];
  objective: number;
  periodDays: number;
  /** "no-signal": the SLO's signal did not answer (or matched nothing), so nothing is known. */
  status: "firing" | "burning-within-budget" | "no-data" | "no-signal";
  evaluation: SloEvaluation | undefined;
}

/** Window counts of the rows an SLO covers, summed (an app's calls to several targets add up). */
export function windowCountsOf(rows: readonly WindowsRow[]): WindowCounts {
  return Object.fromEntries(
    WINDOW_NAMES.map((w) => {
      const bad = rows.reduce((n, r) => n + r.counts[`bad${w}`], 0);
      const total = rows.reduce((n, r) => n + r.counts[`total${w}`], 0);
      return [w, { bad, total }];
    }),
  ) as WindowCounts;
}

/** Period sums of the rows an SLO covers for its period, or undefined when not asked yet. */
export function periodCountsOf(
  rows: readonly PeriodRow[],
  periodDays: number,
): { bad: number; total: number } | undefined {
  const has = rows.some((r) => r.counts[`total${periodDays}d`] !== undefined);
  if (!has) return undefined;
  return {
    bad: rows.reduce((n, r) => n + (r.counts[`bad${periodDays}d`] ?? 0), 0),
    total: rows.reduce((n, r) => n + (r.counts[`total${periodDays}d`] ?? 0), 0),
  };
}

/** The rows an SLO is about: its identity on its vault, or its app's calls to its target(s). */
export function rowsFor<R extends WindowsRow | PeriodRow>(
  slo: SloSpecV1,
  rows: readonly R[],
  identityMatches: (row: R, identity: string) => boolean,
): R[] {
  if (slo.kind === "identity-vault") {
    const vault = slo.vault.toLowerCase();
    return rows.filter((r) => {
      const d = r.dims;
      if (d.subject !== "identity-vault") return false;
      const vaultOk = d.vaultResourceId === vault || d.vaultResourceId.endsWith(`/vaults/${vault}`);
      return vaultOk && identityMatches(r, slo.identity.toLowerCase());
    });
  }
  return rows.filter((r) => {
    const d = r.dims;
    if (d.subject !== "app-dependency") return false;
    return (
      d.appRoleName.toLowerCase() === slo.app.toLowerCase() &&
      (slo.targetKind === undefined || d.targetKind === slo.targetKind) &&
      (slo.target === undefined || d.target.toLowerCase() === slo.target.toLowerCase())
    );
  });
}

/** Evaluates every configured SLO from the tick's SLO signals. */
export function reportSlos(
  spec: MonitorSpec,
  windows: readonly WindowsRow[] | undefined,
  period: readonly PeriodRow[] | undefined,
  identityMatches: (row: WindowsRow | PeriodRow, identity: string) => boolean,
): SloReport[] {
  return spec.slos.map((slo) => {
    const base = { name: slo.name, kind: slo.kind, objective: slo.objective, periodDays: slo.period };
    if (!windows) return { ...base, status: "no-signal", evaluation: undefined };
    const matched = rowsFor(slo, windows, identityMatches);
    if (matched.length === 0) return { ...base, status: "no-data", evaluation: undefined };
    const guards: Guards = spec.guards;
    const evaluation = evaluateSlo(
      { name: slo.name, objective: slo.objective, periodDays: slo.period },
      windowCountsOf(matched),
      period ? periodCountsOf(rowsFor(slo, period, identityMatches), slo.period) : undefined,
      guards,
    );
    const status = evaluation.kind === "no-data" ? "no-data" : evaluation.fired ? "firing" : "burning-within-budget";
    return { ...base, status, evaluation };
  });
}
