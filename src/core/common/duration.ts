import { z } from "zod";

/** "90s", "15m", "4h", "1d": how durations are written in NOTIFY_CONFIG and in silence requests. */
const DURATION = /^([1-9][0-9]{0,5})(s|m|h|d)$/;

/** Milliseconds in a unit of time: Date arithmetic reads these rather than spelling out 60_000. */
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const UNIT_MS = { s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS } as const;
export const DURATION_HINT = 'expected a duration such as "90s", "15m", "4h" or "1d"';

/** A duration string as milliseconds. */
export const durationMs = z
  .string({ error: DURATION_HINT })
  .regex(DURATION, DURATION_HINT)
  .transform((v) => {
    const m = DURATION.exec(v) as RegExpExecArray;
    return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  });
