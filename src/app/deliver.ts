import type { Incident, PendingNotification } from "../core/model.js";
import { renderTeamsMessage } from "../core/render/teams-card.js";
import { runbookFor } from "../core/runbook.js";
import type { Logger, Stored } from "./ports.js";
import type { Runtime } from "./runtime.js";

/**
 * How long a sender holds a notification before another run may try it again. Covers a Teams
 * request (10 s timeout) plus the write that records it, with room to spare.
 */
export const CLAIM_MS = 2 * 60_000;

export interface DeliveryOutcome {
  notificationId: string;
  incidentId: string;
  message: string;
}

/**
 * Sends each incident's pending notifications in order. Each send is claimed first with an ETag
 * write, so overlapping runs do not both send it; a failure keeps it (and those behind it) in the
 * outbox for the next tick; a success removes it with another ETag write.
 */
export async function deliverOutbox(
  rt: Runtime,
  incidents: Stored<Incident>[],
  now: Date,
  log: Logger,
): Promise<{ incidents: Stored<Incident>[]; delivered: PendingNotification[]; failed: DeliveryOutcome[] }> {
  const delivered: PendingNotification[] = [];
  const failed: DeliveryOutcome[] = [];
  const result: Stored<Incident>[] = [];

  for (let stored of incidents) {
    while (stored.value.outbox.length > 0) {
      const head = stored.value.outbox[0] as PendingNotification;
      if (head.claimedUntil && head.claimedUntil.getTime() > now.getTime()) break; // another run is sending it

      const claimed: Incident = replaceHead(stored.value, { ...head, attempts: head.attempts + 1, claimedUntil: new Date(now.getTime() + CLAIM_MS) });
      const claim = await rt.store.save(claimed, stored.etag);
      if (claim.status === "conflict") {
        log.warn(`notification ${head.id} is being handled by another run`);
        break;
      }
      stored = { value: claimed, etag: claim.etag };

      const message = renderTeamsMessage(head, runbookFor(head.snapshot), rt.policy.windowMinutes);
      const outcome = await rt.teams.post(message);
      if (outcome.ok) {
        const done: Incident = { ...stored.value, outbox: stored.value.outbox.slice(1), deliveredCount: stored.value.deliveredCount + 1 };
        const saved = await rt.store.save(done, stored.etag);
        delivered.push(head);
        if (saved.status === "conflict") {
          // Sent, but not recorded: the claim expires and it may be sent once more (at-least-once).
          log.warn(`notification ${head.id} was delivered but another run changed the incident before it was recorded`);
          break;
        }
        stored = { value: done, etag: saved.etag };
        log.info(`delivered ${head.kind} notification ${head.id} to ${rt.teams.description}`);
        continue;
      }
      const attempt = head.attempts + 1;
      const text = `Teams delivery of ${head.kind} notification ${head.id} failed (attempt ${attempt}, ${outcome.reason}${outcome.status ? ` ${outcome.status}` : ""}): ${outcome.message}; it stays queued and is retried on the next tick`;
      log.error(text);
      failed.push({ notificationId: head.id, incidentId: stored.value.id, message: text });
      const kept: Incident = replaceHead(stored.value, { ...head, attempts: attempt, lastError: `${outcome.reason}: ${outcome.message}`, claimedUntil: undefined });
      const saved = await rt.store.save(kept, stored.etag);
      if (saved.status === "saved") stored = { value: kept, etag: saved.etag };
      break;
    }
    result.push(stored);
  }
  return { incidents: result, delivered, failed };
}

function replaceHead(incident: Incident, head: PendingNotification): Incident {
  return { ...incident, outbox: [head, ...incident.outbox.slice(1)] };
}
