import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomUUID } from "node:crypto";
import { closeServer, readBody, send, sleep } from "./http.js";

/** Which requests a fault may take: table writes (insert, update, merge, delete), reads, or any. */
export type TablesRequestKind = "write" | "read" | "any";

/** A fault to answer one Table service request with, instead of passing it to Azurite. */
export type TablesFault =
  /** An error status with the Table service's JSON error body (412 UpdateConditionNotSatisfied, 503 ServerBusy, …). */
  | { kind: "status"; status: number }
  /** Hold the request, then reset the connection unanswered: a gateway that timed it out. */
  | { kind: "hold-then-reset"; ms: number }
  /** Reset the connection unanswered: a network failure. */
  | { kind: "reset" };

/** One request the proxy saw and how it went (0: reset, or refused while down). */
export interface ProxiedRequest {
  method: string;
  path: string;
  kind: "write" | "read";
  status: number;
  /** The listener it came through (`open()`'s order, from 0): one per simulated process. */
  door: number;
}

/** One listening port in front of Azurite: what one process's TableClients are pointed at. */
export interface ProxyDoor {
  index: number;
  url: string;
  /** `connectionString` with its TableEndpoint moved to this door. */
  connectionString: string;
  /** Stops listening and resets its connections: later connections are refused, as to a dead host. */
  close(): Promise<void>;
}

export interface TablesProxy {
  /** A new door, e.g. for a process that starts after a crash; the first is opened at start. */
  open(): Promise<ProxyDoor>;
  doors: ProxyDoor[];
  /** Answers the next `times` requests of `kind` (whose path contains `table`, when given) with `fault`. */
  inject(fault: TablesFault, o?: { times?: number; kind?: TablesRequestKind; table?: string }): void;
  /** Faults still queued. */
  pending(): number;
  clearFaults(): void;
  /**
   * Azurite stopped: every connection is reset at once and every request in flight is dropped,
   * through every door, until `up()`. The process's clients see the store vanish mid-call.
   */
  down(): void;
  up(): void;
  requests: ProxiedRequest[];
  /** Called as each request is answered (status 0 when reset), for triggers such as "stop after the Nth write". */
  onRequest: ((r: ProxiedRequest) => void) | undefined;
  close(): Promise<void>;
}

interface Queued {
  fault: TablesFault;
  kind: TablesRequestKind;
  table: string | undefined;
}

/** Azure Tables' error codes for the statuses a fault injects (learn.microsoft.com, Table service error codes). */
const CODES: Record<number, [string, string]> = {
  404: ["ResourceNotFound", "The specified resource does not exist."],
  409: ["EntityAlreadyExists", "The specified entity already exists."],
  412: ["UpdateConditionNotSatisfied", "The update condition specified in the request was not satisfied."],
  500: ["InternalError", "The server encountered an internal error. Please retry the request."],
  503: ["ServerBusy", "The server is currently unable to receive requests. Please retry your request."],
};

/**
 * A fault-injecting HTTP proxy in front of Azurite's Table service: the real TableClient talks to
 * real Azurite, and faults happen on the wire, where Azure's would. Each door is one listening
 * port; a crashed process's door is closed for good while its successor opens another, so a
 * process that died mid-call can never write again.
 */
export async function startTablesProxy(target: { endpoint: string; connectionString: string }): Promise<TablesProxy> {
  const upstream = new URL(target.endpoint);
  const queue: Queued[] = [];
  const requests: ProxiedRequest[] = [];
  const servers: Server[] = [];
  const doors: ProxyDoor[] = [];
  const sockets = new Set<Socket>();
  let isDown = false;

  const proxy: TablesProxy = {
    doors,
    requests,
    onRequest: undefined,
    async open() {
      const index = doors.length;
      const server = createServer((req, res) => {
        void handle(req, res, index).catch((error: unknown) => {
          if (!res.headersSent) send(res, 502, { error: String(error) });
        });
      });
      server.on("connection", (socket: Socket) => {
        if (isDown) {
          socket.destroy();
          return;
        }
        sockets.add(socket);
        socket.once("close", () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
      servers.push(server);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const endpoint = `${url}${upstream.pathname}`;
      const door: ProxyDoor = {
        index,
        url,
        connectionString: target.connectionString.replace(/TableEndpoint=[^;]*/, `TableEndpoint=${endpoint}`),
        close: () => closeServer(server),
      };
      doors.push(door);
      return door;
    },
    inject(fault, o = {}) {
      for (let i = 0; i < (o.times ?? 1); i++) queue.push({ fault, kind: o.kind ?? "any", table: o.table });
    },
    pending: () => queue.length,
    clearFaults() {
      queue.length = 0;
    },
    down() {
      isDown = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    up() {
      isDown = false;
    },
    async close() {
      await Promise.all(servers.map((s) => closeServer(s)));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse, door: number): Promise<void> {
    const body = await readBody(req);
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://proxy").pathname;
    const kind = method === "GET" || method === "HEAD" ? "read" : "write";
    const record = (status: number) => {
      const r = { method, path, kind, status, door } as const;
      requests.push(r);
      proxy.onRequest?.(r);
    };
    if (isDown) {
      record(0);
      req.socket.destroy();
      return;
    }
    const i = queue.findIndex(
      (q) =>
        (q.kind === "any" || q.kind === kind) &&
        (q.table === undefined || path.toLowerCase().includes(q.table.toLowerCase())),
    );
    const fault = i >= 0 ? queue.splice(i, 1)[0]!.fault : undefined;
    if (fault?.kind === "reset" || fault?.kind === "hold-then-reset") {
      if (fault.kind === "hold-then-reset") await sleep(fault.ms, res);
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      record(fault.status);
      const [code, message] = CODES[fault.status] ?? ["InternalError", `injected ${fault.status}`];
      const requestId = randomUUID();
      return send(
        res,
        fault.status,
        { "odata.error": { code, message: { lang: "en-US", value: `${message}\nRequestId:${requestId}` } } },
        { "x-ms-error-code": code, "x-ms-request-id": requestId },
      );
    }
    await pass(req, res, body, (status) => record(status));
  }

  /** Sends the request on to Azurite as it came, and its answer back as it came. */
  function pass(
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
    done: (status: number) => void,
  ): Promise<void> {
    return new Promise((resolve) => {
      const headers = { ...req.headers, host: upstream.host };
      const out = forward(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (c: Buffer) => chunks.push(c));
          answer.on("end", () => {
            if (isDown || res.destroyed) {
              // Stopped while Azurite was answering: the client never hears back.
              done(0);
              req.socket.destroy();
            } else {
              done(answer.statusCode ?? 0);
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(chunks));
            }
            resolve();
          });
        },
      );
      out.on("error", () => {
        done(0);
        req.socket.destroy();
        resolve();
      });
      out.end(body);
    });
  }

  await proxy.open();
  return proxy;
}
