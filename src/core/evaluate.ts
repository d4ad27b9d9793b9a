import type {
  BaselineOpinion,
  CallerOnVault,
  Evaluation,
  KvRequestBin,
  Policy,
  RequestRuleId,
  Trigger,
  WindowCounts,
} from "./model/index.js";
import type { SeriesHistory } from "./baselines/index.js";
import { FAILURES } from "./rule-failures.js";
import { currentBurst, isTokenless, unusualBurst } from "./tokenless-bursts.js";
import { seriesId } from "./model/signals.js";
import { callerOnVault } from "./model/subject.js";
import { fingerprint } from "./model/incidents.js";
import { addCounts, emptyCounts } from "./signals/request-counts.js";
import { MINUTE_MS } from "./common/duration.js";
import { severityFor } from "./model/severity.js";

export { seriesId };
import { type AppCall, appFor } from "./model/spec-lookup.js";
import { evaluateSlo, type SloSpec, type WindowCounts as SloWindowCounts } from "./slo/burn-rate.js";
import { TIERS } from "./slo/windows.js";
import type { AppSpec } from "./spec/monitor-spec.js";

export const RULES: readonly RequestRuleId[] = ["kv-auth-denied", "kv-throttled"];

export interface Series {
  id: string;
  /** The caller on the vault: what its evaluations are about. */
  key: CallerOnVault;
  bins: KvRequestBin[];
}

/**
 * Groups rows into one series per vault and caller. The app ID and managed-identity resource ID
 * are attributes of the caller, not part of its identity: take the first non-empty value seen.
 */
export function groupSeries(rows: readonly KvRequestBin[]): Series[] {
  const byId = new Map<string, Series>();
  for (const row of rows) {
    const id = seriesId(row);
    let s = byId.get(id);
    if (!s) {
      s = {
        id,
        key: callerOnVault({
          vaultResourceId: row.vaultResourceId.toLowerCase(),
          callerObjectId: row.callerObjectId.toLowerCase(),
          callerAppId: row.callerAppId.toLowerCase(),
          callerResourceId: row.callerResourceId,
          auditTable: row.auditTable,
        }),
        bins: [],
      };
      byId.set(id, s);
    }
    if (!s.key.callerAppId && row.callerAppId) s.key.callerAppId = row.callerAppId.toLowerCase();
    if (!s.key.callerResourceId && row.callerResourceId) s.key.callerResourceId = row.callerResourceId;
    const same = s.bins.find((b) => b.binStart.getTime() === row.binStart.getTime());
    if (same) mergeInto(same, row);
    else s.bins.push({ ...row, operations: [...row.operations] });
  }
  return [...byId.values()];
}

/** Rows of one caller that differ only in a logged attribute describe the same bin. */
function mergeInto(target: KvRequestBin, row: KvRequestBin): void {
  target.counts = addCounts(target.counts, row.counts);
  target.operations = [...new Set([...target.operations, ...row.operations])];
}

/** Sums the bins that overlap `[from, to]` for one rule. */
export function countWindow(
  rule: RequestRuleId,
  bins: readonly KvRequestBin[],
  from: Date,
  to: Date,
  binMinutes: number,
): WindowCounts {
  const failuresOf = FAILURES[rule];
  let requests = emptyCounts();
  let failures = 0;
  let currentFailurePercent = 0;
  let firstFailureAt: Date | undefined;
  let lastFailureAt: Date | undefined;
  let lastFailingBinStart: Date | undefined;
  const ops = new Set<string>();
  let latestStart = -Infinity;
  for (const b of bins) {
    const start = b.binStart.getTime();
    const end = start + binMinutes * MINUTE_MS;
    if (end <= from.getTime() || start > to.getTime()) continue;
    requests = addCounts(requests, b.counts);
    const binFailures = failuresOf(b);
    failures += binFailures;
    if (b.counts.total > 0 && start >= latestStart) {
      // Bins are unique per series, so the latest one with requests is the current share.
      latestStart = start;
      currentFailurePercent = (binFailures / b.counts.total) * 100;
    }
    if (binFailures > 0) {
      for (const o of b.operations) ops.add(o);
      if (!firstFailureAt || start < firstFailureAt.getTime()) firstFailureAt = new Date(start);
      // The bin's end (or now, for the current bin) is a time by which its failures had all
      // happened: "no failures since" on a card. Its start is the earliest the last of them can
      // have been: what a propagation window is compared with (WindowCounts.lastFailingBinStart).
      const lastAt = Math.min(end, to.getTime());
      if (!lastFailureAt || lastAt > lastFailureAt.getTime()) lastFailureAt = new Date(lastAt);
      if (!lastFailingBinStart || start > lastFailingBinStart.getTime()) lastFailingBinStart = new Date(start);
    }
  }
  return {
    ...requests,
    failures,
    // A ratio of sums over the window, never an average of per-bin ratios.
    failurePercent: requests.total === 0 ? 0 : (failures / requests.total) * 100,
    currentFailurePercent,
    operations: [...ops].sort(),
    firstFailureAt,
    lastFailureAt,
    lastFailingBinStart,
  };
}

