/**
 * Multiwindow, multi-burn-rate alerting tiers, after the SRE Workbook (ch. 5, "Alerting on SLOs",
 * sre.google/workbook/alerting-on-slos/: Table 5-8 and the chapter's final example rule). Each
 * tier fires when the error ratio over BOTH its long and its short window exceeds
 * `burn × (1 − objective)`. The short window is 1/12 of the long one, so an alert stops soon after
 * the errors do.
 *
 * Tiers are defined by the share of the period's budget they spend, not by a fixed burn rate, so
 * they scale to any SLO period (Sloth's getBurnRateFactor, internal/alert/window.go in slok/sloth):
 *   burn = budgetPercent / 100 × periodHours / longWindowHours
 * For a 30-day period this gives the Workbook's 14.4 / 6 / 3 / 1.
 */

/**
 * The alerting windows and their lengths in minutes: the long and short window of every tier in
 * TIERS below, shortest first. The one list of them: the SLO signal's columns (bad5m, total5m, …),
 * its query and the burn-rate evaluation all read it.
 */
export const WINDOW_MINUTES = {
  "5m": 5,
  "30m": 30,
  "1h": 60,
  "2h": 120,
  "6h": 360,
  "1d": 1440,
  "3d": 4320,
} as const;

export type WindowName = keyof typeof WINDOW_MINUTES;

/** The windows' names, shortest first. */
export const WINDOW_NAMES = Object.keys(WINDOW_MINUTES) as WindowName[];

/** The longest window: the SLO window sums read this far back, and no further. */
export const LONGEST_WINDOW: WindowName = WINDOW_NAMES.reduce((a, b) =>
  WINDOW_MINUTES[b] > WINDOW_MINUTES[a] ? b : a,
);

export interface Tier {
  name: "page-fast" | "page-slow" | "ticket-fast" | "ticket-slow";
  action: "page" | "ticket";
  long: WindowName;
  short: WindowName;
  /** Share of the period's error budget spent over the long window when the tier fires. */
  budgetPercent: number;
}

/** Workbook Table 5-8 plus the 1d/2h ticket pair of its final example rule (and Sloth's default). */
export const TIERS: readonly Tier[] = [
  { name: "page-fast", action: "page", long: "1h", short: "5m", budgetPercent: 2 },
  { name: "page-slow", action: "page", long: "6h", short: "30m", budgetPercent: 5 },
  { name: "ticket-fast", action: "ticket", long: "1d", short: "2h", budgetPercent: 10 },
  { name: "ticket-slow", action: "ticket", long: "3d", short: "6h", budgetPercent: 10 },
];

/** The burn rate a tier needs for an SLO period, e.g. 14.4 for page-fast over 30 days. */
export function burnFactor(tier: Tier, periodDays: number): number {
  return ((tier.budgetPercent / 100) * periodDays * 24 * 60) / WINDOW_MINUTES[tier.long];
}

/** The highest burn rate possible: every request failing. 99.9% → 1000, 99% → 100, 90% → 10. */
export function maxBurn(objectivePercent: number): number {
  return 1 / (1 - objectivePercent / 100);
}
