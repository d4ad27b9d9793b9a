import type {
  ChannelName,
  IncidentSnapshot,
  Notice,
  NotificationKind,
  Responder,
  RuleId,
  Trigger,
} from "../model/index.js";
import { callerName, vaultName } from "../model/names.js";
import { callerOf, vaultOf } from "../model/subject.js";
import { utcTime } from "../common/utc.js";
import { forbiddenOf } from "../signals/request-counts.js";
import { MINUTE_MS } from "../common/duration.js";
import { CHANNEL_WORDS } from "../notify/rejected-channels.js";

export const RULE_TITLE: Record<RuleId, string> = {
  "kv-auth-denied": "Key Vault access denied",
  "kv-throttled": "Key Vault throttling",
  "control-plane": "Control-plane drift",
  network: "Network failures masquerading as auth",
  monitor: "Monitor cannot read",
};

/**
 * A finding that a notification channel rejects notices (monitor-findings.ts, `evaluateChannels`):
 * the channel, and what its trigger says after "channel Teams rejects notices: " (the status,
 * since when, what waits). Undefined for every other incident.
 */
export function channelRejection(
  s: Pick<IncidentSnapshot, "rule" | "triggers">,
): { channel: ChannelName; detail: string } | undefined {
  if (s.rule !== "monitor") return undefined;
  for (const t of s.triggers)
    if (t.kind === "monitor" && t.source === "channel" && t.channel) {
      const lead = `channel ${CHANNEL_WORDS[t.channel]} rejects notices: `;
      return { channel: t.channel, detail: t.problem.startsWith(lead) ? t.problem.slice(lead.length) : t.problem };
    }
  return undefined;
}

