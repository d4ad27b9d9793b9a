import type { ChannelName, Incident, Notice, PendingNotification } from "../../core/model/index.js";
import { backoffMs, isRetryable } from "../../core/notify/backoff.js";
import type {
  DeliveryResult,
  Logger,
  NoticeContent,
  NotificationChannel,
  StateStore,
  Stored,
} from "../../core/ports/ports.js";
import { keep, UPDATE_ATTEMPTS, updateWithRetry, write } from "../common/update-with-retry.js";
import { DEFAULT_DELIVERY, type DeliveryOptions, readMonotonic } from "./options.js";
import { MINUTE_MS } from "../../core/common/duration.js";

export { DEFAULT_DELIVERY, type DeliveryOptions };

/**
 * How long a sender holds a notice before another run may try it again. A send starts only while
 * the claim still covers it (the channel's timeout) and the writes that record it (`RECORD_MS`).
 */
export const CLAIM_MS = 2 * MINUTE_MS;

/** Kept free at the end of a claim for the writes that record the outcome, conflicts included. */
const RECORD_MS = 20_000;

/** What the delivery step reads, writes and sends through. */
export interface DeliveryDeps {
  store: Pick<StateStore, "get" | "save">;
  /** Every configured channel; a notice names the one it is for. */
  channels: readonly NotificationChannel[];
  /** What a channel renders besides the notice: its runbook and evidence link. */
  content: (notice: Notice) => NoticeContent;
  /** In-tick retries and their budget. */
  options: DeliveryOptions;
  /** Dates claims when they are written (`tickClock`). */
  clock: () => Date;
}

/** An incident whose delivery (or whose commit, run-tick.ts) threw: the tick went on without it. */
export interface IncidentFailure {
  incidentId: string;
  step: "commit" | "deliver";
  message: string;
}

/** What the delivery step did: the incidents as they now stand, what was sent, what failed. */
export interface Delivered {
  incidents: Stored<Incident>[];
  delivered: PendingNotification[];
  failed: DeliveryOutcome[];
  incidentFailures: IncidentFailure[];
}

/**
 * A recorded error is cut to this many characters (a receiver's excerpt is 300 to 500, behind the
 * redacted URL). Only a channel's first notice is ever tried, so a row holds one per channel.
 */
const LAST_ERROR_CHARS = 1_000;

export interface DeliveryOutcome {
  notificationId: string;
  incidentId: string;
  channel: ChannelName;
  message: string;
}

/**
 * The monitor's time during a tick that started at `now` (read from `monitor.clock()` at
 * `startedMs`, a monotonic reading: `performance.now()` unless `monitor.delivery` brings its
 * own). Claims are dated with it when they are written: a tick can spend minutes on its queries,
 * and a claim dated from its start would already be expired. A simulated clock stands still
 * within a tick, so the elapsed time is added; a clock that moves on its own is read again, and
 * the later of the two wins.
 */
export function tickClock(
  monitor: { clock: () => Date; delivery?: DeliveryOptions },
  now: Date,
  startedMs: number = readMonotonic(monitor.delivery),
): () => Date {
  const elapsed = () => readMonotonic(monitor.delivery) - startedMs;
  return () => new Date(Math.max(monitor.clock().getTime(), now.getTime() + elapsed()));
}

/**
 * Sends the outbox, each channel's notices in order. Each send is claimed first with an ETag write
 * so overlapping runs do not both send it; a failure keeps it (and what follows it on that
 * channel) queued with a backoff; a success removes it with another ETag write, reloading and
 * writing again if someone else changed the incident meanwhile. A crash between send and record
 * re-sends after the claim expires, under the same notice ID, which the receivers that support it
 * (PagerDuty's dedup_key, ACS's Operation-Id) treat as the same message.
 *
 * `now` is the tick's time: what is due and what is held is judged by it, and backoffs count from
 * it, so a replay stays in step with its ticks. `deps.clock` dates the claims when they are written.
 */
