import type { Secret } from "../core/common/secret.js";
import { renderTeamsMessage } from "../core/render/teams-card.js";
import type { DeliveryResult, NotificationChannel } from "../core/ports/ports.js";
import { deliveryFailureReason } from "../core/notify/backoff.js";
import { failureOfResponse } from "./http-failure.js";

export interface TeamsWebhookOptions {
  url: Secret;
  timeoutMs?: number;
}

/**
 * Posts to a Teams Workflows webhook ("When a Teams webhook request is received"). The URL
 * authenticates by its `sig=` query parameter, so it is a secret: it appears in no log line or
 * error, only its redacted form. Workflows answers 202 once the flow is queued.
 */
export function createTeamsWebhook({ url, timeoutMs = 10_000 }: TeamsWebhookOptions): NotificationChannel {
  return {
    name: "teams",
    description: `Teams webhook ${url.toString()}`,
    // The delivery step starts a send only while the notice's claim outlasts it.
    timeoutMs,
    async send(notice, content): Promise<DeliveryResult> {
      const message = renderTeamsMessage(notice, content.steps, content.windowMinutes, content.evidenceLink);
      let response: Response;
      try {
        response = await fetch(url.reveal(), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const e = error as Error & { cause?: { code?: string; message?: string } };
        const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
        const detail = timedOut
          ? `no answer within ${timeoutMs} ms`
          : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ""}`;
        return {
          ok: false,
          reason: timedOut ? "timeout" : "network",
          status: undefined,
          message: url.scrub(`POST ${url.toString()}: ${detail}`),
        };
      }
      // Read the body either way so the connection is released. Scrubbed before it is cut: a
      // signature straddling the cut would otherwise leave its beginning behind.
      const body = url.scrub(await response.text().catch(() => "")).slice(0, 300);
      if (response.ok) return { ok: true, status: response.status };
      const failure = failureOfResponse(response.status, response.headers);
      const retryAfter = response.headers.get("retry-after");
      const text = `POST ${url.toString()} answered ${response.status}${retryAfter ? ` (Retry-After ${retryAfter})` : ""}${body ? `: ${body}` : ""}`;
      return {
        ok: false,
        reason: deliveryFailureReason(failure),
        status: response.status,
        message: url.scrub(text),
        retryAfterMs: failure.retryAfterMs,
      };
    },
  };
}
