import { describe, expect, it } from "vitest";
import { HttpRequest, type HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Runtime } from "../../src/app/runtime.js";
import {
  CloseBody,
  endpoint,
  incidentIdOf,
  IncidentsQuery,
  parseBody,
  parseQuery,
  silenceBody,
} from "../../src/functions/http/requests.js";
import { MAX_BODY_BYTES } from "../../src/functions/http/limits.js";
import { at } from "../fixtures/incidents.js";

// These cases run the request frame itself (the `endpoint` wrapper, parseBody, parseQuery, the ID
// checks) around a probe handler, so they hold whatever each endpoint does with a valid request.

const NOW = at(30);
const URL_BASE = "http://localhost:7071/api";

function context() {
  const logs: [string, string][] = [];
  const ctx = new InvocationContext({
    invocationId: "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a98",
    functionName: "probe",
    logHandler: (level, ...args) => logs.push([level, args.join(" ")]),
  });
  return { ctx, logs };
}

const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  new HttpRequest({ method: "POST", url: `${URL_BASE}/silences`, headers, body: { string: body } });

/** An endpoint that parses a body with `schema` and echoes it: what every write does first. */
const writes = (schema: Parameters<typeof parseBody>[1]) =>
  endpoint(
    "probe",
    "POST",
    () => ({}) as Runtime,
    async (_rt, request) => {
      const body = await parseBody(request, schema);
      return body.ok ? { status: 200, jsonBody: { ok: true } } : body.response;
    },
  );

const size = (res: HttpResponseInit) => Buffer.byteLength(JSON.stringify(res.jsonBody ?? ""));

/** A silence whose severities list holds `n` invalid values: one problem per element. */
function manyInvalidSeverities(n: number): string {
  return JSON.stringify({
    matchers: { vault: "kv-app", severities: Array.from({ length: n }, () => "SEV-9") },
    duration: "1h",
    comment: "maintenance",
  });
}

describe("a body limit on every write", () => {
  const create = writes(silenceBody(NOW));

  it("answers 413 from a declared Content-Length over 64 KiB, naming the limit, without reading it", async () => {
    const declared = post("{}", { "content-type": "application/json", "content-length": "8388608" });
    const res = await create(declared, context().ctx);
    expect(res.status).toBe(413);
    expect(res.jsonBody).toEqual({
      error: "the body is 8,388,608 bytes; the most a request may carry is 65,536 bytes (64 KiB)",
      limitBytes: MAX_BODY_BYTES,
    });
    // The probe never read it: the stream is still there to be read.
    expect(declared.bodyUsed).toBe(false);
  });

  it("answers 413 for a body without a length once more than 64 KiB have been read (chunked)", async () => {
    const res = await create(post(manyInvalidSeverities(10_000)), context().ctx);
    expect(res.status).toBe(413);
    expect(res.jsonBody).toMatchObject({ error: expect.stringMatching(/^the body is more than 65,536 bytes/) });
  });

  it("answers a large invalid array just under the limit with ten problems and a count, in a few kilobytes", async () => {
    // "SEV-9", is 8 bytes: 8,000 elements fill about 64,000 of the 65,536 bytes allowed.
    const body = manyInvalidSeverities(8_000);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY_BYTES - 2_000);
    const res = await create(post(body), context().ctx);
    expect(res.status).toBe(400);
    const problems = (res.jsonBody as { problems: string[] }).problems;
    expect(problems).toHaveLength(11);
    expect(problems[0]).toBe("matchers.severities[0]: expected one of SEV-1, SEV-2, SEV-3, SEV-4");
    expect(problems[10]).toBe("… and 7990 more");
    expect(size(res)).toBeLessThan(2_000);
  });

  it("answers the same array just over the limit with 413, not with a list of its problems", async () => {
    const body = manyInvalidSeverities(8_200);
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY_BYTES);
    const res = await create(post(body), context().ctx);
    expect(res.status).toBe(413);
    expect(size(res)).toBeLessThan(200);
  });
});

