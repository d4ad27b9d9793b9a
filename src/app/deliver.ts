import type { ChannelName, Incident, Notice, PendingNotification } from "../core/model.js";
import { runbookFor } from "../core/runbook.js";
import { evidenceLink } from "../core/portal-link.js";
import { backoffMs, isRetryable } from "../core/notify/backoff.js";
import type { DeliveryResult, Logger, NoticeContent, NotificationChannel, Stored } from "./ports.js";
import type { Runtime } from "./runtime.js";

/**
 * How long a sender holds a notice before another run may try it again. Covers the in-tick
 * retries (at most `DeliveryOptions.budgetMs`) plus the write that records it, with room to spare.
 */
export const CLAIM_MS = 2 * 60_000;

export interface DeliveryOptions {
  /** Tries per notice within one tick; later ones wait for the backoff across ticks. */
  attemptsPerTick: number;
  /** The first in-tick wait; doubled each time, or the receiver's Retry-After if it is longer. */
  retryDelayMs: number;
  /** The whole delivery step's share of the tick; no in-tick retry starts after it. */
  budgetMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  attemptsPerTick: 3,
  retryDelayMs: 1_000,
  budgetMs: 60_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export interface DeliveryOutcome {
  notificationId: string;
  incidentId: string;
  channel: ChannelName;
  message: string;
}

/**
 * Sends the outbox, each channel's notices in order. Each send is claimed first with an ETag write
 * so overlapping runs do not both send it; a failure keeps it (and what follows it on that
 * channel) queued with a backoff; a success removes it with another ETag write. A crash between
 * send and record re-sends after the claim expires, under the same notice ID, which the receivers
 * that support it (PagerDuty's dedup_key, ACS's Operation-Id) treat as the same message.
 */
export async function deliverOutbox(rt: Runtime, incidents: Stored<Incident>[], now: Date, log: Logger, options: DeliveryOptions = rt.delivery): Promise<{ incidents: Stored<Incident>[]; delivered: PendingNotification[]; failed: DeliveryOutcome[] }> {
  const delivered: PendingNotification[] = [];
  const failed: DeliveryOutcome[] = [];
  const result: Stored<Incident>[] = [];
  const started = Date.now();
  const channels = new Map(rt.channels.map((c) => [c.name, c]));

  for (let stored of incidents) {
    const blocked = new Set<ChannelName>();
    for (;;) {
      const head = nextDue(stored.value.outbox, blocked, now);
      if (!head) break;
      blocked.add(head.channel); // one notice per channel per pass keeps the order within a channel
      const channel = channels.get(head.channel);
      if (!channel) {
        // Configuration changed since it was queued: keep it, say so, and let health show it.
        log.error(`notice ${head.id} is queued for ${head.channel}, which is not configured; it stays queued`);
        failed.push({ notificationId: head.id, incidentId: stored.value.id, channel: head.channel, message: `${head.channel} is not configured` });
        continue;
      }
      const claimed = replace(stored.value, head, { ...head, claimedUntil: new Date(now.getTime() + CLAIM_MS) });
      const claim = await rt.store.save(claimed, stored.etag);
      if (claim.status === "conflict") {
        log.warn(`notice ${head.id} is being handled by another run`);
        break;
      }
      stored = { value: claimed, etag: claim.etag };

      const { outcome, attempts } = await sendWithRetry(channel, head, contentFor(rt, head), options, started);
      if (outcome.ok) {
        const done: Incident = { ...stored.value, outbox: stored.value.outbox.filter((p) => !same(p, head)), deliveredCount: stored.value.deliveredCount + 1 };
        const saved = await rt.store.save(done, stored.etag);
        delivered.push(head);
        if (saved.status === "conflict") {
          log.warn(`notice ${head.id} was delivered to ${channel.name} but another run changed the incident before it was recorded; it may be sent once more`);
          break;
        }
        stored = { value: done, etag: saved.etag };
        blocked.delete(head.channel);
        log.info(`delivered ${head.kind} notice ${head.id} to ${channel.description}`);
        continue;
      }
      const total = head.attempts + attempts;
      const wait = backoffMs(total, outcome.reason, outcome.retryAfterMs);
      const nextAttemptAt = new Date(now.getTime() + wait);
      const text = `${channel.name} delivery of ${head.kind} notice ${head.id} failed (attempt ${total}, ${outcome.reason}${outcome.status ? ` ${outcome.status}` : ""}): ${outcome.message}; it stays queued and is tried again after ${nextAttemptAt.toISOString()}`;
      log.error(text);
      failed.push({ notificationId: head.id, incidentId: stored.value.id, channel: head.channel, message: text });
      const kept = replace(stored.value, head, { ...head, attempts: total, lastError: `${outcome.reason}: ${outcome.message}`, claimedUntil: undefined, nextAttemptAt });
      const saved = await rt.store.save(kept, stored.etag);
      if (saved.status === "saved") stored = { value: kept, etag: saved.etag };
    }
    result.push(stored);
  }
  return { incidents: result, delivered, failed };
}

/** The first notice of a channel not yet tried this pass, if it is due and nobody holds it. */
function nextDue(outbox: readonly PendingNotification[], blocked: Set<ChannelName>, now: Date): PendingNotification | undefined {
  const seen = new Set<ChannelName>(blocked);
  for (const p of outbox) {
    if (seen.has(p.channel)) continue;
    seen.add(p.channel);
    const held = p.claimedUntil !== undefined && p.claimedUntil.getTime() > now.getTime();
    const waiting = p.nextAttemptAt !== undefined && p.nextAttemptAt.getTime() > now.getTime();
    if (held || waiting) continue;
    return p;
  }
  return undefined;
}

async function sendWithRetry(channel: NotificationChannel, notice: Notice, content: NoticeContent, o: DeliveryOptions, started: number): Promise<{ outcome: DeliveryResult; attempts: number }> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const outcome = await channel.send(notice, content);
    if (outcome.ok || !isRetryable(outcome.reason) || attempts >= o.attemptsPerTick) return { outcome, attempts };
    const delay = Math.max(o.retryDelayMs * 2 ** (attempts - 1), outcome.retryAfterMs ?? 0);
    if (Date.now() - started + delay > o.budgetMs) return { outcome, attempts };
    await o.sleep(delay);
  }
}

function contentFor(rt: Runtime, n: Notice): NoticeContent {
  const steps = runbookFor(n.snapshot);
  const kql = steps.find((s) => s.kql)?.kql;
  const windowMs = rt.policy.windowMinutes * 60_000;
  const end = n.snapshot.resolvedAt ?? n.decidedAt;
  return {
    steps,
    windowMinutes: rt.policy.windowMinutes,
    evidenceLink: kql ? evidenceLink(rt.workspaceResourceId, kql, { start: new Date(n.snapshot.openedAt.getTime() - windowMs), end: new Date(end.getTime() + windowMs) }) : undefined,
  };
}

function same(a: PendingNotification, b: PendingNotification): boolean {
  return a.id === b.id && a.channel === b.channel;
}

function replace(incident: Incident, old: PendingNotification, next: PendingNotification): Incident {
  return { ...incident, outbox: incident.outbox.map((p) => (same(p, old) ? next : p)) };
}
