import { burnFactor, maxBurn, TIERS, type Tier, type WindowName } from "./windows.js";

/** Bad and total events over each window, summed in Kusto (ratios are sums over sums). */
export type WindowCounts = Record<WindowName, { bad: number; total: number }>;

export interface SloSpec {
  name: string;
  /** Percent, e.g. 99.9. */
  objective: number;
  periodDays: number;
}

export interface Guards {
  /** Fewer events than this in a window and the window cannot fire (GitLab's minimum samples). */
  minEventsPerWindow: number;
  /** Fewer bad events than this in the long window and the tier cannot fire. */
  minBadEvents: number;
  /** Wilson score confidence: the lower bound of the error ratio must exceed the threshold. */
  confidence: number;
}

/**
 * Defaults: GitLab pages on ≥3 errors for low-frequency work; 98% Wilson as in its runbooks
 * (gitlab-com/runbooks, docs/metrics-catalog/service-level-monitoring.md). 20 events per window is
 * this project's choice: GitLab's 3,600 suits busy web services, but a Key Vault caller makes tens
 * to hundreds of calls an hour and would never be judged; 20 keeps a window of one or two calls
 * from deciding anything (docs/reference/slo-alerting.md).
 */
export const DEFAULT_GUARDS: Guards = { minEventsPerWindow: 20, minBadEvents: 3, confidence: 0.98 };

export interface TierResult {
  tier: Tier["name"];
  action: Tier["action"];
  burnThreshold: number;
  longBurn: number;
  shortBurn: number;
  fired: boolean;
  /** Why it did not fire although the burn was high: too few events, or not significant. */
  heldBack: string | undefined;
}

export type SloEvaluation =
  | {
      kind: "evaluated";
      slo: string;
      fired: TierResult | undefined;
      tiers: TierResult[];
      /** Of the period's budget: 1 = untouched, 0 = spent, negative = overspent; undefined without period counts. */
      budgetRemaining: number | undefined;
      /** Hours until the budget is gone at the current one-hour burn; undefined when not burning. */
      hoursToExhaustion: number | undefined;
    }
  /** Not enough traffic in any window to say anything: an outcome of its own, never "healthy". */
  | { kind: "no-data"; slo: string; reason: string };

/**
 * Evaluates one SLO against its window counts. A tier fires when both windows burn above its
 * threshold, each window has enough events, and the Wilson lower bound of the long window's error
 * ratio is still above the threshold ratio. Page tiers come first: the most urgent fired tier wins.
 */
export function evaluateSlo(
  slo: SloSpec,
  counts: WindowCounts,
  period?: { bad: number; total: number },
  guards: Guards = DEFAULT_GUARDS,
): SloEvaluation {
  const budget = 1 - slo.objective / 100;
  const ratio = (w: WindowName) => (counts[w].total === 0 ? 0 : counts[w].bad / counts[w].total);
  if (Object.values(counts).every((c) => c.total === 0)) {
    return { kind: "no-data", slo: slo.name, reason: "no requests in any window" };
  }
  const tiers = TIERS.map((tier): TierResult => {
    const burnThreshold = burnFactor(tier, slo.periodDays);
    const longBurn = ratio(tier.long) / budget;
    const shortBurn = ratio(tier.short) / budget;
    const burning = longBurn > burnThreshold && shortBurn > burnThreshold;
    let heldBack: string | undefined;
    if (burning) {
      const long = counts[tier.long];
      const short = counts[tier.short];
      if (long.total < guards.minEventsPerWindow || short.total < guards.minEventsPerWindow) {
        heldBack = `too few requests (${long.total} over ${tier.long}, ${short.total} over ${tier.short}; at least ${guards.minEventsPerWindow} needed)`;
      } else if (long.bad < guards.minBadEvents) {
        heldBack = `too few failures (${long.bad} over ${tier.long}; at least ${guards.minBadEvents} needed)`;
      } else if (wilsonLower(long.bad, long.total, guards.confidence) <= burnThreshold * budget) {
        heldBack = `not significant at ${guards.confidence * 100}% confidence with ${long.total} requests`;
      }
    }
    return {
      tier: tier.name,
      action: tier.action,
      burnThreshold,
      longBurn,
      shortBurn,
      fired: burning && heldBack === undefined,
      heldBack,
    };
  });
  const budgetRemaining = period && period.total > 0 ? 1 - period.bad / (period.total * budget) : undefined;
  const hourBurn = ratio("1h") / budget;
  // At burn b, the whole budget lasts period / b; what remains lasts that times the remainder.
  const hoursToExhaustion =
    budgetRemaining !== undefined && hourBurn > 1
      ? Math.max(0, (budgetRemaining * slo.periodDays * 24) / hourBurn)
      : undefined;
  return {
    kind: "evaluated",
    slo: slo.name,
    fired: tiers.find((t) => t.fired),
    tiers,
    budgetRemaining,
    hoursToExhaustion,
  };
}

/**
 * The Wilson score interval's lower bound for a binomial proportion (bad of total), two-sided at
 * `confidence`. GitLab uses it at 98% so that a handful of errors on low traffic does not page.
 */
export function wilsonLower(bad: number, total: number, confidence: number): number {
  if (total === 0) return 0;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = bad / total;
  const z2 = z * z;
  const centre = p + z2 / (2 * total);
  const margin = z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return Math.max(0, (centre - margin) / (1 + z2 / total));
}

/** Inverse standard normal CDF (Acklam's rational approximation; relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/** Tiers that can never fire for an objective: their burn exceeds the maximum possible. */
export function unreachableTiers(slo: SloSpec): { tier: Tier["name"]; needed: number; possible: number }[] {
  const possible = maxBurn(slo.objective);
  return TIERS.map((t) => ({ tier: t.name, needed: burnFactor(t, slo.periodDays), possible })).filter(
    (t) => t.needed > t.possible,
  );
}