describe("JSON content type on writes", () => {
  const close = writes(CloseBody);
  const valid = JSON.stringify({ note: "the role assignment is back" });

  it.each(["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"])(
    "takes %s",
    async (type) => {
      const res = await close(post(valid, { "content-type": type }), context().ctx);
      // Parsed: whatever the schema says now, the answer is not about the content type.
      expect(res.status).not.toBe(415);
    },
  );

  it.each([
    ["text/plain", '"text/plain"'],
    ["application/x-www-form-urlencoded", '"application/x-www-form-urlencoded"'],
    ["application/json; charset=utf-16", '"application/json; charset=utf-16"'],
    ["application/jsonp", '"application/jsonp"'],
  ])("refuses %s with 415", async (type, shown) => {
    const res = await close(post(valid, { "content-type": type }), context().ctx);
    expect(res).toMatchObject({
      status: 415,
      headers: { accept: "application/json" },
      jsonBody: { error: `the body must be JSON sent with content-type: application/json (got ${shown})` },
    });
  });

  it("refuses a body sent without a content type with 415, and an empty one with 400", async () => {
    // As bytes, as a host passes a body: a string body would get fetch's implicit text/plain.
    const untyped = new HttpRequest({
      method: "POST",
      url: `${URL_BASE}/incidents/0123456789abcdef/close`,
      body: { bytes: Buffer.from(valid) },
    });
    expect(untyped.headers.get("content-type")).toBeNull();
    expect(await close(untyped, context().ctx)).toMatchObject({
      status: 415,
      jsonBody: { error: "the body must be JSON sent with content-type: application/json (got none)" },
    });
    expect(await close(post("", {}), context().ctx)).toMatchObject({
      status: 400,
      jsonBody: { error: "the body is empty; expected a JSON object" },
    });
  });

  it("quotes at most 80 characters of a long content type", async () => {
    const res = await close(post(valid, { "content-type": `text/${"x".repeat(5_000)}` }), context().ctx);
    expect(res.status).toBe(415);
    expect(size(res)).toBeLessThan(200);
  });

  it("refuses a body that is not UTF-8 with 400", async () => {
    const request = new HttpRequest({
      method: "POST",
      url: `${URL_BASE}/incidents/0123456789abcdef/close`,
      headers: { "content-type": "application/json" },
      body: { bytes: Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
    });
    expect(await close(request, context().ctx)).toMatchObject({
      status: 400,
      jsonBody: { error: "the body is not valid UTF-8; expected a JSON object" },
    });
  });
});

describe("control characters in what reaches logs and notices", () => {
  const problemsOf = async (handler: ReturnType<typeof writes>, body: unknown) => {
    const res = await handler(post(JSON.stringify(body)), context().ctx);
    expect(res.status).toBe(400);
    return (res.jsonBody as { problems: string[] }).problems;
  };
  const refused = (field: string, what: string) =>
    `${field}: expected ${what} without control characters (line breaks, tabs, escapes, bidirectional overrides)`;

  it.each([
    ["a line break", "rolled back\n2026-11-20T01:30:00Z INFO incident-close closed by admin"],
    ["a terminal escape", "done \u001b[2K\u001b[1Gall clear"],
    ["a right-to-left override", "rolled back \u202Ekcab dellor"],
    ["a line separator", "rolled back\u2028forged"],
    ["a C1 control", "rolled back\u0085forged"],
  ])("refuses a close reason with %s", async (_what, note) => {
    expect(await problemsOf(writes(CloseBody), { note })).toContain(refused("note", "a reason"));
  });

  it("refuses them in a silence's comment and matchers", async () => {
    const problems = await problemsOf(writes(silenceBody(NOW)), {
      matchers: { vault: "kv-app\r\nkv-other", identity: "id-\torders" },
      duration: "1h",
      comment: "window\u0000",
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        refused("matchers.vault", "a vault name or ARM ID"),
        refused("matchers.identity", "an identity's object ID, client ID or name"),
        refused("comment", "a comment"),
      ]),
    );
  });

  it("keeps text that only looks unusual: accents, emoji, other scripts", async () => {
    const res = await writes(CloseBody)(post(JSON.stringify({ note: "Zoë rolled back — 回滚 ✅" })), context().ctx);
    expect(JSON.stringify(res.jsonBody)).not.toContain("control characters");
  });
});

