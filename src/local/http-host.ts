import { createServer, type IncomingMessage, type Server } from "node:http";
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { closeServer, readBody } from "../standin/http.js";

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/**
 * Serves Functions HTTP handlers at /api/<route> the way `func start` would, minus function-key
 * checks (the local replay listens on loopback only). Used where Core Tools cannot be installed.
 */
export async function serveFunctions(routes: Record<string, HttpHandler>, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", `http://localhost:${port}`);
      const route = url.pathname.replace(/^\/api\//, "");
      const handler = url.pathname.startsWith("/api/") ? routes[route] : undefined;
      if (!handler) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: `no function at ${url.pathname}; try /api/${Object.keys(routes)[0]}` }));
        return;
      }
      const request = new HttpRequest({ method: req.method ?? "GET", url: url.toString(), headers: headersOf(req), body: { string: await readBody(req) } });
      const context = new InvocationContext({ functionName: route, logHandler: () => undefined });
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
