import type { Secret } from "../core/common/secret.js";
import type { Notice } from "../core/model/index.js";
import type { DeliveryResult, NoticeContent, NotificationChannel } from "../core/ports/ports.js";
import { PAGERDUTY_ENQUEUE_URL, renderPagerDutyEvent } from "../core/render/pagerduty.js";
import { deliveryFailureReason } from "../core/notify/backoff.js";
import { failureOfResponse } from "./http-failure.js";

export interface PagerDutyChannelOptions {
  /** The Events API v2 enqueue endpoint; the real one unless a test points elsewhere. */
  url?: string;
  /** The integration's 32-character routing key. It authenticates the event, so it is a secret. */
  routingKey: Secret;
  timeoutMs?: number;
}

/**
 * Sends notices to PagerDuty through the Events API v2. The routing key travels in the body, so
 * every text that leaves this function goes through `routingKey.scrub`, error bodies included.
 * PagerDuty answers 202 once the event is queued; 400 names what is invalid in `errors[]`.
 */
export function createPagerDutyChannel({
  url = PAGERDUTY_ENQUEUE_URL,
  routingKey,
  timeoutMs = 10_000,
}: PagerDutyChannelOptions): NotificationChannel {
  const where = endpointName(url);
  return {
    name: "pagerduty",
    description: routingKey.scrub(`PagerDuty Events API v2 at ${where}`),
    // The delivery step starts a send only while the notice's claim outlasts it.
    timeoutMs,
    async send(notice: Notice, content: NoticeContent): Promise<DeliveryResult> {
      const event = renderPagerDutyEvent(notice, content);
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ routing_key: routingKey.reveal(), ...event }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const e = error as Error & { cause?: { code?: string } };
        const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
        const detail = timedOut
          ? `no answer within ${timeoutMs} ms`
          : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ""}`;
        return {
          ok: false,
          reason: timedOut ? "timeout" : "network",
          status: undefined,
          message: routingKey.scrub(`POST ${where} (${event.event_action} ${event.dedup_key}): ${detail}`),
        };
      }
      // Read the body either way so the connection is released.
      const body = await response.text().catch(() => "");
      if (response.ok) return { ok: true, status: response.status };
      const status = response.status;
      const failure = failureOfResponse(status, response.headers);
      const reason = deliveryFailureReason(failure);
      const retryAfter = response.headers.get("retry-after");
      const retryAfterMs = failure.retryAfterMs;
      const text = `POST ${where} (${event.event_action} ${event.dedup_key}) answered ${status}${retryAfter ? ` (Retry-After ${retryAfter})` : ""}${explain(body, (t) => routingKey.scrub(t))}`;
      return {
        ok: false,
        reason,
        status,
        message: routingKey.scrub(text),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    },
  };
}

/** Host and path only: enough to tell which endpoint failed. */
function endpointName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return "<invalid url>";
  }
}

/**
 * PagerDuty's own reason: `message` and `errors[]` of an "invalid event" answer, else a short
 * excerpt. Scrubbed before it is cut (a key straddling the cut would leave its beginning behind),
 * and after JSON decoding too, where an escaped key becomes readable.
 */
function explain(body: string, scrub: (text: string) => string): string {
  if (!body.trim()) return "";
  try {
    const parsed = JSON.parse(body) as { message?: unknown; errors?: unknown };
    const errors = Array.isArray(parsed.errors) ? parsed.errors.map(String) : [];
    const message = typeof parsed.message === "string" ? parsed.message : "";
    if (message || errors.length > 0)
      return `: ${scrub([message, ...errors].filter(Boolean).join("; ")).slice(0, 500)}`;
  } catch {
    // not JSON: fall through to the excerpt
  }
  return `: ${scrub(body).slice(0, 300)}`;
}
