import { createHash } from "node:crypto";
import type { EmailMessage } from "@azure/communication-email";
import type { TokenCredential } from "@azure/core-auth";
import { isRestError, type HttpClient, type RestError } from "@azure/core-rest-pipeline";
import type { DeliveryResult, FailureReason, NotificationChannel, NoticeContent } from "../core/ports/ports.js";
import type { Notice } from "../core/model/index.js";
import { deliveryFailureReason } from "../core/notify/backoff.js";
import { renderEmail } from "../core/render/email.js";
import { failureOfError, isCredentialError, retryAfterMs, type HeaderBag } from "./http-failure.js";
import { realSleep, type Sleep } from "./retry.js";

export interface AcsEmailOptions {
  /** The Communication Services resource, e.g. https://acs-vaultwatch.communication.azure.com */
  endpoint: string;
  /** Usually the Function App's managed identity; the token is for https://communication.azure.com. */
  credential: TokenCredential;
  /** A MailFrom address of a domain connected to the resource, e.g. DoNotReply@<domain>. */
  sender: string;
  recipients: string[];
  httpClient?: HttpClient;
  /** The whole send, polling included. */
  timeoutMs?: number;
  /** Between polls of the operation, unless the service's Retry-After asks for another wait. */
  pollIntervalMs?: number;
  /** Waits between polls and for the deadline; the real clock unless a test records them. */
  sleep?: Sleep;
}

/** Fixed namespace for the name-based Operation-Id (RFC 9562 version 5). */
const NAMESPACE = Buffer.from("6f1c2b7e4d3a4f5e9b8c7d6e5f4a3b2c", "hex");

/**
 * The Operation-Id for a notice: the same notice to the same destination always gets the same
 * one, so a retry after a crash or a lost answer is recognised by ACS instead of sent twice. The
 * SDK sends it as a header of type Uuid and rejects anything that is not a GUID. A changed sender
 * or recipient list is a new operation, so a fixed configuration still delivers.
 */
