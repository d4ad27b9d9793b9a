import type { Seasonality } from "./baseline.js";

/** Finest first: the order in which a judge falls back when a slot is too thin. */
export const PATTERNS: readonly Seasonality[] = ["hour-of-week", "hour-of-day", "flat"];

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/**
 * The slot a bin starting at `ms` belongs to, in UTC: hour of week (0 = Sunday 00:00), hour of
 * day, or 0. UTC like the logs; daylight-saving shifts of a local business day are not modelled.
 */
export function slotOf(pattern: Seasonality, ms: number): number {
  const d = new Date(ms);
  if (pattern === "hour-of-week") return d.getUTCDay() * 24 + d.getUTCHours();
  if (pattern === "hour-of-day") return d.getUTCHours();
  return 0;
}

const hh = (hour: number) => `${String(hour).padStart(2, "0")}:00 UTC`;

/** "Tuesdays 14:00 UTC", "14:00 UTC (any day)" or "all hours". */
export function slotLabel(pattern: Seasonality, slot: number): string {
  if (pattern === "hour-of-week") return `${DAYS[Math.floor(slot / 24)]}s ${hh(slot % 24)}`;
  if (pattern === "hour-of-day") return `${hh(slot)} (any day)`;
  return "all hours";
}

/** The next coarser pattern, or undefined after flat. */
export function coarser(pattern: Seasonality): Seasonality | undefined {
  return PATTERNS[PATTERNS.indexOf(pattern) + 1];
}