function capitalized(words: string): string {
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/**
 * What an incident is called in headlines: its rule's title, except for a channel that rejects
 * notices, which is not the monitor failing to read and must not read as such.
 */
export function titleOf(s: Pick<IncidentSnapshot, "rule" | "triggers">): string {
  const r = channelRejection(s);
  return r ? `Channel ${CHANNEL_WORDS[r.channel]} rejects notices` : RULE_TITLE[s.rule];
}

/**
 * The line every channel adds to a notice whose stored snapshot was lost (Notice.snapshotMissing):
 * what it shows is the incident as last recorded, which may say more, or less, than when the
 * notice was decided.
 */
export function lostDetailsSentence(
  n: Pick<Notice, "snapshotMissing" | "snapshotAt" | "decidedAt">,
): string | undefined {
  if (!n.snapshotMissing) return undefined;
  const as = n.snapshotAt ? ` (as recorded at ${utcTime(n.snapshotAt)})` : "";
  return `The details of this notice were lost in storage; shown as the incident stands now${as}, not as it stood when the notice was decided at ${utcTime(n.decidedAt)}.`;
}

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
  const rejected = channelRejection(s);
  if (rejected) return `Notices to ${CHANNEL_WORDS[rejected.channel]} are refused: ${rejected.detail}`;
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

/**
 * "SEV-2 → SEV-1": a severity rise, from the severity receivers were told before. A notice queued
 * before it carried that says the new severity alone.
 */
export function severityRise(n: Pick<Notice, "raisedFrom" | "snapshot">): string {
  return n.raisedFrom ? `${n.raisedFrom} → ${n.snapshot.severity}` : n.snapshot.severity;
}

/**
 * How a headline starts for each kind of notice, e.g. "SEV-2 → SEV-1 (severity raised): ". A
 * severity rise is never called an escalation: on-call reads "escalated" as "nobody answered, so
 * it went to the next person", which is the `unacknowledged` notice (PagerDuty's sense of it too).
 */
export const KIND_PREFIX: Record<NotificationKind, (n: Pick<Notice, "raisedFrom" | "snapshot">) => string> = {
  opened: ({ snapshot: s }) => `${s.severity}: `,
  escalated: (n) => `${severityRise(n)} (severity raised): `,
  unacknowledged: ({ snapshot: s }) => `${s.severity} NOT ACKNOWLEDGED: `,
  repeated: ({ snapshot: s }) => `${s.severity} (still firing): `,
  acknowledged: ({ snapshot: s }) => `${s.severity} acknowledged by ${s.responder.by ?? "someone"}: `,
  resolved: ({ snapshot: s }) =>
    s.responder.closedByHand ? `Closed by hand by ${s.responder.by ?? "someone"}: ` : "Resolved: ",
  updated: ({ snapshot: s }) => `${s.severity} (updated): `,
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

/**
 * What recovered, for a resolution the evaluations confirmed: who and where, since when, and the
 * calls that now succeed. No trailing period, so each channel can go on with its own words.
 */
export function recoverySentence(s: IncidentSnapshot, windowMinutes: number): string {
  const c = s.counts;
  switch (s.rule) {
    case "kv-auth-denied":
    case "kv-throttled":
      return `${subjectWords(s)}: no failures since ${utcTime(s.lastFailureAt)} and ${c.succeeded} successful calls in the last ${windowMinutes} minutes`;
    case "control-plane": {
      const t = s.triggers.find((x) => x.kind === "control-plane");
      return `The control-plane check no longer finds it${t?.kind === "control-plane" ? `: ${t.summary}` : ""}`;
    }
    case "network":
      return `${subjectWords(s)}: calls get answers again, ${c.succeeded} of ${c.total} succeeded in the last ${windowMinutes} minutes`;
    case "monitor": {
      const rejected = channelRejection(s);
      return rejected
        ? `${capitalized(CHANNEL_WORDS[rejected.channel])} no longer refuses the notices queued for it`
        : "The monitor reads its sources again";
    }
  }
}

/**
 * Who did what about it, from the responder record. The system closing an incident on recovery
 * keeps who acknowledged it (lifecycle/responder.ts), so "closed by" that person would be false.
 */
export function responderWords(r: Responder): string {
  const at = r.at ? ` at ${utcTime(r.at)}` : "";
  const note = r.note ? `: ${r.note}` : "";
  if (r.closedByHand) return `closed by hand by ${r.by ?? "someone"}${at}${note}`;
  if (r.state === "closed")
    return r.by
      ? `resolved by itself; acknowledged by ${r.by}${at}${note}`
      : "resolved by itself; nobody acknowledged it";
  if (r.state === "acknowledged") return `acknowledged by ${r.by ?? "someone"}${at}${note}`;
  return "not acknowledged";
}

/**
 * When the thread a notice is on first fired: a group's first member, or the incident itself. A
 * group's acknowledgement clock runs from its first page, which may be another member's.
 */
export function threadOpenedAt(n: Pick<Notice, "group" | "snapshot">): Date {
  return n.group?.openedAt ?? n.snapshot.openedAt;
}

/** What the lifecycle adds to a notice's summary: the severity rise, how long nobody acknowledged it, flapping. */
export function lifecycleNote(n: Pick<Notice, "kind" | "decidedAt" | "snapshot" | "raisedFrom" | "group">): string {
  const s = n.snapshot;
  const parts: string[] = [];
  if (n.kind === "escalated") {
    parts.push(`Severity raised ${n.raisedFrom ? `from ${n.raisedFrom} ` : ""}to ${s.severity}.`);
    if (s.responder.state === "acknowledged")
      parts.push(
        `Still acknowledged by ${s.responder.by ?? "someone"}${s.responder.at ? ` (since ${utcTime(s.responder.at)})` : ""}.`,
      );
  }
  if (n.kind === "unacknowledged")
    parts.push(
      `Nobody has acknowledged it in ${minutesBetween(threadOpenedAt(n), n.decidedAt)} minutes; sent to the escalation route.`,
    );
  if (n.kind === "repeated")
    parts.push(`Still firing after ${minutesBetween(threadOpenedAt(n), n.decidedAt)} minutes.`);
  if (n.kind === "acknowledged" && s.responder.note) parts.push(`Note: ${s.responder.note}`);
  if (n.kind === "updated") parts.push("What this cause affects changed: the list below is what is affected now.");
  if (s.flapping) parts.push("It keeps coming and going, so it is held open rather than paged again.");
  return parts.length ? ` ${parts.join(" ")}` : "";
}
