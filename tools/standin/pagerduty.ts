import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { Fault } from "./faults.js";
import { applyTransportFault, closeServer, readBody, send } from "./http.js";

/** The faults the enqueue endpoint can answer with. */
export type PagerDutyFault = Extract<Fault, { kind: "status" | "delay" | "drop" }>;

/** One request to the enqueue endpoint and how it was answered (0: dropped). */
export interface ReceivedEvent {
  at: Date;
  status: number;
  bytes: number;
  /** The parsed body, when it was JSON. */
  event: Record<string, unknown> | undefined;
  /** Why it was refused, as PagerDuty words it. */
  errors: string[];
}

export interface PagerDutyAlert {
  status: "triggered" | "acknowledged" | "resolved";
  summary: string;
  severity: string;
  /** Every accepted event action for this dedup_key, in order. */
  history: string[];
}

export interface PagerDutyStandIn {
  /** The full enqueue URL, e.g. http://127.0.0.1:41234/v2/enqueue */
  url: string;
  /** The integration key the stand-in accepts. */
  routingKey: string;
  events: ReceivedEvent[];
  alerts: Map<string, PagerDutyAlert>;
  faults: { inject(fault: PagerDutyFault, times?: number): void; clear(): void };
  close(): Promise<void>;
}

const MAX_EVENT_BYTES = 512_000;
const MAX_DEDUP_KEY = 255;
const ACTIONS = ["trigger", "acknowledge", "resolve"];
const SEVERITIES = ["critical", "error", "warning", "info"];
const INVALID = { status: "invalid event", message: "Event object is invalid" };

/**
 * A local stand-in for the PagerDuty Events API v2 enqueue endpoint. It validates events the way
 * the service documents (32-character routing key, event_action, dedup_key length, the trigger
 * payload, 512 KB) and keeps one alert per dedup_key, so a test can see what on-call would see.
 */
export async function startPagerDutyStandIn(o: { routingKey?: string; port?: number } = {}): Promise<PagerDutyStandIn> {
  const routingKey = o.routingKey ?? randomBytes(16).toString("hex");
  const events: ReceivedEvent[] = [];
  const alerts = new Map<string, PagerDutyAlert>();
  const queue: PagerDutyFault[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { status: "error", message: String(error) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://standin").pathname;
    const body = await readBody(req);
    if (req.method !== "POST" || path !== "/v2/enqueue")
      return send(res, 404, { status: "not found", message: `no route for ${req.method} ${path}` });
    const bytes = Buffer.byteLength(body);
    let parsed: Record<string, unknown> | undefined;
    try {
      const value: unknown = JSON.parse(body);
      parsed =
        value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      parsed = undefined;
    }
    const record = (status: number, errors: string[] = []) =>
      events.push({ at: new Date(), status, bytes, event: parsed, errors });

    const fault = queue.shift();
    if (await applyTransportFault(fault, req, res, (status) => record(status))) return;
    if (fault?.kind === "status") {
      record(fault.status);
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
      const text =
        fault.status === 429
          ? {
              status: "throttle event",
              message: "Requests for this service are arriving too quickly. Please retry later.",
            }
          : { status: "error", message: `injected ${fault.status}` };
      return send(res, fault.status, fault.body ?? text, headers);
    }

    if (bytes > MAX_EVENT_BYTES) {
      const errors = [`Event object is too large (${bytes} bytes, the maximum is ${MAX_EVENT_BYTES})`];
      record(413, errors);
      return send(res, 413, { ...INVALID, errors });
    }
    if (!parsed) {
      const errors = ["The request body is not a JSON object"];
      record(400, errors);
      return send(res, 400, { ...INVALID, errors });
    }
    const errors = validate(parsed);
    if (errors.length > 0) {
      record(400, errors);
      return send(res, 400, { ...INVALID, errors });
    }
    const dedupKey =
      typeof parsed.dedup_key === "string" && parsed.dedup_key !== ""
        ? parsed.dedup_key
        : randomBytes(16).toString("hex");
    apply(String(parsed.event_action), dedupKey, parsed.payload as Record<string, unknown> | undefined);
    record(202);
    send(res, 202, { status: "success", message: "Event processed", dedup_key: dedupKey });
  }

  function validate(e: Record<string, unknown>): string[] {
    const errors: string[] = [];
    const key = e.routing_key;
    if (typeof key !== "string" || key.length !== 32)
      errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
    else if (key !== routingKey) errors.push("Invalid routing key");
    const action = e.event_action;
    if (typeof action !== "string" || action === "") errors.push("'event_action' is missing or blank");
    else if (!ACTIONS.includes(action))
      errors.push("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
    const dedup = e.dedup_key;
    if (dedup !== undefined && typeof dedup !== "string") errors.push("'dedup_key' must be a string");
    if (typeof dedup === "string" && dedup.length > MAX_DEDUP_KEY)
      errors.push(`'dedup_key' is too long (maximum is ${MAX_DEDUP_KEY} characters)`);
    if ((action === "acknowledge" || action === "resolve") && (typeof dedup !== "string" || dedup === ""))
      errors.push("'dedup_key' is missing or blank");
    if (action === "trigger") {
      const p = e.payload;
      if (!p || typeof p !== "object") errors.push("'payload' is missing or blank");
      else {
        const payload = p as Record<string, unknown>;
        for (const field of ["summary", "source"]) {
          if (typeof payload[field] !== "string" || payload[field] === "")
            errors.push(`'payload.${field}' is missing or blank`);
        }
        if (typeof payload.severity !== "string" || payload.severity === "")
          errors.push("'payload.severity' is missing or blank");
        else if (!SEVERITIES.includes(payload.severity))
          errors.push(
            "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')",
          );
      }
    }
    return errors;
  }

  function apply(action: string, dedupKey: string, payload: Record<string, unknown> | undefined): void {
    const alert = alerts.get(dedupKey);
    if (action === "trigger") {
      const summary = String(payload?.summary);
      const severity = String(payload?.severity);
      if (!alert) {
        alerts.set(dedupKey, { status: "triggered", summary, severity, history: ["trigger"] });
        return;
      }
      // An open alert is updated in place and keeps an acknowledgement; a resolved one opens again.
      alert.summary = summary;
      alert.severity = severity;
      if (alert.status === "resolved") alert.status = "triggered";
      alert.history.push("trigger");
      return;
    }
    // Acknowledge or resolve of an unknown key is accepted and changes nothing, as PagerDuty does.
    if (!alert) return;
    alert.history.push(action);
    if (alert.status === "resolved") return;
    alert.status = action === "acknowledge" ? "acknowledged" : "resolved";
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, "127.0.0.1", () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/v2/enqueue`,
    routingKey,
    events,
    alerts,
    faults: {
      inject(fault: PagerDutyFault, times = 1) {
        for (let i = 0; i < times; i++) queue.push(fault);
      },
      clear() {
        queue.length = 0;
      },
    },
    close: () => closeServer(server),
  };
}
