import { BIN_MINUTES } from "../signals/bin.js";
import type { Baseline } from "./baseline.js";
import { decodeHistory } from "./history.js";

/**
 * The bursts of failures a series has had, at the signals' 5-minute resolution, and the burst it
 * usually has: what is learned for calls without a token, whose failure ratio says nothing (every
 * such call fails). An app whose instances call Key Vault before their token is ready at every
 * deploy or cold start fails for a few bins each time, day after day; the history shows how many.
 */

/** One burst: its failing 5-minute bins, and the failures of the hours it fell in (an upper bound). */
export interface Burst {
  /** Start of its first failing bin. */
  at: Date;
  bins: number;
  failures: number;
}

/** The burst a series usually has: reached by at least NORMAL_RECURRENCES bursts of its history. */
export interface UsualBurst {
  /** Failing bins. */
  bins: number;
  /** Failures (from the hours the bursts fell in: the history counts failures per hour). */
  failures: number;
  /** Bursts in the history the baseline holds. */
  seen: number;
}

/**
 * Failing bins at most this many empty bins apart are one burst. Two: any two failing bins a
 * 15-minute window holds (the rule's window, ALERT_WINDOW_MINUTES) are one burst, as the rule
 * counts them (tokenless-bursts.ts), so a burst learned here and a burst judged now are measured alike.
 */
export const BURST_GAP_BINS = 2;

/**
 * A burst is usual once this many bursts of the history reached it: the third longest (and the
 * third largest) of the history. Three, so that one past outage nobody excluded — or two — never
 * becomes normal, while a deploy pattern (ten or more a fortnight) is learned at once.
 */
export const NORMAL_RECURRENCES = 3;

/**
 * The bursts in a baseline's history, oldest first. Each history bin (an hour) carries which of
 * its 5-minute bins had failures (Baseline.history.deniedBins); bins of adjacent hours join, so a
 * burst across the top of an hour is one burst. A burst's failures are those of the hours it
 * touched: the history counts failures per hour, so two bursts in one hour each count all of it.
 */
export function burstsOf(b: Baseline): Burst[] {
  const perBin = b.binMinutes / BIN_MINUTES;
  if (!Number.isInteger(perBin) || perBin < 1) return [];
  const binMs = BIN_MINUTES * 60_000;
  const bursts: (Burst & { last: number; hours: Set<number> })[] = [];
  const failuresOf = new Map<number, number>();
  for (const bin of decodeHistory(b)) {
    const mask = bin.deniedBins ?? 0;
    if (mask === 0) continue;
    failuresOf.set(bin.index, bin.failures);
    for (let slot = 0; slot < perBin; slot++) {
      if ((mask & (1 << slot)) === 0) continue;
      const at = bin.index * perBin + slot;
      const open = bursts[bursts.length - 1];
      if (open && at - open.last - 1 <= BURST_GAP_BINS) {
        open.bins++;
        open.last = at;
        open.hours.add(bin.index);
      } else bursts.push({ at: new Date(at * binMs), bins: 1, failures: 0, last: at, hours: new Set([bin.index]) });
    }
  }
  return bursts.map(({ at, bins, hours }) => ({
    at,
    bins,
    failures: [...hours].reduce((n, h) => n + (failuresOf.get(h) ?? 0), 0),
  }));
}

/** The usual burst of a baseline's history; undefined when fewer than NORMAL_RECURRENCES bursts are in it. */
export function usualBurst(b: Baseline): UsualBurst | undefined {
  const bursts = burstsOf(b);
  if (bursts.length < NORMAL_RECURRENCES) return undefined;
  const nth = (values: number[]) => values.sort((x, y) => y - x)[NORMAL_RECURRENCES - 1]!;
  return {
    bins: nth(bursts.map((x) => x.bins)),
    failures: nth(bursts.map((x) => x.failures)),
    seen: bursts.length,
  };
}
