import { NEVER, type Ratio } from "./score.js";

/** How the bench's Markdown writes numbers for people. Pure. */

export function fixed(v: number, digits: number): string {
  return v.toFixed(digits);
}

/** "67 % (2 of 3)", or "n/a (why)" for an empty denominator. */
export function ratio(r: Ratio, empty: string): string {
  if (r.den === 0) return `n/a (${empty})`;
  return `${Math.round((100 * r.num) / r.den)} % (${r.num} of ${r.den})`;
}

/** "4 min", "−10 min", "1 h 05 min", "2 d 3 h", "never"; "–" for nothing. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return "–";
  if (ms === NEVER) return "never";
  const sign = ms < 0 ? "−" : "";
  const minutes = Math.abs(ms) / 60_000;
  if (minutes < 60) return `${sign}${Number(minutes.toFixed(1))} min`;
  const whole = Math.round(minutes);
  if (whole < 48 * 60) return `${sign}${Math.floor(whole / 60)} h ${String(whole % 60).padStart(2, "0")} min`;
  return `${sign}${Math.floor(whole / 1440)} d ${Math.floor((whole % 1440) / 60)} h`;
}

/** "3 / 4", or "–" when there is nothing to count. */
export function counted(r: Ratio | undefined): string {
  return r && r.den > 0 ? `${r.num} / ${r.den}` : "–";
}

/** A rate with two decimals, or "–" when its denominator is 0. */
export function rate(num: number, den: number): string {
  return den === 0 ? "–" : fixed(num / den, 2);
}
