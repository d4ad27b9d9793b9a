import type { KvRequestBin, RequestRuleId } from "./model/index.js";
import { deniedOf } from "./signals/request-counts.js";

/** The failures each request rule counts in a bin: denials (401, 403) or throttling (429). */
export const FAILURES: Record<RequestRuleId, (b: KvRequestBin) => number> = {
  "kv-auth-denied": (b) => deniedOf(b.counts),
  "kv-throttled": (b) => b.counts.throttled,
};
