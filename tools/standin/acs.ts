import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { applyTransportFault, closeServer, readBody, send } from "./http.js";

/** The two routes of the ACS Email API: queue a message, and read the operation's status. */
export type AcsRoute = "send" | "poll";

/** A fault to answer with instead of the normal answer. Transport and status faults apply to `on` (default "send"). */
export type AcsFault =
  | { kind: "status"; status: number; retryAfterSeconds?: number; retryAfterMs?: number; body?: unknown; on?: AcsRoute }
  | { kind: "delay"; ms: number; on?: AcsRoute }
  | { kind: "drop"; on?: AcsRoute }
  /** The next accepted message's operation ends Failed with this error (nothing is sent). */
  | { kind: "operation-failed"; code?: string; message?: string }
  /** The next accepted message's operation ends Canceled (nothing is sent). */
  | { kind: "operation-canceled" };

/** A message the stand-in accepted and would deliver. */
export interface AcsEmail {
  operationId: string;
  at: Date;
  senderAddress: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  plainText: string | undefined;
  html: string | undefined;
  headers: Record<string, string>;
}

export interface AcsRequest {
  route: AcsRoute | "unknown";
  method: string;
  path: string;
  status: number;
  operationId: string | undefined;
  /** The bearer token presented, for assertions that the credential's token was used. */
  token: string | undefined;
  at: Date;
}

export interface AcsStandInOptions {
  /** The resource name in the endpoint, https://<name>.communication.azure.com */
  name?: string;
  /** Polls that answer Running before the final status. */
  runningPolls?: number;
  port?: number;
}

export interface AcsStandIn {
  /** Base URL of the local server, for `redirectTo`. */
  url: string;
  /** The https endpoint to give the SDK; its requests are redirected to `url`. */
  endpoint: string;
  sent: AcsEmail[];
  requests: AcsRequest[];
  faults: { inject(fault: AcsFault, times?: number): void; clear(): void };
  close(): Promise<void>;
}

