import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpRequest, InvocationContext, type LogLevel } from "@azure/functions";
import type { HttpHandler } from "../../src/functions/http/requests.js";
import { NO_STORE } from "../../src/functions/http/headers.js";
import { ECHO_CHARS, MAX_BODY_BYTES } from "../../src/functions/http/limits.js";
import { closeServer } from "../standin/http.js";

/** One HTTP function as registered: its route template (`incidents/{id}/ack`) and methods. */
export interface HttpFunction {
  name: string;
  route: string;
  methods: string[];
  handler: HttpHandler;
}

export interface HostOptions {
  /** Receives what the handlers log, as the Functions host would send it to Application Insights. */
  log?: (level: LogLevel, functionName: string, message: string) => void;
  /**
   * Stands in for App Service Authentication: every request reaches the handlers signed in as
   * these principal headers (principalHeaders()), and any principal headers a client sent are
   * dropped first, as the platform drops them. Undefined: nobody is signed in.
   */
  signedIn?: Readonly<Record<string, string>> | undefined;
}

/**
 * Serves Functions HTTP handlers at /api/<route> the way `func start` would, route parameters
 * included, minus function-key checks (the local replay listens on loopback only). Used where Core
 * Tools cannot be installed.
 *
 * What the host answers itself (no such route, a path it cannot decode, a handler that threw) is
 * a 4xx for a bad request and a bounded 500 without a stack for a fault, with `nosniff` like every
 * API answer. It buffers at most MAX_BODY_BYTES + 1 bytes of a body: enough for the handler to
 * see that it is too large; the rest is read and dropped.
 */
export async function serveFunctions(
  functions: readonly HttpFunction[],
  port: number,
  options: HostOptions = {},
): Promise<{ url: string; close(): Promise<void> }> {
  let invocations = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const base = `http://localhost:${(server.address() as AddressInfo).port}`;
      const route = routeOf(base, req.url ?? "/", functions);
      if ("status" in route) return reply(res, route.status, { error: route.error });
      const { url, matches } = route;
      const method = req.method ?? "GET";
      const found = matches.find((m) => m.f.methods.includes(method));
      if (!found) {
        const path = shown(url.pathname);
        if (matches.length > 0)
          return reply(
            res,
            405,
            { error: `method ${shown(method)} is not allowed at ${path}` },
            { allow: matches.flatMap((m) => m.f.methods).join(", ") },
          );
        return reply(res, 404, { error: `no function at ${path}; try /api/${functions[0]?.route ?? ""}` });
      }
      const request = new HttpRequest({
        method,
        url: url.toString(),
        headers: { ...withoutPrincipal(headersOf(req)), ...options.signedIn },
        params: found.params,
        body: { bytes: await readAtMost(req, MAX_BODY_BYTES + 1) },
      });
      const name = found.f.name;
      const context = new InvocationContext({
        invocationId: `local-${++invocations}`,
        functionName: name,
        logHandler: (level, ...args) => options.log?.(level, name, args.map(String).join(" ")),
      });
      const handler = found.f.handler;
      const response = await handler(request, context);
      const headers = new Headers(response.headers as ConstructorParameters<typeof Headers>[0]);
      let body = "";
      if (response.jsonBody !== undefined) {
        body = JSON.stringify(response.jsonBody, null, 2);
        headers.set("content-type", "application/json; charset=utf-8");
      } else if (typeof response.body === "string") {
        body = response.body;
      }
      res.writeHead(response.status ?? 200, Object.fromEntries(headers.entries()));
      res.end(body);
    })().catch((error: unknown) => {
      // A handler that throws past its own frame is a defect: its message goes to the log, never
      // to the client, which gets a short 500.
      const message = error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
      options.log?.("error", "host", `a handler threw: ${message.slice(0, 300)}`);
      reply(res, 500, { error: "internal error", reason: "a handler failed on this request; the log says where" });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${actual}`,
    close: () => closeServer(server),
  };
}

/** The route a request path names, or the 400 it gets when the path cannot be decoded. */
function routeOf(
  base: string,
  target: string,
  functions: readonly HttpFunction[],
): { url: URL; matches: { f: HttpFunction; params: Record<string, string> }[] } | { status: number; error: string } {
  let url: URL;
  try {
    // Origin-form targets ("/api/...", even "//x/api/...") are paths on this host.
    url = new URL(target.startsWith("/") ? `${base}${target}` : target);
  } catch {
    return { status: 400, error: "the request target is not a valid path" };
  }
  const path = url.pathname.startsWith("/api/") ? url.pathname.slice(5) : undefined;
  try {
    const matches =
      path === undefined
        ? []
        : functions.flatMap((f) => {
            const params = match(f.route, path);
            return params ? [{ f, params }] : [];
          });
    return { url, matches };
  } catch (error) {
    // decodeURIComponent: `%ZZ`, a lone `%` or a cut UTF-8 sequence is a bad request, not a fault.
    if (error instanceof URIError)
      return { status: 400, error: `the path ${shown(url.pathname)} is not valid percent-encoding (RFC 3986)` };
    throw error;
  }
}

/** At most ECHO_CHARS of a client's text, as the answers quote it. */
const shown = (text: string) => (text.length > ECHO_CHARS ? `${text.slice(0, ECHO_CHARS)}…` : text);

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  // A body nobody read (a 404 answered before reading it) is drained, so keep-alive connections
  // stay usable for the next request.
  res.req.resume();
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...NO_STORE, ...headers });
  res.end(JSON.stringify(body));
}

/** The body's first `max` bytes; the rest is read and dropped, so the connection stays usable. */
function readAtMost(req: IncomingMessage, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      if (size >= max) return;
      const part = c.subarray(0, max - size);
      chunks.push(part);
      size += part.byteLength;
      if (size >= max) resolve(Buffer.concat(chunks));
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A client cannot sign itself in: the platform's principal headers are the platform's alone. */
function withoutPrincipal(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([k]) => !k.toLowerCase().startsWith("x-ms-client-principal")),
  );
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Matches `incidents/{id}/ack` against a path, returning the parameters. */
function match(template: string, path: string): Record<string, string> | undefined {
  const t = template.split("/");
  const p = path.split("/");
  if (t.length !== p.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i] as string;
    const value = decodeURIComponent(p[i] as string);
    if (seg.startsWith("{") && seg.endsWith("}")) params[seg.slice(1, -1)] = value;
    else if (seg !== value) return undefined;
  }
  return params;
}
