import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** Small HTTP helpers the local stand-ins and the local Functions host share. */

/** Answers with JSON (or text as given), unless the client has gone or an answer was sent. */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Waits, but stops early if the client gives up (so a held request never outlives its socket). */
export function sleep(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Applies the transport part of an injected fault: close the connection unanswered, or hold the
 * request. True when nothing more should be sent (dropped, or the client gave up while held).
 */
export async function applyTransportFault(
  fault: { kind: string; ms?: number } | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  record: (status: number) => void,
): Promise<boolean> {
  if (fault?.kind === "drop") {
    record(0);
    req.socket.destroy();
    return true;
  }
  if (fault?.kind === "delay" && fault.ms !== undefined) await sleep(fault.ms, res);
  return res.destroyed;
}

/** Stops a server now: open keep-alive connections are closed too, so nothing is left listening. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
