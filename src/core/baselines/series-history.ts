import type { RequestRuleId } from "../model/index.js";
import { baselineKey } from "./absorb.js";
import type { Baseline } from "./baseline.js";
import { usualBurst, type UsualBurst } from "./bursts.js";
import { decodeHistory } from "./history.js";

/**
 * What the history the monitor read says about a series beyond its failure ratio: whether the
 * caller ever got in, and, for calls without a token, the burst of failures it usually has.
 */
export interface SeriesHistory {
  /**
   * Whether any of the caller's calls on the vault got through in the learned history: an hour
   * with more calls than denials and throttles (a success, a 404 or a refused object state all
   * mean Key Vault let the caller in; a 429 says nothing either way). False: none did, or the
   * caller is not in the history at all; undefined: the monitor has learned no history yet.
   */
  accessBefore: boolean | undefined;
  /** Calls without a token: the burst they usually have (bursts.ts); undefined when none recurs. */
  usualBurst: UsualBurst | undefined;
}

/** The denial rule's baseline holds every call of the caller and the denials among them; the throttling rule's, the 429s. */
const DENIED: RequestRuleId = "kv-auth-denied";
const THROTTLED: RequestRuleId = "kv-throttled";

/**
 * The history of each series, from the learned baselines. With none at all, the history was
 * never read (or the workspace has no Key Vault calls yet): access before is then unknown, never
 * assumed absent.
 */
export function historyWith(baselines: ReadonlyMap<string, Baseline>): (seriesId: string) => SeriesHistory {
  const known = baselines.size > 0;
  return (seriesId) => {
    const b = baselines.get(baselineKey(DENIED, seriesId));
    if (!b) return { accessBefore: known ? false : undefined, usualBurst: undefined };
    const t = baselines.get(baselineKey(THROTTLED, seriesId));
    const throttled = new Map((t ? decodeHistory(t) : []).map((bin) => [bin.index, bin.failures] as const));
    return {
      accessBefore: decodeHistory(b).some((bin) => bin.total > bin.failures + (throttled.get(bin.index) ?? 0)),
      usualBurst: usualBurst(b),
    };
  };
}
