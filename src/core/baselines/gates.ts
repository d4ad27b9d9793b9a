import { overdispersedUpperTail } from "./binomial.js";
import { count, percent, pText, times } from "./format.js";
import type { BaselineOptions } from "./baseline.js";

/**
 * The ratio the tests compare with: the learned ratio, but never below half a failure per typical
 * bin. A slot whose bins hold 10 calls cannot tell 0.1% from 0% (both are "no failures" in almost
 * every bin), so testing against 0.1% — or 0 — would make a single failure look astronomically
 * improbable. The floor depends on the volume per bin, not on how long the history is, so a longer
 * stretch of the same normal never tightens the verdicts.
 */
export function testedRatio(expectedRatio: number, typicalCalls: number): number {
  return Math.min(1, Math.max(expectedRatio, typicalCalls > 0 ? 0.5 / typicalCalls : 1));
}

/**
 * The least hour-to-hour variation assumed, on a log scale (±10%). It only keeps z finite for a
 * series that shows none: 3.5 × 0.1 asks for 1.4× the expected ratio, which the relative lift
 * (3×) already exceeds, so the floor never decides a verdict by itself.
 */
export const MIN_LOG_SPREAD = 0.1;

/** The numbers behind a verdict on one observed window (failures of total calls). */
export interface Measures {
  failures: number;
  total: number;
  observedRatio: number;
  tested: number;
  lift: number;
  z: number;
  pValue: number;
}

/** Which of the five conditions hold; an observation is anomalous only when all do. */
export interface Conditions {
  enoughFailures: boolean;
  aboveAbsoluteFloor: boolean;
  enoughLift: boolean;
  beyondSpread: boolean;
  improbable: boolean;
}

/**
 * An observation is anomalous only when every condition holds (ADR 0008; the sources of the
 * numbers are in docs/reference/slo-alerting.md):
 * 1. at least `minFailures` failures — low counts never page;
 * 2. a ratio of at least `absoluteRatioFloor` — 0.1% → 0.2% stays quiet however many calls;
 * 3. at least `relativeLift` times the tested ratio;
 * 4. robust z ≥ `minRobustZ`: beyond the series' usual hour-to-hour variation, the overdispersion
 *    (bursty failures) the binomial model does not know about. z is ln(observed ÷ tested) over
 *    the learned log spread (robust.ts), floored at MIN_LOG_SPREAD so a spread of 0 (MAD = 0 on
 *    mostly-zero counts) never makes a jump from 0 to 1 infinite;
 * 5. upper tail P(X ≥ failures | total, tested) ≤ `maxPValue`: improbable given sampling noise
 *    and the usual variation together — the binomial mixed over the learned spread (binomial.ts);
 *    either test alone lets the other noise through.
 * Each is monotone in the failure count at fixed traffic, so more failures never make an
 * observation less anomalous.
 */
export function measure(tested: number, spread: number, failures: number, total: number): Measures {
  const m = measureCheap(tested, spread, failures, total);
  return { ...m, pValue: total > 0 ? overdispersedUpperTail(failures, total, tested, spread) : 1 };
}

/** All but the tail probability (pValue 1), which costs a few hundred incomplete beta functions. */
function measureCheap(tested: number, spread: number, failures: number, total: number): Measures {
  const observedRatio = total > 0 ? failures / total : 0;
  const lift = tested > 0 ? observedRatio / tested : Infinity;
  // Half a failure stands in for none, so a window without failures has a finite (low) z.
  const z = Math.log(Math.max(observedRatio, 0.5 / (total + 1)) / tested) / Math.max(spread, MIN_LOG_SPREAD);
  return { failures, total, observedRatio, tested, lift, z, pValue: 1 };
}

export function conditions(m: Measures, o: BaselineOptions): Conditions {
  return {
    enoughFailures: m.failures >= o.minFailures,
    aboveAbsoluteFloor: m.observedRatio >= o.absoluteRatioFloor,
    enoughLift: m.lift >= o.relativeLift,
    beyondSpread: m.z >= o.minRobustZ,
    improbable: m.pValue <= o.maxPValue,
  };
}

export const allHold = (c: Conditions): boolean => Object.values(c).every(Boolean);

/** Whether a window would page — the tail computed only when the cheap conditions all hold. */
export function wouldPage(
  tested: number,
  spread: number,
  failures: number,
  total: number,
  o: BaselineOptions,
): boolean {
  const cheap = conditions(measureCheap(tested, spread, failures, total), o);
  return (
    cheap.enoughFailures &&
    cheap.aboveAbsoluteFloor &&
    cheap.enoughLift &&
    cheap.beyondSpread &&
    allHold(conditions(measure(tested, spread, failures, total), o))
  );
}

/** One sentence per condition, in the order above: those that held, and those that did not. */
export function explain(m: Measures, c: Conditions, o: BaselineOptions): { met: string[]; failed: string[] } {
  const met: string[] = [];
  const failed: string[] = [];
  const say = (ok: boolean, yes: string, no: string) => (ok ? met.push(yes) : failed.push(no));
  const failures = `${count(m.failures)} failure${m.failures === 1 ? "" : "s"}`;
  say(
    c.enoughFailures,
    `${failures} (at least ${o.minFailures})`,
    `${failures}, fewer than the ${o.minFailures} needed`,
  );
  say(
    c.aboveAbsoluteFloor,
    `${percent(m.observedRatio)} is at or above the ${percent(o.absoluteRatioFloor)} floor`,
    `${percent(m.observedRatio)} is below the ${percent(o.absoluteRatioFloor)} floor`,
  );
  say(
    c.enoughLift,
    `${times(m.lift)} the expected ${percent(m.tested)} (at least ${times(o.relativeLift)})`,
    `${times(m.lift)} the expected ${percent(m.tested)}, below the ${times(o.relativeLift)} lift needed`,
  );
  say(
    c.beyondSpread,
    `robust z ${m.z.toFixed(1)}, beyond the usual hour-to-hour variation (at least ${o.minRobustZ})`,
    `robust z ${m.z.toFixed(1)}, within the usual hour-to-hour variation (needs ${o.minRobustZ})`,
  );
  say(
    c.improbable,
    `${pText(m.pValue)} under the expected ratio and its usual variation (at most ${o.maxPValue})`,
    `${pText(m.pValue)}, not improbable enough (needs at most ${o.maxPValue})`,
  );
  return { met, failed };
}
