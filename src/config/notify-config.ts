import { z } from "zod";
import { DURATION_HINT, durationMs, MINUTE_MS } from "../core/common/duration.js";
import { formatIssues, issuePath } from "../core/common/zod-issues.js";
import type { ChannelName, Severity } from "../core/model/index.js";
import {
  DEFAULT_LIFECYCLE,
  DEFAULT_NOTIFY,
  GROUP_LABELS,
  type GroupPolicy,
  type LifecyclePolicy,
  type NotifyPolicy,
} from "../core/model/notify-policy.js";
import { jsonSyntaxProblem } from "./json-text.js";

/**
 * NOTIFY_CONFIG: routing, repeats, acknowledgement timeouts, pending times, flap detection and
 * grouping, as JSON. Everything is optional; what is given replaces the default for that key.
 * Durations are "90s", "15m", "4h" or "1d"; `null` for an acknowledgement timeout means "never
 * escalate", for a rule's grouping labels "never grouped".
 */
const SEVERITIES = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"] as const;
const KINDS = ["opened", "escalated", "unacknowledged", "repeated", "acknowledged", "resolved", "updated"] as const;
const CHANNELS = ["teams", "email", "pagerduty"] as const;
const RULES = ["kv-auth-denied", "kv-throttled", "control-plane", "network", "monitor"] as const;

// Minutes, as the policies count them.
const duration = durationMs.transform((ms) => ms / MINUTE_MS);
/** A duration that may be nothing: "0m" sends a new group's first notice at once. */
const durationOrZero = z.string({ error: DURATION_HINT }).transform((v, ctx) => {
  if (/^0[smhd]$/.test(v)) return 0;
  const d = duration.safeParse(v);
  if (d.success) return d.data;
  ctx.addIssue({ code: "custom", message: DURATION_HINT });
  return z.NEVER;
});
const labels = z
  .array(z.enum(GROUP_LABELS))
  .refine((l) => new Set(l).size === l.length, "a label is given twice")
  .nullable();

const perSeverity = <T extends z.ZodType>(value: T) =>
  z.strictObject({
    "SEV-1": value.optional(),
    "SEV-2": value.optional(),
    "SEV-3": value.optional(),
    "SEV-4": value.optional(),
  });

const NotifyConfigJson = z.strictObject({
  routes: z
    .array(
      z.strictObject({
        severities: z.array(z.enum(SEVERITIES)).min(1).optional(),
        kinds: z.array(z.enum(KINDS)).min(1).optional(),
        channels: z.array(z.enum(CHANNELS)).min(1, "a route needs at least one channel"),
      }),
    )
    .min(1)
    .optional(),
  repeat: perSeverity(duration).optional(),
  ackTimeout: perSeverity(duration.nullable()).optional(),
  pending: perSeverity(duration).optional(),
  flap: z
    .strictObject({ window: duration.optional(), changes: z.number().int().min(2).max(100).optional() })
    .optional(),
  group: z
    .strictObject({
      by: z.strictObject(
        Object.fromEntries(RULES.map((r) => [r, labels.optional()])) as Record<
          (typeof RULES)[number],
          z.ZodOptional<typeof labels>
        >,
      ),
      wait: durationOrZero,
      interval: durationOrZero,
    })
    .partial()
    .optional(),
});

export type NotifyConfigResult =
  | { ok: true; lifecycle: LifecyclePolicy; notify: Omit<NotifyPolicy, "channels"> }
  | { ok: false; errors: string[] };

/** Parses NOTIFY_CONFIG (undefined: the defaults). Errors name the JSON path. */
export function parseNotifyConfig(text: string | undefined, configured: readonly ChannelName[]): NotifyConfigResult {
  if (text === undefined) return { ok: true, lifecycle: DEFAULT_LIFECYCLE, notify: DEFAULT_NOTIFY };
  const syntax = jsonSyntaxProblem(text);
  if (syntax !== undefined) return { ok: false, errors: [syntax] };
  const parsed = NotifyConfigJson.safeParse(JSON.parse(text));
  if (!parsed.success)
    return {
      ok: false,
      errors: formatIssues(parsed.error.issues, { whole: "(config)" }),
    };
  const c = parsed.data;
  // A route naming a channel that is not configured is a typo or a missing setting, not a wish.
  const errors = (c.routes ?? []).flatMap((r, i) =>
    r.channels
      .filter((ch) => !configured.includes(ch))
      .map((ch) => `${issuePath(["routes", i, "channels"])}: ${ch} is not configured (${SETTING_OF[ch]} is not set)`),
  );
  if (errors.length > 0) return { ok: false, errors };
  const merge = <T>(
    base: Record<Severity, T>,
    over: Partial<Record<Severity, T | undefined>> | undefined,
  ): Record<Severity, T> => {
    const out = { ...base };
    for (const s of SEVERITIES) if (over && s in over && over[s] !== undefined) out[s] = over[s] as T;
    return out;
  };
  const ackOver = c.ackTimeout
    ? Object.fromEntries(Object.entries(c.ackTimeout).map(([k, v]) => [k, v === null ? undefined : v]))
    : undefined;
  const ackTimeoutMinutes = { ...DEFAULT_NOTIFY.ackTimeoutMinutes };
  if (ackOver)
    for (const s of SEVERITIES)
      if (c.ackTimeout && s in c.ackTimeout) ackTimeoutMinutes[s] = ackOver[s] as number | undefined;
  return {
    ok: true,
    lifecycle: {
      pendingMinutes: merge(DEFAULT_LIFECYCLE.pendingMinutes, c.pending),
      flap: {
        windowMinutes: c.flap?.window ?? DEFAULT_LIFECYCLE.flap.windowMinutes,
        changes: c.flap?.changes ?? DEFAULT_LIFECYCLE.flap.changes,
      },
    },
    notify: {
      repeatMinutes: merge(DEFAULT_NOTIFY.repeatMinutes, c.repeat),
      ackTimeoutMinutes,
      routes: c.routes ?? DEFAULT_NOTIFY.routes,
      group: groupPolicy(c.group),
    },
  };
}

/** Each rule given under `by` replaces that rule's labels; the others keep the default. */
function groupPolicy(g: z.infer<typeof NotifyConfigJson>["group"]): GroupPolicy {
  const d = DEFAULT_NOTIFY.group;
  const by = { ...d.by };
  for (const rule of RULES) if (g?.by && g.by[rule] !== undefined) by[rule] = g.by[rule];
  return { by, waitMinutes: g?.wait ?? d.waitMinutes, intervalMinutes: g?.interval ?? d.intervalMinutes };
}

const SETTING_OF: Record<ChannelName, string> = {
  teams: "TEAMS_WEBHOOK_URL",
  email: "EMAIL_ENDPOINT",
  pagerduty: "PAGERDUTY_ROUTING_KEY",
};