export async function deliverOutbox(
  deps: DeliveryDeps,
  incidents: Stored<Incident>[],
  now: Date,
  log: Logger,
): Promise<Delivered> {
  const delivered: PendingNotification[] = [];
  const failed: DeliveryOutcome[] = [];
  const incidentFailures: IncidentFailure[] = [];
  const { store, options, clock } = deps;
  const started = readMonotonic(options);
  const budgetLeft = () => options.budgetMs - (readMonotonic(options) - started);
  const channels = new Map(deps.channels.map((c) => [c.name, c]));
  let deferred = 0;
  // Channels that accepted a notice this tick: the notices they refused before are tried again now.
  const accepted = new Set<ChannelName>();
  // Notices tried this tick, each at most once per tick whatever else happens.
  const tried = new Set<string>();

  const deliverIncident = async (from: Stored<Incident>): Promise<Stored<Incident>> => {
    let stored = from;
    const blocked = new Set<ChannelName>();
    let reloads = 0;
    // Claims only ever sit on a channel's first notice; as loaded, none of them are this run's.
    for (const p of heads(stored.value.outbox)) if (isHeld(p, now)) logHeld(log, p);
    for (;;) {
      const head = nextDue(stored.value.outbox, blocked, now, (p) => accepted.has(p.channel) && !tried.has(keyOf(p)));
      if (!head) break;
      blocked.add(head.channel); // one notice per channel per pass keeps the order within a channel
      const channel = channels.get(head.channel);
      if (!channel) {
        // Configuration changed since it was queued: keep it, say so, and let health show it.
        log.error(`notice ${head.id} is queued for ${head.channel}, which is not configured; it stays queued`);
        failed.push({
          notificationId: head.id,
          incidentId: stored.value.id,
          channel: head.channel,
          message: `${head.channel} is not configured`,
        });
        continue;
      }
      const timeoutMs = channel.timeoutMs;
      if (budgetLeft() < timeoutMs) {
        // Untouched, it is simply due on the next tick.
        deferred++;
        continue;
      }

      const claimedUntil = new Date(clock().getTime() + CLAIM_MS);
      const claimed = replace(stored.value, head, { ...head, claimedUntil });
      const claim = await store.save(claimed, stored.etag);
      if (claim.status === "conflict") {
        const found = await store.get(stored.value.id);
        if (found.status !== "found") {
          log.warn(
            `incident ${stored.value.id} changed while claiming notice ${head.id} and could not be read again (${found.status}); its notices wait for the next tick`,
          );
          break;
        }
        stored = found.stored;
        const theirs = stored.value.outbox.find((p) => same(p, head));
        if (!theirs) {
          log.info(`notice ${head.id} was delivered to ${head.channel} by another run`);
        } else if (isHeld(theirs, now)) {
          logHeld(log, theirs);
        } else if (++reloads < UPDATE_ATTEMPTS) {
          // Someone else wrote the incident (an acknowledgement, a decision): claim again on it.
          blocked.delete(head.channel);
        } else {
          log.warn(
            `incident ${stored.value.id} kept changing while claiming notice ${head.id}; it waits for the next tick`,
          );
          break;
        }
        continue;
      }
      stored = { value: claimed, etag: claim.etag };

      // Until the claim ends, minus the writes that record the outcome, the notice is ours to send.
      const mayStart = (delayMs: number) =>
        delayMs + timeoutMs <= Math.min(budgetLeft(), claimedUntil.getTime() - clock().getTime() - RECORD_MS);
      if (!mayStart(0)) {
        // The claim write itself took that long: hand the notice back rather than risk a second sender.
        const released = await record(store, stored, head, (i, mine) =>
          replace(i, mine, { ...mine, claimedUntil: undefined }),
        );
        if ("stored" in released) stored = released.stored;
        log.warn(
          `notice ${head.id} was handed back unsent: what was left of its claim or of the delivery step would not cover a send; it waits for the next tick`,
        );
        deferred++;
        continue;
      }

      tried.add(keyOf(head));
      const { outcome, attempts } = await sendWithRetry(channel, head, () => deps.content(head), options, mayStart);
      if (outcome.ok) {
        accepted.add(head.channel);
        delivered.push(head);
        const saved = await record(store, stored, head, (i) => ({
          ...i,
          outbox: i.outbox.filter((p) => !same(p, head)),
          deliveredCount: i.deliveredCount + 1,
        }));
        if (!("stored" in saved)) {
          log.warn(
            `notice ${head.id} was delivered to ${channel.name} but could not be recorded (${saved.status}); it may be sent once more`,
          );
          break;
        }
        if (saved.status === "gone")
          log.warn(
            `notice ${head.id} was delivered to ${channel.name}, but another run had already taken it off the outbox`,
          );
        stored = saved.stored;
        blocked.delete(head.channel);
        log.info(
          `delivered ${head.kind} notice ${head.id} to ${channel.description}${head.merged ? ` (${head.merged} earlier notice(s) merged into it)` : ""}`,
        );
        continue;
      }
      const total = head.attempts + attempts;
      const wait = backoffMs(total, outcome.reason, outcome.retryAfterMs);
      const nextAttemptAt = new Date(now.getTime() + wait);
      const text = `${channel.name} delivery of ${head.kind} notice ${head.id} failed (attempt ${total}, ${outcome.reason}${outcome.status ? ` ${outcome.status}` : ""}): ${outcome.message}; it stays queued and is tried again after ${nextAttemptAt.toISOString()}`;
      log.error(text);
      failed.push({ notificationId: head.id, incidentId: stored.value.id, channel: head.channel, message: text });
      const kept = await record(store, stored, head, (i, mine) =>
        replace(i, mine, {
          ...mine,
          attempts: total,
          lastError: `${outcome.reason}: ${outcome.message}`.slice(0, LAST_ERROR_CHARS),
          lastReason: outcome.reason,
          lastStatus: outcome.status,
          failingSince: mine.failingSince ?? now,
          claimedUntil: undefined,
          nextAttemptAt,
        }),
      );
      if ("stored" in kept) stored = kept.stored;
      // Unrecorded, the claim stands until it expires and the notice is tried again then.
      else
        log.warn(
          `the failure of notice ${head.id} could not be recorded (${kept.status}); it is tried again once its claim expires`,
        );
    }
    return stored;
  };

  // One incident's failure (a write that throws, a row too large, a store gone) is logged with its
  // ID and counted; the others are delivered all the same.
  const attempt = async (from: Stored<Incident>): Promise<Stored<Incident>> => {
    try {
      return await deliverIncident(from);
    } catch (error) {
      const message = messageOf(error);
      log.error(`delivery for incident ${from.value.id} failed: ${message}; its notices stay queued for the next tick`);
      incidentFailures.push({ incidentId: from.value.id, step: "deliver", message });
      return from;
    }
  };
  const result: Stored<Incident>[] = [];
  for (const stored of incidents) result.push(await attempt(stored));
  // A channel that accepted again may have refused notices of incidents already passed: try them now.
  for (let i = 0; i < result.length; i++) {
    const waking = (result[i] as Stored<Incident>).value.outbox.some(
      (p) => p.lastReason === "client" && accepted.has(p.channel) && !tried.has(keyOf(p)),
    );
    if (waking) result[i] = await attempt(result[i] as Stored<Incident>);
  }
  if (deferred > 0)
    log.warn(
      `${deferred} notice(s) were due but left for the next tick: the delivery step's time or their claim would not cover another send`,
    );
  return { incidents: result, delivered, failed, incidentFailures };
}

