import type { IncidentSnapshot, Notice, NotificationKind, RuleId, Trigger } from "../model/index.js";
import { callerName, vaultName } from "../model/names.js";
import { callerOf, vaultOf } from "../model/subject.js";
import { utcTime } from "../common/utc.js";
import { forbiddenOf } from "../signals/request-counts.js";
import { MINUTE_MS } from "../common/duration.js";

export const RULE_TITLE: Record<RuleId, string> = {
  "kv-auth-denied": "Key Vault access denied",
  "kv-throttled": "Key Vault throttling",
  "control-plane": "Control-plane drift",
  network: "Network failures masquerading as auth",
  monitor: "Monitor cannot read",
};

export function minutesBetween(a: Date, b: Date): number {
  return Math.max(0, Math.round((b.getTime() - a.getTime()) / MINUTE_MS));
}

export function percent(p: number): string {
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** One sentence with the numbers, e.g. "95 of 101 requests denied (94%) in the last 15 minutes". */
export function failureSentence(s: IncidentSnapshot, windowMinutes: number): string {
  const c = s.counts;
  if (s.rule === "control-plane") {
    const t = s.triggers.find((x) => x.kind === "control-plane");
    return t?.kind === "control-plane" ? t.summary : "the control-plane check reported a problem";
  }
  if (s.rule === "network" || s.rule === "monitor") {
    return s.triggers.map(triggerSentence).join("; ") || "the monitor reported a problem";
  }
  if (s.rule === "kv-throttled") {
    return `${c.throttled} of ${c.total} requests throttled (429, ${percent(c.failurePercent)}) in the last ${windowMinutes} minutes`;
  }
  return `${c.failures} of ${c.total} requests denied (${percent(c.failurePercent)}: 403 x ${forbiddenOf(c)}, 401 x ${c.unauthorized}) in the last ${windowMinutes} minutes`;
}

/** At most `max` items, then "+N more": evidence lists must not grow a message without bound. */
export function listOf(items: readonly string[], max = 8): string {
  if (items.length === 0) return "-";
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} (+${items.length - max} more)` : shown;
}

/**
 * At most `max` UTF-16 units (so at most `max` characters by any count), cut between graphemes
 * so no emoji or accented letter is split, with an ellipsis when cut.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const { segment } of new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out}…`;
}

/** Why a finding fired, one sentence per trigger, with the numbers. */
export function triggerSentence(t: Trigger): string {
  switch (t.kind) {
    case "threshold":
      return `${t.failures} failures (${percent(t.failurePercent)}) are above the static floor${t.baseline === "cold" ? " (the baseline is still learning)" : ""}`;
    case "slo": {
      const budget =
        t.budgetRemaining === undefined ? "" : `; ${percent(Math.max(0, t.budgetRemaining) * 100)} of the budget left`;
      const exhaust =
        t.hoursToExhaustion === undefined
          ? ""
          : `, gone in ${t.hoursToExhaustion < 1 ? `${Math.round(t.hoursToExhaustion * 60)} minutes` : `${t.hoursToExhaustion.toFixed(1)} hours`} at this rate`;
      return `SLO ${t.slo}: ${t.tier} (${t.action}) — burning ${t.longBurn.toFixed(1)}x over ${t.longWindow} and ${t.shortBurn.toFixed(1)}x over ${t.shortWindow}, above ${t.burnThreshold.toFixed(1)}x${budget}${exhaust}`;
    }
    case "baseline":
      return `unusual for this caller: ${t.text}`;
    case "control-plane":
      return t.evidence.length > 0 ? t.evidence.join("; ") : t.summary;
    case "network":
      return `${t.failures} of ${t.total} calls from ${t.app} got no answer (timeouts, connection failures or 5xx), to ${listOf(t.targets)}`;
    case "monitor":
      return t.problem;
  }
}

/** Who or what an incident is about, in a few words: "id-app on kv-app", "app orders", "the monitor". */
export function subjectWords(s: Pick<IncidentSnapshot, "subject">): string {
  const subject = s.subject;
  if (subject.kind === "monitor") return "the monitor itself";
  if (subject.kind === "app") return `app ${subject.app}`;
  const vault = vaultName(vaultOf(subject)).name;
  const caller = callerOf(subject);
  return caller && (caller.callerObjectId || caller.callerAppId) ? `${callerName(caller).label} on ${vault}` : vault;
}

/** How a headline starts for each kind of notice, e.g. "SEV-1 (escalated): ". */
export const KIND_PREFIX: Record<NotificationKind, (s: IncidentSnapshot) => string> = {
  opened: (s) => `${s.severity}: `,
  escalated: (s) => `${s.severity} (escalated): `,
  unacknowledged: (s) => `${s.severity} NOT ACKNOWLEDGED: `,
  repeated: (s) => `${s.severity} (still firing): `,
  acknowledged: (s) => `${s.severity} acknowledged by ${s.responder.by ?? "someone"}: `,
  resolved: (s) => (s.responder.closedByHand ? `Closed by ${s.responder.by ?? "someone"}: ` : "Resolved: "),
  updated: (s) => `${s.severity} (updated): `,
};

/**
 * A resolution closed by hand says who and why: nothing recovered, so "no failures since" would
 * be false. Undefined for a resolution the evaluations confirmed.
 */
export function closedByHandSentence(n: Pick<Notice, "decidedAt" | "snapshot">): string | undefined {
  const s = n.snapshot;
  if (!s.responder.closedByHand) return undefined;
  const at = s.responder.at ?? s.resolvedAt ?? n.decidedAt;
  return `Closed by hand by ${s.responder.by ?? "someone"} at ${utcTime(at)}${s.responder.note ? `: ${s.responder.note}` : ""}. Open for ${minutesBetween(s.openedAt, at)} minutes; if the rule still fires, a new incident opens.`;
}

/** What the lifecycle adds to a notice's summary: how long nobody acknowledged it, flapping. */
export function lifecycleNote(n: Pick<Notice, "kind" | "decidedAt" | "snapshot">): string {
  const s = n.snapshot;
  const parts: string[] = [];
  if (n.kind === "unacknowledged")
    parts.push(`Nobody has acknowledged it in ${minutesBetween(s.openedAt, n.decidedAt)} minutes.`);
  if (n.kind === "repeated") parts.push(`Still firing after ${minutesBetween(s.openedAt, n.decidedAt)} minutes.`);
  if (n.kind === "acknowledged" && s.responder.note) parts.push(`Note: ${s.responder.note}`);
  if (n.kind === "updated") parts.push("What this cause affects changed: the list below is what is affected now.");
  if (s.flapping) parts.push("It keeps coming and going, so it is held open rather than paged again.");
  return parts.length ? ` ${parts.join(" ")}` : "";
}