interface Operation {
  id: string;
  final: "Succeeded" | "Failed" | "Canceled";
  error: { code: string; message: string } | undefined;
  pollsLeft: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A local stand-in for the Azure Communication Services Email REST API: POST /emails:send answers
 * 202 with an operation-location, GET /emails/operations/{id} reports Running then a final
 * status. Like the service, it requires a bearer token, validates the message, and treats a
 * repeated Operation-Id as the same operation: it answers with the existing one and sends nothing.
 */
export async function startAcsStandIn(o: AcsStandInOptions = {}): Promise<AcsStandIn> {
  const endpoint = `https://${o.name ?? "acs-standin"}.communication.azure.com`;
  const runningPolls = o.runningPolls ?? 1;
  const sent: AcsEmail[] = [];
  const requests: AcsRequest[] = [];
  const operations = new Map<string, Operation>();
  const queues: Record<AcsRoute, AcsFault[]> = { send: [], poll: [] };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) =>
      send(res, 500, { error: { code: "StandInError", message: String(error) } }),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://standin");
    const body = await readBody(req);
    const route: AcsRoute | undefined =
      req.method === "POST" && url.pathname === "/emails:send"
        ? "send"
        : req.method === "GET" && /^\/emails\/operations\/[^/]+$/.test(url.pathname)
          ? "poll"
          : undefined;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const operationId =
      route === "poll" ? decodeURIComponent(url.pathname.split("/").pop() ?? "") : header(req, "operation-id");
    const record = (status: number) =>
      requests.push({
        route: route ?? "unknown",
        method: req.method ?? "",
        path: url.pathname,
        status,
        operationId,
        token,
        at: new Date(),
      });
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record(status);
      send(res, status, payload, headers);
    };
    if (!route) return answer(404, error("NotFound", `the stand-in has no route for ${req.method} ${url.pathname}`));

    const fault = queues[route].shift();
    if (fault?.kind === "delay" || fault?.kind === "drop") {
      if (await applyTransportFault(fault, req, res, record)) return;
    }
    if (fault?.kind === "status") {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
      if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
      return answer(fault.status, fault.body ?? error(codeFor(fault.status), `injected ${fault.status}`), headers);
    }
    if (!token) return answer(401, error("Unauthorized", "Authorization header with a bearer token is required."));
    if (!url.searchParams.get("api-version"))
      return answer(
        400,
        error(
          "MissingApiVersionParameter",
          "The api-version query parameter (?api-version=) is required for all requests.",
        ),
      );

    if (route === "poll") {
      const op = operations.get(operationId ?? "");
      if (!op) return answer(404, error("NotFound", `Operation ${operationId} was not found.`));
      if (op.pollsLeft > 0) {
        op.pollsLeft--;
        return answer(200, { id: op.id, status: "Running" });
      }
      return answer(200, { id: op.id, status: op.final, ...(op.error ? { error: op.error } : {}) });
    }

    if (operationId !== undefined && !GUID.test(operationId))
      return answer(400, error("InvalidOperationId", "The Operation-Id header must be a GUID."));
    const existing = operationId ? operations.get(operationId) : undefined;
    if (existing) return accepted(existing);

    let message: Record<string, unknown>;
    try {
      message = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return answer(400, error("InvalidRequestBody", "The request body is not valid JSON."));
    }
    const invalid = validate(message);
    if (invalid) return answer(400, error(invalid.code, invalid.message));

    const op: Operation = {
      id: operationId ?? randomUUID(),
      final: "Succeeded",
      error: undefined,
      pollsLeft: runningPolls,
    };
    if (fault?.kind === "operation-failed") {
      op.final = "Failed";
      op.error = {
        code: fault.code ?? "EmailDroppedAllRecipientsSuppressed",
        message: fault.message ?? "Message was dropped because all recipients were suppressed.",
      };
    } else if (fault?.kind === "operation-canceled") {
      op.final = "Canceled";
    }
    operations.set(op.id, op);
    if (op.final === "Succeeded") sent.push(emailOf(op.id, message));
    return accepted(op);

    function accepted(op: Operation): void {
      const location = `${endpoint}/emails/operations/${op.id}?api-version=${url.searchParams.get("api-version")}`;
      answer(202, { id: op.id, status: "Running" }, { "operation-location": location });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    endpoint,
    sent,
    requests,
    faults: {
      inject(fault, times = 1) {
        const route: AcsRoute =
          fault.kind === "status" || fault.kind === "delay" || fault.kind === "drop" ? (fault.on ?? "send") : "send";
        for (let i = 0; i < times; i++) queues[route].push(fault);
      },
      clear() {
        queues.send.length = 0;
        queues.poll.length = 0;
      },
    },
    close: () => closeServer(server),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function error(code: string, message: string) {
  return { error: { code, message } };
}

function codeFor(status: number): string {
  return status === 429
    ? "TooManyRequests"
    : status === 503
      ? "ServiceUnavailable"
      : status >= 500
        ? "InternalServerError"
        : "BadRequest";
}

type Address = { address?: unknown };

function addresses(list: unknown): string[] {
  return Array.isArray(list) ? (list as Address[]).map((a) => (typeof a?.address === "string" ? a.address : "")) : [];
}

/** The checks the service makes before it accepts a message. */
function validate(m: Record<string, unknown>): { code: string; message: string } | undefined {
  const recipients = (m.recipients ?? {}) as Record<string, unknown>;
  const content = (m.content ?? {}) as Record<string, unknown>;
  const all = [...addresses(recipients.to), ...addresses(recipients.cc), ...addresses(recipients.bcc)];
  if (typeof m.senderAddress !== "string" || !m.senderAddress.includes("@"))
    return { code: "InvalidSenderAddress", message: "senderAddress is required and must be an email address." };
  if (all.length === 0)
    return { code: "EmptyRecipients", message: "At least one recipient (to, cc or bcc) is required." };
  const bad = all.find((a) => !/^[^@\s]+@[^@\s]+$/.test(a));
  if (bad !== undefined)
    return { code: "InvalidEmailAddress", message: `The recipient address '${bad}' is not a valid email address.` };
  if (typeof content.subject !== "string" || content.subject === "")
    return { code: "EmptySubject", message: "content.subject is required." };
  if (typeof content.plainText !== "string" && typeof content.html !== "string")
    return { code: "EmptyContent", message: "content.plainText or content.html is required." };
  return undefined;
}

function emailOf(operationId: string, m: Record<string, unknown>): AcsEmail {
  const recipients = (m.recipients ?? {}) as Record<string, unknown>;
  const content = m.content as Record<string, unknown>;
  return {
    operationId,
    at: new Date(),
    senderAddress: m.senderAddress as string,
    to: addresses(recipients.to),
    cc: addresses(recipients.cc),
    bcc: addresses(recipients.bcc),
    subject: content.subject as string,
    plainText: typeof content.plainText === "string" ? content.plainText : undefined,
    html: typeof content.html === "string" ? content.html : undefined,
    headers: (m.headers ?? {}) as Record<string, string>,
  };
}