/** What else is known about a series this tick, besides its own bins. */
export interface SeriesContext {
  /** The series' identity→vault SLO with its window (and period) sums, when configured. */
  slo?: { spec: SloSpec; windows: SloWindowCounts; period: { bad: number; total: number } | undefined } | undefined;
  /** The series' baseline opinion on this window's failures, when a baseline exists. */
  baseline?: BaselineOpinion | undefined;
  /** What the history says beyond the ratio: access before, usual bursts (baselines/series-history.ts). */
  history?: SeriesHistory | undefined;
  /** The apps' dependency calls this tick: which app, of several sharing the identity, calls this vault (appFor). */
  calls?: readonly AppCall[] | undefined;
  /**
   * For calls without a token (no caller logged): the app they are attributed to by its own
   * telemetry (core/tokenless-attribution.ts), whose criticality and fallback decide the severity.
   */
  app?: AppSpec | undefined;
}

/**
 * Judges one series under one rule at `now`. It fires on an SLO tier burning (denials only), on a
 * baseline calling the window anomalous, or — while there is no warm baseline — on the static
 * floor (count and share). A warm baseline that calls the window normal keeps the floor quiet:
 * a caller that always fails a little is not an incident.
 */
export function evaluate(
  rule: RequestRuleId,
  series: Series,
  now: Date,
  policy: Policy,
  context: SeriesContext = {},
): Evaluation<CallerOnVault> {
  const windowFrom = new Date(now.getTime() - policy.windowMinutes * MINUTE_MS);
  const counts = countWindow(rule, series.bins, windowFrom, now, policy.binMinutes);
  const key = series.key;
  const id = fingerprint(rule, key);
  const triggers: Trigger[] = [];

  const tokenless = isTokenless(key);
  // Every call without a token fails: a ratio baseline can neither call that normal nor unusual.
  const baseline = tokenless ? undefined : context.baseline;
  const sustained =
    !tokenless ||
    unusualBurst(
      currentBurst(rule, series.bins, windowFrom, now, policy.binMinutes),
      context.history?.usualBurst,
      policy,
    );
  if (baseline?.kind === "anomalous" && sustained) {
    triggers.push({
      kind: "baseline",
      expectedRatio: baseline.expectedRatio,
      observedRatio: baseline.observedRatio,
      pValue: baseline.pValue,
      text: baseline.text,
    });
  }
  const aboveFloor = counts.failures >= policy.minFailures && counts.failurePercent >= policy.minFailurePercent;
  if (aboveFloor && sustained && baseline?.kind !== "normal" && baseline?.kind !== "anomalous") {
    triggers.push({
      kind: "threshold",
      failures: counts.failures,
      failurePercent: counts.failurePercent,
      baseline: baseline ? "cold" : "none",
    });
  }
  let sloAction: "page" | "ticket" | undefined;
  if (rule === "kv-auth-denied" && context.slo) {
    const e = evaluateSlo(context.slo.spec, context.slo.windows, context.slo.period, policy.spec.guards);
    if (e.kind === "evaluated" && e.fired) {
      const tier = TIERS.find((t) => t.name === e.fired!.tier)!;
      sloAction = e.fired.action;
      triggers.push({
        kind: "slo",
        slo: e.slo,
        tier: e.fired.tier,
        action: e.fired.action,
        longWindow: tier.long,
        shortWindow: tier.short,
        longBurn: e.fired.longBurn,
        shortBurn: e.fired.shortBurn,
        burnThreshold: e.fired.burnThreshold,
        budgetRemaining: e.budgetRemaining,
        hoursToExhaustion: e.hoursToExhaustion,
      });
    }
  }

  if (triggers.length > 0 && counts.failures > 0) {
    const app = context.app ?? appFor(key, policy.spec, policy.criticalIdentities, context.calls);
    // Calls without a token are known by the app they were attributed to (core/tokenless-attribution.ts).
    const subject = context.app && tokenless ? { ...key, attributedApp: context.app.name } : key;
    const decision = severityFor({
      rule,
      counts,
      critical: app?.critical ?? false,
      hasFallback: app?.hasFallback ?? false,
      sloAction,
    });
    return {
      kind: "firing",
      rule,
      subject,
      fingerprint: id,
      counts,
      severity: decision.severity,
      severityReason: decision.reason,
      triggers,
      ...(context.history ? { accessBefore: context.history.accessBefore } : {}),
    };
  }
  const confirmFrom = new Date(now.getTime() - policy.resolveAfterMinutes * MINUTE_MS);
  const confirm = countWindow(rule, series.bins, confirmFrom, now, policy.binMinutes);
  // Silence is not recovery from a denial (the app may have given up), but it is from throttling:
  // a 429 answers load, and a caller that sends none has none to throttle (a batch job that
  // finished). Calls without a token can never succeed, so their quiet is their recovery too.
  if (confirm.total === 0)
    return tokenless || rule === "kv-throttled"
      ? { kind: "recovered", rule, subject: key, fingerprint: id, counts, successesInConfirmation: 0 }
      : { kind: "no-traffic", rule, subject: key, fingerprint: id };
  // Recovery needs evidence, not silence: calls succeeding and none failing for the whole period.
  if (confirm.failures === 0 && confirm.succeeded > 0) {
    return {
      kind: "recovered",
      rule,
      subject: key,
      fingerprint: id,
      counts,
      successesInConfirmation: confirm.succeeded,
    };
  }
  return { kind: "settling", rule, subject: key, fingerprint: id, counts };
}
