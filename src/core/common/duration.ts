import { z } from "zod";

/** "90s", "15m", "4h", "1d": how durations are written in NOTIFY_CONFIG and in silence requests. */
const DURATION = /^([1-9][0-9]{0,5})(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const DURATION_HINT = 'expected a duration such as "90s", "15m", "4h" or "1d"';

/** A duration string as milliseconds. */
export const durationMs = z
  .string({ error: DURATION_HINT })
  .regex(DURATION, DURATION_HINT)
  .transform((v) => {
    const m = DURATION.exec(v) as RegExpExecArray;
    return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  });

export const DAY_MS = UNIT_MS.d;
