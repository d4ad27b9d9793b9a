import { createServer, type IncomingMessage, type Server } from "node:http";
import { HttpRequest, InvocationContext } from "@azure/functions";
import type { HttpHandler } from "../../src/functions/http/requests.js";
import { closeServer, readBody } from "../standin/http.js";

/** One HTTP function as registered: its route template (`incidents/{id}/ack`) and methods. */
export interface HttpFunction {
  name: string;
  route: string;
  methods: string[];
  handler: HttpHandler;
}

/**
 * Serves Functions HTTP handlers at /api/<route> the way `func start` would, route parameters
 * included, minus function-key checks (the local replay listens on loopback only). Used where Core
 * Tools cannot be installed.
 */
export async function serveFunctions(
  functions: readonly HttpFunction[],
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", `http://localhost:${port}`);
      const path = url.pathname.startsWith("/api/") ? url.pathname.slice(5) : undefined;
      const matches =
        path === undefined
          ? []
          : functions.flatMap((f) => {
              const params = match(f.route, path);
              return params ? [{ f, params }] : [];
            });
      const method = req.method ?? "GET";
      const found = matches.find((m) => m.f.methods.includes(method));
      if (!found) {
        const status = matches.length > 0 ? 405 : 404;
        res.writeHead(status, {
          "content-type": "application/json",
          ...(status === 405 ? { allow: matches.flatMap((m) => m.f.methods).join(", ") } : {}),
        });
        res.end(
          JSON.stringify({
            error:
              status === 405
                ? `method ${method} is not allowed at ${url.pathname}`
                : `no function at ${url.pathname}; try /api/${functions[0]?.route ?? ""}`,
          }),
        );
        return;
      }
      const request = new HttpRequest({
        method,
        url: url.toString(),
        headers: headersOf(req),
        params: found.params,
        body: { string: await readBody(req) },
      });
      const context = new InvocationContext({ functionName: found.f.name, logHandler: () => undefined });
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
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(error) }));
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