/** "gone": the notice is no longer in the outbox; `stored` is the incident as it now stands. */
type Recorded =
  | { status: "saved" | "gone"; stored: Stored<Incident> }
  | { status: "conflict" | "missing" | "unreadable" };

/**
 * Writes what became of `notice`. On an ETag conflict (an acknowledgement, an overlapping run's
 * decision) it reloads the incident and applies the change again to the entry of that notice
 * alone, so whatever the other writer added is kept and the notice is not sent a second time.
 */
async function record(
  store: Pick<StateStore, "get" | "save">,
  stored: Stored<Incident>,
  notice: PendingNotification,
  apply: (incident: Incident, mine: PendingNotification) => Incident,
): Promise<Recorded> {
  const r = await updateWithRetry(
    { load: () => store.get(stored.value.id), save: (incident, etag) => store.save(incident, etag) },
    (incident) => {
      const mine = incident.outbox.find((p) => same(p, notice));
      return mine ? write(apply(incident, mine)) : keep;
    },
    stored,
  );
  if (r.status === "updated") return { status: "saved", stored: r.stored };
  if (r.status === "unchanged") return { status: "gone", stored: r.stored };
  return { status: r.status };
}

/** The first notice of each channel: the only one of the channel that may be sent next. */
function heads(outbox: readonly PendingNotification[]): PendingNotification[] {
  const seen = new Set<ChannelName>();
  return outbox.filter((p) => !seen.has(p.channel) && seen.add(p.channel));
}

