/**
 * The fault matrix's arithmetic, apart from the replays that feed it: what was decided, what each
 * receiver accepted, and when the monitor said it was blind, turned into lost / duplicated /
 * absorbed counts per channel and a time to "monitor blind". Pure, so it is tested on its own.
 */

export const CHANNELS = ["teams", "email", "pagerduty"] as const;
export type Channel = (typeof CHANNELS)[number];
export type PerChannel = Record<Channel, number>;

/** A notice the monitor decided for a channel: seen queued, or handed to the channel to send. */
export interface DecidedNotice {
  channel: Channel;
  noticeId: string;
  incidentId: string;
  decidedAt: Date;
  /**
   * Earlier notices to this channel it stands for (a superseded repeat, notices over a queue cap):
   * the outbox's own count, when it keeps one. Those earlier notices are merged, not lost.
   */
  merged?: number | undefined;
}

/**
 * One message a receiver accepted, by the notice it carried. `shown`: on-call sees it as a message
 * of its own; false when the receiver's idempotency absorbed it (an ACS send under an Operation-Id
 * it already has, a PagerDuty event for a dedup_key and action it already has).
 */
export interface Acceptance {
  channel: Channel;
  noticeId: string;
  shown: boolean;
}

export interface ChannelCounts {
  /** Notices decided and never accepted by the receiver (merged ones aside). */
  lost: PerChannel;
  /** Messages on-call saw more than once for one notice: every shown acceptance after the first. */
  duplicated: PerChannel;
  /** Repeats the receiver's own idempotency took in without showing them again. */
  absorbed: PerChannel;
  /** Notices another notice stands for (`merged`): neither sent nor lost. */
  merged: PerChannel;
  /** Notices decided per channel, for scale. */
  decided: PerChannel;
  /** The notice IDs counted as lost, for the report. */
  lostIds: string[];
}

export const zero = (): PerChannel => ({ teams: 0, email: 0, pagerduty: 0 });

/** Lost, duplicated, absorbed and merged notices per channel, from what was decided and what was accepted. */
export function countDeliveries(decided: readonly DecidedNotice[], accepted: readonly Acceptance[]): ChannelCounts {
  const counts: ChannelCounts = {
    lost: zero(),
    duplicated: zero(),
    absorbed: zero(),
    merged: zero(),
    decided: zero(),
    lostIds: [],
  };
  const key = (channel: Channel, id: string) => `${channel}|${id}`;
  const byNotice = new Map<string, { shown: number; all: number }>();
  for (const a of accepted) {
    const k = key(a.channel, a.noticeId);
    const c = byNotice.get(k) ?? { shown: 0, all: 0 };
    c.all++;
    if (a.shown) c.shown++;
    byNotice.set(k, c);
  }
  // One entry per notice and channel, however often it was seen queued or tried.
  const notices = new Map<string, DecidedNotice>();
  for (const d of decided) {
    const k = key(d.channel, d.noticeId);
    const seen = notices.get(k);
    if (!seen || (d.merged ?? 0) > (seen.merged ?? 0)) notices.set(k, d);
  }
  for (const [k, c] of byNotice) {
    const channel = k.slice(0, k.indexOf("|")) as Channel;
    // A notice accepted but never seen decided still counts: the receiver's word is what matters.
    if (!notices.has(k))
      notices.set(k, { channel, noticeId: k.slice(channel.length + 1), incidentId: "", decidedAt: new Date(0) });
    counts.duplicated[channel] += Math.max(0, c.shown - 1);
    counts.absorbed[channel] += c.all - Math.max(c.shown, 1);
  }

  const unaccepted = [...notices.values()].filter((d) => !byNotice.has(key(d.channel, d.noticeId)));
  // An accepted notice that stands for `merged` earlier ones covers that many of the unaccepted
  // notices of its incident and channel decided before it, the latest first.
  const covered = new Set<string>();
  for (const d of notices.values()) {
    let left = d.merged ?? 0;
    if (left === 0 || !byNotice.has(key(d.channel, d.noticeId))) continue;
    const earlier = unaccepted
      .filter(
        (u) =>
          u.channel === d.channel &&
          u.incidentId === d.incidentId &&
          u.decidedAt.getTime() <= d.decidedAt.getTime() &&
          !covered.has(key(u.channel, u.noticeId)),
      )
      .sort((a, b) => b.decidedAt.getTime() - a.decidedAt.getTime());
    for (const u of earlier) {
      if (left-- <= 0) break;
      covered.add(key(u.channel, u.noticeId));
    }
  }
  for (const d of notices.values()) counts.decided[d.channel]++;
  for (const u of unaccepted) {
    if (covered.has(key(u.channel, u.noticeId))) counts.merged[u.channel]++;
    else {
      counts.lost[u.channel]++;
      counts.lostIds.push(`${u.channel} ${u.noticeId}`);
    }
  }
  return counts;
}

/** One tick of a replay as the blind clock needs it. */
export interface TickObservation {
  at: Date;
  /** The monitor said it was blind after this tick: its own `monitor` incident firing, or health answering 503 with a reason. */
  blindReported: boolean;
}

export interface BlindTime {
  /** Ticks run from the fault's start until the first that reported it, both counted; 1: the fault's own tick. */
  ticks: number;
  /** Simulated minutes from the fault's start to the tick that reported it. */
  minutes: number;
}

/**
 * How long after a fault began, at tick `startIndex`, the monitor first reported itself blind;
 * undefined when it never did by the end of `ticks`. A report from before the fault is not its.
 */
export function timeToBlind(ticks: readonly TickObservation[], startIndex: number): BlindTime | undefined {
  const start = ticks[startIndex];
  if (!start) return undefined;
  for (let i = startIndex; i < ticks.length; i++) {
    const t = ticks[i]!;
    if (t.blindReported) return { ticks: i - startIndex + 1, minutes: (t.at.getTime() - start.at.getTime()) / 60_000 };
  }
  return undefined;
}

export const sum = (p: PerChannel): number => p.teams + p.email + p.pagerduty;

export const add = (a: PerChannel, b: PerChannel): PerChannel => ({
  teams: a.teams + b.teams,
  email: a.email + b.email,
  pagerduty: a.pagerduty + b.pagerduty,
});