export function operationIdFor(noticeId: string, sender: string, recipients: readonly string[]): string {
  const name = [noticeId, sender.toLowerCase(), ...[...recipients].map((r) => r.toLowerCase()).sort()].join("\n");
  const b = createHash("sha1").update(NAMESPACE).update(name, "utf8").digest().subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Sends notices by email through Azure Communication Services with a token credential: no keys.
 * The SDK's own retries are off: a 429 with a long Retry-After would otherwise sleep inside the
 * send past the deadline, and the outbox already retries with backoff and honours Retry-After.
 */
export function createAcsEmailChannel(o: AcsEmailOptions): NotificationChannel {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const pollIntervalMs = o.pollIntervalMs ?? 1_000;
  const sleep = o.sleep ?? realSleep;
  const host = new URL(o.endpoint).host;
  // Required on first use: a monitor without email never loads the ACS SDK (cold start).
  const { EmailClient } = require("@azure/communication-email") as typeof import("@azure/communication-email");
  const client = new EmailClient(o.endpoint, o.credential, {
    ...(o.httpClient ? { httpClient: o.httpClient } : {}),
    retryOptions: { maxRetries: 0 },
  });
  const where = `ACS email via ${host}`;

  return {
    name: "email",
    description: `${where} to ${o.recipients.length} recipient${o.recipients.length === 1 ? "" : "s"}`,
    // The delivery step starts a send only while the notice's claim outlasts it.
    timeoutMs,
    async send(notice: Notice, content: NoticeContent): Promise<DeliveryResult> {
      const rendered = renderEmail(notice, content);
      const message: EmailMessage = {
        senderAddress: o.sender,
        recipients: { to: o.recipients.map((address) => ({ address })) },
        content: rendered,
        headers: { "X-Vaultwatch-Incident": notice.snapshot.id, "X-Vaultwatch-Notice": notice.id },
      };
      const operationId = operationIdFor(notice.id, o.sender, o.recipients);
      const deadline = new AbortController();
      let last: { status: number; body: unknown; headers: HeaderBag } | undefined;
      const work = (async (): Promise<DeliveryResult> => {
        // beginSend posts the message and polls once.
        const poller = await client.beginSend(message, {
          operationId,
          abortSignal: deadline.signal,
          onResponse: (raw) => {
            last = { status: raw.status, body: raw.parsedBody, headers: raw.headers };
          },
        });
        // Polled here rather than by pollUntilDone, whose waits run on core-lro's own timer. As
        // there, a poll's Retry-After replaces the interval (core-lro src/http/operation.ts).
        while (!poller.isDone()) {
          await sleep(retryAfterMs(last?.headers) ?? pollIntervalMs, deadline.signal);
          // Throws at Failed or Canceled; `classify` reads the service's error from the last poll.
          await poller.poll({ abortSignal: deadline.signal });
        }
        return { ok: true, status: last?.status ?? 200 };
      })().catch((error: unknown) =>
        classify(error, deadline.signal.aborted, last, `${where} (operation ${operationId})`, timeoutMs),
      );

      // Race the deadline too, in case a step (a token request) does not honour the abort signal.
      const settled = new AbortController();
      const timedOut = sleep(timeoutMs, settled.signal).then(
        () => {
          deadline.abort();
          return timeout(`${where} (operation ${operationId})`, timeoutMs);
        },
        // The send settled first and cancelled this wait; the race is decided already.
        () => work,
      );
      try {
        return await Promise.race([work, timedOut]);
      } finally {
        settled.abort();
      }
    },
  };
}

function timeout(where: string, timeoutMs: number): DeliveryResult {
  return {
    ok: false,
    reason: "timeout",
    status: undefined,
    message: `${where}: no final answer within ${timeoutMs} ms`,
  };
}

function classify(
  error: unknown,
  aborted: boolean,
  last: { body: unknown } | undefined,
  where: string,
  timeoutMs: number,
): DeliveryResult {
  if (aborted) return timeout(where, timeoutMs);
  const e = error as Error & { code?: string };
  if (isRestError(error) && error.statusCode !== undefined) return fromStatus(error, where);
  if (isRestError(error)) {
    return {
      ok: false,
      reason: "network",
      status: undefined,
      message: redact(`${where}: ${e.message}${e.code ? ` (${e.code})` : ""}`),
    };
  }
  // The operation reached a terminal state other than Succeeded; the last poll has the service's error.
  const op = operationOf(last?.body);
  if (op && /^(failed|canceled|cancelled)$/i.test(op.status)) {
    const detail = op.error ? `${op.error.code}: ${op.error.message}` : e.message;
    // Failed is about this message (a bad or suppressed recipient, the sender's domain): sending it
    // again soon does not help. Canceled is the service's doing.
    const reason: FailureReason = /^failed$/i.test(op.status) ? "client" : "server";
    return { ok: false, reason, status: undefined, message: redact(`${where} ended ${op.status}: ${detail}`) };
  }
  if (isCredentialError(error)) {
    return {
      ok: false,
      reason: "client",
      status: undefined,
      message: redact(`${where}: could not get a token for Communication Services: ${e.message}`),
    };
  }
  return { ok: false, reason: "network", status: undefined, message: redact(`${where}: ${e.message}`) };
}

function fromStatus(error: RestError, where: string): DeliveryResult {
  const failure = failureOfError(error);
  const status = error.statusCode as number;
  // An unreadable success (a status below 400) is the answer's fault, not worth a quick retry.
  const reason: FailureReason = failure ? deliveryFailureReason(failure) : "client";
  const retryAfterMs = failure?.retryAfterMs;
  const code = error.code && error.code !== "REQUEST_SEND_ERROR" ? `${error.code}: ` : "";
  const text = `${where} answered ${status}${retryAfterMs !== undefined ? ` (retry after ${retryAfterMs} ms)` : ""}: ${code}${error.message}`;
  return { ok: false, reason, status, message: redact(text), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

function operationOf(
  body: unknown,
): { status: string; error: { code: string; message: string } | undefined } | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as { status?: unknown; error?: { code?: unknown; message?: unknown } };
  if (typeof b.status !== "string") return undefined;
  const error =
    b.error && typeof b.error === "object"
      ? { code: String(b.error.code ?? "Unknown"), message: String(b.error.message ?? "") }
      : undefined;
  return { status: b.status, error };
}

/** No bearer token or JWT reaches a log line, whatever an error message quotes. */
function redact(text: string): string {
  return text
    .replace(/Bearer\s+[^\s"',;]+/gi, "Bearer <redacted>")
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, "<redacted>")
    .slice(0, 500);
}
