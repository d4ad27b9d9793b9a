import type { KvRequestBin, Policy, RequestRuleId, SeriesKey } from "./model/index.js";
import { BURST_GAP_BINS, type UsualBurst } from "./baselines/index.js";
import { FAILURES } from "./rule-failures.js";
import { MINUTE_MS } from "./common/duration.js";

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

export function isTokenless(key: Pick<SeriesKey, "callerObjectId" | "callerAppId">): boolean {
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
export function unusualBurst(
  burst: { bins: number; failures: number },
  usual: UsualBurst | undefined,
  policy: Policy,
): boolean {
  if (burst.bins < TOKENLESS_MIN_FAILING_BINS) return false;
  if (!usual) return true;
  const excused = Math.min(Math.max(usual.bins, TOKENLESS_MIN_FAILING_BINS - 1), maxExcusedBins(policy));
  return burst.bins > excused || burst.failures > TOKENLESS_LARGER_FACTOR * usual.failures;
}