function logHeld(log: Logger, p: PendingNotification): void {
  log.warn(`notice ${p.id} is being handled by another run (claimed until ${p.claimedUntil!.toISOString()})`);
}

/** The first notice of a channel not yet tried this pass, if it is due and nobody holds it. */
function nextDue(
  outbox: readonly PendingNotification[],
  blocked: Set<ChannelName>,
  now: Date,
  woken: (p: PendingNotification) => boolean,
): PendingNotification | undefined {
  const seen = new Set<ChannelName>(blocked);
  for (const p of outbox) {
    if (seen.has(p.channel)) continue;
    seen.add(p.channel);
    // A refused notice (parked, or waiting out the slow schedule) is due once its channel accepts again.
    const waiting =
      p.nextAttemptAt !== undefined &&
      p.nextAttemptAt.getTime() > now.getTime() &&
      !(p.lastReason === "client" && woken(p));
    if (isHeld(p, now) || waiting) continue;
    return p;
  }
  return undefined;
}

function isHeld(p: PendingNotification, now: Date): boolean {
  return p.claimedUntil !== undefined && p.claimedUntil.getTime() > now.getTime();
}

/**
 * `mayStart(delay)`: whether an attempt that starts after `delay` would still end within the
 * delivery step's budget and the claim. A channel that throws (a rendering fault in vaultwatch
 * itself) is a failed delivery that keeps the notice queued, not a failed tick.
 */
async function sendWithRetry(
  channel: NotificationChannel,
  notice: Notice,
  content: () => NoticeContent,
  o: DeliveryOptions,
  mayStart: (delayMs: number) => boolean,
): Promise<{ outcome: DeliveryResult; attempts: number }> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const outcome = await sendOnce(channel, notice, content);
    if (outcome.ok || !isRetryable(outcome.reason) || attempts >= o.attemptsPerTick) return { outcome, attempts };
    const delay = Math.max(o.retryDelayMs * 2 ** (attempts - 1), outcome.retryAfterMs ?? 0);
    if (!mayStart(delay)) return { outcome, attempts };
    await o.sleep(delay);
  }
}

async function sendOnce(
  channel: NotificationChannel,
  notice: Notice,
  content: () => NoticeContent,
): Promise<DeliveryResult> {
  try {
    return await channel.send(notice, content());
  } catch (error) {
    const e = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // Sending it again soon fails the same way; "client" retries it at the backoff's cap.
    return {
      ok: false,
      reason: "client",
      status: undefined,
      message: `the ${notice.kind} notice could not be rendered or sent, a fault in vaultwatch rather than in ${channel.name}: ${e.slice(0, 300)}`,
    };
  }
}

function same(a: PendingNotification, b: PendingNotification): boolean {
  return a.id === b.id && a.channel === b.channel;
}

function replace(incident: Incident, old: PendingNotification, next: PendingNotification): Incident {
  return { ...incident, outbox: incident.outbox.map((p) => (same(p, old) ? next : p)) };
}

function keyOf(p: PendingNotification): string {
  return `${p.id}|${p.channel}`;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message.split("\n")[0] ?? ""}` : String(error)).slice(
    0,
    300,
  );
}
