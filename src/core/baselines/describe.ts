import { count, percent, pText } from "./format.js";
import type { BaselineVerdict } from "./baseline.js";

/**
 * One sentence for on-call, e.g. "denials at 4.8% vs a usual 0.1% for Tuesdays 14:00 UTC
 * (p < 1e-6)". `what` names the series' failures ("denials", "throttling", "dependency failures").
 */
export function describe(v: BaselineVerdict, what = "failures"): string {
  switch (v.kind) {
    case "cold":
      return `${what}: no verdict yet, the baseline is cold (${v.reason})`;
    case "no-traffic":
      return `${what}: no calls in the window, nothing to judge`;
    case "anomalous":
    case "normal": {
      const slot = v.basis.seasonality === "flat" ? "across all hours" : `for ${v.basis.slot}`;
      const head = `${what} at ${percent(v.observedRatio)} vs a usual ${percent(v.expectedRatio)} ${slot}`;
      if (v.kind === "anomalous")
        return `${head} (${pText(v.pValue)}; ${count(v.failures)} of ${count(v.total)} calls)`;
      return `${head}: within normal (${v.reasons[0] ?? "no condition failed"})`;
    }
  }
}
