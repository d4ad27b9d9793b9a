import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, request as httpRequest } from "node:http";
import type { LogLevel } from "@azure/functions";
import type { Runtime } from "../../src/app/runtime.js";
import { CloseBody, endpoint, incidentIdOf, parseBody } from "../../src/functions/http/requests.js";
import { serveFunctions } from "../../tools/local/http-host.js";

// The local host `npm start` serves the API through: what it answers itself, and what it hands
// the handlers, over real HTTP.

const noRuntime = () => ({}) as Runtime;
const logs: [LogLevel, string, string][] = [];
let host: { url: string; close(): Promise<void> };

beforeAll(async () => {
  host = await serveFunctions(
    [
      {
        name: "incident",
        route: "incidents/{id}",
        methods: ["GET"],
        handler: endpoint("incident", "GET", noRuntime, async (_rt, request) => {
          const id = incidentIdOf(request);
          return id.ok ? { status: 200, jsonBody: { id: id.value } } : id.response;
        }),
      },
      {
        name: "incident-close",
        route: "incidents/{id}/close",
        methods: ["POST"],
        handler: endpoint("incident-close", "POST", noRuntime, async (_rt, request, context) => {
          const body = await parseBody(request, CloseBody);
          if (!body.ok) return body.response;
          context.log(`incident-close: ${body.value.note}`);
          return { status: 200, jsonBody: { closed: true } };
        }),
      },
      {
        name: "broken",
        route: "broken",
        methods: ["GET"],
        // A handler outside the endpoint frame that throws: the host's own last line of defence.
        handler: async () => {
          throw new Error("secret-looking detail\n    at Object.<anonymous> (/home/site/wwwroot/dist/x.js:1:1)");
        },
      },
    ],
    0,
    { log: (level, name, message) => logs.push([level, name, message]) },
  );
});
afterAll(() => host.close());

async function get(path: string) {
  const res = await fetch(`${host.url}${path}`);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe("paths the local host cannot decode", () => {
  it.each(["/api/incidents/%ZZ", "/api/incidents/%E0%A4%A", "/api/incidents/%", "/api/%C0%AF/close"])(
    "answers %s with 400, not 500",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toEqual({
        error: expect.stringMatching(/^the path \/api\/.* is not valid percent-encoding \(RFC 3986\)$/),
      });
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    },
  );

  it("hands a decoded line break to the handler, which refuses the ID and quotes it escaped", async () => {
    const res = await get("/api/incidents/0123456789abcdef%0A");
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({
      error: "invalid request",
      problems: ['id: expected an incident ID of 16 hex digits (got "0123456789abcdef\\n")'],
    });
  });

  it("answers an unknown 8 KB path with a short 404", async () => {
    const res = await get(`/api/${"x".repeat(8_000)}`);
    expect(res.status).toBe(404);
    expect(res.text.length).toBeLessThan(300);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("a handler that throws past its frame", () => {
  it("answers a short 500 without its message or stack; the log has the message", async () => {
    const res = await get("/api/broken");
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toEqual({
      error: "internal error",
      reason: "a handler failed on this request; the log says where",
    });
    expect(logs).toContainEqual(["error", "host", "a handler threw: Error: secret-looking detail"]);
  });
});

describe("bodies", () => {
  /** POSTs `chunks` without a Content-Length (chunked), on `agent`, and reads the answer. */
  function chunked(agent: Agent, path: string, chunks: string[]): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${host.url}${path}`, {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      });
      req.on("response", (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString("utf8") }));
      });
      req.on("error", reject);
      for (const c of chunks) req.write(c);
      req.end();
    });
  }

  it("answers a 1 MB chunked body with 413 and keeps the connection for the next request", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const note = "x".repeat(1024 * 1024);
      const big = await chunked(agent, "/api/incidents/0123456789abcdef/close", [
        '{"note":"',
        ...note.match(/.{1,16384}/g)!,
        '"}',
      ]);
      expect(big.status).toBe(413);
      expect(JSON.parse(big.text)).toMatchObject({
        error: expect.stringMatching(/^the body is more than 65,536 bytes/),
      });
      const small = await chunked(agent, "/api/incidents/0123456789abcdef/close", ['{"note":"rolled back"}']);
      expect(small.status).toBe(200);
    } finally {
      agent.destroy();
    }
  });
});
