import type {
  BaselineOpinion,
  CallerOnVault,
  Evaluation,
  KvRequestBin,
  Policy,
  RequestRuleId,
  SeriesKey,
  Subject,
  Trigger,
  WindowCounts,
} from "./model/index.js";
import { BURST_GAP_BINS, type SeriesHistory, type UsualBurst } from "./baselines/index.js";
import { seriesId } from "./model/signals.js";
import { callerOnVault } from "./model/subject.js";
import { fingerprint } from "./model/incidents.js";
import { addCounts, deniedOf, emptyCounts } from "./signals/request-counts.js";
import { MINUTE_MS } from "./common/duration.js";
import { severityFor } from "./model/severity.js";

export { seriesId };
import { type AppCall, appFor } from "./model/spec-lookup.js";
import { evaluateSlo, type SloSpec, type WindowCounts as SloWindowCounts } from "./slo/burn-rate.js";
import { TIERS } from "./slo/windows.js";
import type { AppSpec } from "./spec/monitor-spec.js";

export const RULES: readonly RequestRuleId[] = ["kv-auth-denied", "kv-throttled"];

/** The failures each rule counts in a bin. */
const FAILURES: Record<RequestRuleId, (b: KvRequestBin) => number> = {
  "kv-auth-denied": (b) => deniedOf(b.counts),
  "kv-throttled": (b) => b.counts.throttled,
};

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

/**
 * Calls that carried no token (no object or app ID in the log). An SDK client's first calls after
 * a deploy or cold start go out before its token is ready and fail with 401 for a bin or two; an
 * app that has lost its identity keeps failing. Every such call fails, so their failure ratio
 * tells nothing apart: what decides is the burst — failing bins at most BURST_GAP_BINS apart
 * (baselines/bursts.ts), over the bins read this tick — against the burst the vault's calls
 * without a token usually have, learned from the history's 5-minute bins. Never on one bin: a
 * cold start's early calls fit in one. Since such calls can never succeed, their quiet is their
 * recovery.
 */
export const TOKENLESS_MIN_FAILING_BINS = 2;

/**
 * A burst this many times the usual one's failures is unusual whatever its length: more of the
 * app's instances, or all of its calls, going out without a token. Chosen: twice, as the usual
 * burst's failures already count whole hours (the history's resolution), an upper bound.
 */
export const TOKENLESS_LARGER_FACTOR = 2;

/**
 * The most failing bins a usual burst excuses: the window's bins less one. The query reads the
 * window plus one bin (composition.ts), of which the newest has rarely arrived (resource logs
 * take 3 minutes and more), so an app that has lost its identity shows every bin of the window
 * failing — three for the default 15 minutes — and still pages on the third, 10 to 15 minutes
 * after its first failure, however long its deploys' bursts usually last.
 */
export function maxExcusedBins(policy: Pick<Policy, "windowMinutes" | "binMinutes">): number {
  return Math.max(TOKENLESS_MIN_FAILING_BINS - 1, Math.floor(policy.windowMinutes / policy.binMinutes) - 1);
}

function isTokenless(key: Pick<SeriesKey, "callerObjectId" | "callerAppId">): boolean {
  return !key.callerObjectId && !key.callerAppId;
}

/** The rule's burst that reaches into the window: failing bins at most BURST_GAP_BINS apart, back from the latest. */
export function currentBurst(
  rule: RequestRuleId,
  bins: readonly KvRequestBin[],
  windowFrom: Date,
  now: Date,
  binMinutes: number,
): { bins: number; failures: number } {
  const binMs = binMinutes * MINUTE_MS;
  const failing = bins
    .filter((b) => b.binStart.getTime() <= now.getTime() && FAILURES[rule](b) > 0)
    .sort((a, b) => b.binStart.getTime() - a.binStart.getTime());
  const latest = failing[0];
  // A burst whose last failure is older than the window is over.
  if (!latest || latest.binStart.getTime() + binMs <= windowFrom.getTime()) return { bins: 0, failures: 0 };
  let count = 0;
  let failures = 0;
  let later = latest.binStart.getTime();
  for (const b of failing) {
    if ((later - b.binStart.getTime()) / binMs - 1 > BURST_GAP_BINS) break;
    count++;
    failures += FAILURES[rule](b);
    later = b.binStart.getTime();
  }
  return { bins: count, failures };
}

/**
 * Whether calls without a token fail for longer, or in greater number, than they usually do:
 * at least TOKENLESS_MIN_FAILING_BINS bins, and, when the history shows a usual burst, more bins
 * than it (up to maxExcusedBins) or more than TOKENLESS_LARGER_FACTOR times its failures.
 */
function unusualBurst(
  burst: { bins: number; failures: number },
  usual: UsualBurst | undefined,
  policy: Policy,
): boolean {
  if (burst.bins < TOKENLESS_MIN_FAILING_BINS) return false;
  if (!usual) return true;
  const excused = Math.min(Math.max(usual.bins, TOKENLESS_MIN_FAILING_BINS - 1), maxExcusedBins(policy));
  return burst.bins > excused || burst.failures > TOKENLESS_LARGER_FACTOR * usual.failures;
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

/**
 * A firing finding whose diagnosis says a first-ever grant is still propagating (no earlier access
 * in the history, no earlier role assignment: diagnosis/rules/propagation.ts propagationOf). Its
 * failures are the wait the playbooks prescribe ("allow 5-10 minutes, then re-test"), not an
 * incident: held below the rule — no incident opens, nothing is sent — for as long as the
 * diagnosis says so, while the window is open and after it when the failures stopped inside it.
 * Failures that go on past the window are not explained by it: the diagnosis stops saying so, and
 * the finding opens and escalates as any other.
 */
export function holdWhilePropagating<S extends Subject>(ev: Evaluation<S>): Evaluation<S> {
  if (ev.kind !== "firing") return ev;
  const p = ev.diagnosis?.propagation;
  if (!p?.firstGrant) return ev;
  return {
    kind: "settling",
    rule: ev.rule,
    subject: ev.subject,
    fingerprint: ev.fingerprint,
    counts: ev.counts,
    propagating: { retestAt: p.retestAt, text: p.text },
  };
}