describe("bounded error answers", () => {
  it("cuts a long unknown field name to 80 characters, and lists at most ten of them", async () => {
    const body = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${i}${"k".repeat(1_000)}`, 1]));
    const res = await writes(CloseBody)(post(JSON.stringify({ note: "x", ...body })), context().ctx);
    const problems = (res.jsonBody as { problems: string[] }).problems;
    expect(problems).toHaveLength(11);
    expect(problems[0]).toBe(`["0${"k".repeat(79)}…"]: unknown field`);
    expect(problems.at(-1)).toMatch(/^… and \d+ more$/);
    expect(size(res)).toBeLessThan(2_000);
  });

  it("quotes at most 80 characters of a bad ID, escaped", () => {
    const request = new HttpRequest({
      method: "GET",
      url: `${URL_BASE}/incidents/x`,
      params: { id: `\n${"%ZZ".repeat(3_000)}` },
    });
    const id = incidentIdOf(request);
    expect(id.ok).toBe(false);
    const problems = !id.ok && (id.response.jsonBody as { problems: string[] }).problems;
    expect(problems).toEqual([
      `id: expected an incident ID of 16 hex digits (got ${JSON.stringify(`\n${"%ZZ".repeat(3_000)}`.slice(0, 80))}…)`,
    ]);
  });

  it("names a long unknown query parameter in a short line", () => {
    const request = new HttpRequest({ method: "GET", url: `${URL_BASE}/incidents?${"q".repeat(4_000)}=1` });
    const q = parseQuery(request, IncidentsQuery);
    expect(!q.ok && JSON.stringify(q.response.jsonBody).length).toBeLessThan(300);
  });
});

describe("the frame every answer goes through", () => {
  const get = (path = "/incidents") => new HttpRequest({ method: "GET", url: `${URL_BASE}${path}` });

  it("puts nosniff (and no-store) on every answer, including ones a handler built by hand", async () => {
    const bare = endpoint(
      "probe",
      "GET",
      () => ({}) as Runtime,
      async () => ({ status: 200, jsonBody: [] }),
    );
    const cached = endpoint(
      "probe",
      "GET",
      () => ({}) as Runtime,
      async () => ({
        status: 200,
        headers: new Headers({ "cache-control": "max-age=60", "x-content-type-options": "sniff-away" }),
        jsonBody: [],
      }),
    );
    const answers = [
      await bare(get(), context().ctx),
      await bare(new HttpRequest({ method: "PUT", url: `${URL_BASE}/incidents` }), context().ctx),
      await cached(get(), context().ctx),
      await writes(CloseBody)(post("{", { "content-type": "text/plain" }), context().ctx),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 405, 200, 415]);
    for (const a of answers) expect(a.headers).toMatchObject({ "x-content-type-options": "nosniff" });
    expect(answers[0]?.headers).toMatchObject({ "cache-control": "no-store" });
    expect(answers[2]?.headers).toMatchObject({ "cache-control": "max-age=60" });
  });

  it("answers a defect (a TypeError) with a short 500 naming the invocation, the message only in the log", async () => {
    const broken = endpoint(
      "probe",
      "GET",
      () => ({}) as Runtime,
      async () => {
        const record = JSON.parse("null") as { responder: { state: string } };
        return { jsonBody: record.responder.state };
      },
    );
    const { ctx, logs } = context();
    const res = await broken(get(), ctx);
    expect(res).toMatchObject({
      status: 500,
      jsonBody: {
        error: "internal error",
        reason: `vaultwatch failed on this request; the log of invocation ${ctx.invocationId} says where`,
      },
    });
    expect(JSON.stringify(res.jsonBody)).not.toMatch(/responder|null|at /);
    expect(logs).toEqual([
      ["error", expect.stringMatching(/^probe: internal error: TypeError: Cannot read properties of null.* \(at /)],
    ]);
  });

  it("answers a failed dependency with 503 and one line, with any key in the message redacted", async () => {
    const key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    const down = endpoint(
      "probe",
      "GET",
      () => ({}) as Runtime,
      async () => {
        throw new Error(`connect ECONNREFUSED for AccountName=st;AccountKey=${key};\n    at Socket.connect`);
      },
    );
    const { ctx, logs } = context();
    const res = await down(get(), ctx);
    expect(res).toMatchObject({
      status: 503,
      jsonBody: {
        error: "unavailable",
        reason:
          "the state store could not be read or written: connect ECONNREFUSED for AccountName=st;AccountKey=<redacted>;",
      },
    });
    expect(JSON.stringify([res, logs])).not.toContain(key.slice(0, 20));
  });

  it("writes what a handler logs about a request on one line, control characters spelled out", async () => {
    const echo = endpoint(
      "probe",
      "POST",
      () => ({}) as Runtime,
      async (_rt, request, context) => {
        const body = (await request.json()) as { who: string };
        context.log(`probe: acknowledged by ${body.who}`);
        context.warn("probe:", body.who);
        return { status: 200 };
      },
    );
    const { ctx, logs } = context();
    await echo(post(JSON.stringify({ who: "mallory\n2026-11-20 ERROR monitor stopped\u001b[31m" })), ctx);
    expect(logs).toEqual([
      ["information", "probe: acknowledged by mallory\\n2026-11-20 ERROR monitor stopped\\u001b[31m"],
      ["warning", "probe: mallory\\n2026-11-20 ERROR monitor stopped\\u001b[31m"],
    ]);
  });
});
