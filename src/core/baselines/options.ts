import { DEFAULT_BASELINE_OPTIONS, type BaselineOptions } from "./baseline.js";

const positive = (v: number) => Number.isFinite(v) && v > 0;
const nonNegative = (v: number) => Number.isFinite(v) && v >= 0;

const RULES: Record<keyof BaselineOptions, [(v: number) => boolean, string]> = {
  binMinutes: [(v) => Number.isInteger(v) && v > 0 && 60 % v === 0, "a whole number of minutes that divides 60"],
  horizonDays: [positive, "a positive number of days"],
  minHistoryDays: [nonNegative, "a number of days ≥ 0"],
  minSamples: [nonNegative, "a count ≥ 0"],
  daysForDaily: [positive, "a positive number of days"],
  weeksForWeekly: [positive, "a positive number of weeks"],
  minSlotSamples: [(v) => Number.isInteger(v) && v >= 1, "a whole number ≥ 1"],
  absoluteRatioFloor: [(v) => v >= 0 && v <= 1, "a ratio between 0 and 1"],
  relativeLift: [(v) => Number.isFinite(v) && v >= 1, "a multiple ≥ 1"],
  minFailures: [nonNegative, "a count ≥ 0"],
  minRobustZ: [(v) => Number.isFinite(v), "a finite number"],
  maxPValue: [(v) => v > 0 && v <= 1, "a probability in (0, 1]"],
};

/** Defaults overlaid with `o`; a bad value throws a RangeError that names the option. */
export function resolveOptions(o: Partial<BaselineOptions> = {}): BaselineOptions {
  const merged: BaselineOptions = { ...DEFAULT_BASELINE_OPTIONS };
  for (const [name, value] of Object.entries(o) as [keyof BaselineOptions, number | undefined][]) {
    if (value === undefined) continue;
    const rule = RULES[name];
    if (!rule) throw new RangeError(`unknown baseline option "${name}"`);
    if (!rule[0](value)) throw new RangeError(`baseline option ${name} must be ${rule[1]}, got ${value}`);
    merged[name] = value;
  }
  return merged;
}
