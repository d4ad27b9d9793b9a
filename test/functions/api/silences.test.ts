import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { createSilencesHandlers as silencesHandlers } from "../../../src/functions/handlers/silences.js";
import type { Runtime } from "../../../src/app/runtime.js";
import type { SilenceStore } from "../../../src/core/ports/ports.js";
import { freshPrefix, startStack, type Stack } from "../../harness/stack.js";
import { at } from "../../fixtures/incidents.js";
import { ALICE, as, BOB, NO_SIGN_IN, PLATFORM, REN } from "./principals.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({});
});
afterAll(() => stack.close());

const NOW = at(30);
const BASE = "http://localhost:7071/api/silences";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function context() {
  const logs: [string, string][] = [];
  const ctx = new InvocationContext({
    invocationId: "7a1e3c5b-2d4f-4a6b-8c9d-0e1f2a3b4c5d",
    functionName: "silences",
    logHandler: (level, ...args) => logs.push([level, args.join(" ")]),
  });
  return { ctx, logs };
}

/** Alice runs the platform: an Admin. Requests are hers unless `headers` says otherwise. */
const ALICE_ADMIN = as(ALICE, "Admin");

const request = (
  method: string,
  path: string,
  o: { id?: string; body?: unknown; headers?: Record<string, string> } = {},
) =>
  new HttpRequest({
    method,
    url: `${BASE}${path}`,
    ...(o.id !== undefined ? { params: { id: o.id } } : {}),
    headers: { ...(o.body !== undefined ? { "content-type": "application/json" } : {}), ...(o.headers ?? ALICE_ADMIN) },
    ...(o.body !== undefined ? { body: { string: typeof o.body === "string" ? o.body : JSON.stringify(o.body) } } : {}),
  });

/** The handlers of an app behind App Service Authentication (`trust`: NO_SIGN_IN for one without). */
const createSilencesHandlers = (getRuntime: () => Runtime, trust = PLATFORM) =>
  silencesHandlers(getRuntime, () => trust);

/** A runtime on tables of its own whose clock the case moves. */
function runtime(): { rt: Runtime; clock: { now: Date } } {
  const clock = { now: NOW };
  return { rt: stack.runtime({ clock: () => clock.now }, { STATE_TABLE_PREFIX: freshPrefix() }), clock };
}

const deploy = {
  matchers: { vault: "kv-app", rule: "kv-auth-denied" },
  duration: "2h",
  comment: "rotating the app's role assignments",
};

interface SilenceView {
  id: string;
  status: string;
  startsAt: string;
  endsAt: string;
  expiredAt: string | null;
}

describe("POST /api/silences", () => {
  it("creates an active silence for a duration, with its Location, and the store has it", async () => {
    const { rt } = runtime();
    const { ctx, logs } = context();
    const res = await createSilencesHandlers(() => rt).create(request("POST", "", { body: deploy }), ctx);
    expect(res.status).toBe(201);
    const body = res.jsonBody as SilenceView;
    expect(body).toEqual({
      id: expect.stringMatching(UUID),
      status: "active",
      matchers: { vault: "kv-app", rule: "kv-auth-denied" },
      startsAt: NOW.toISOString(),
      endsAt: at(150).toISOString(),
      createdBy: "alice@contoso.com",
      createdByObjectId: ALICE.objectId,
      comment: "rotating the app's role assignments",
      createdAt: NOW.toISOString(),
      expiredAt: null,
      expiredBy: null,
      expiredByObjectId: null,
    });
    expect(res.headers).toMatchObject({ location: `/api/silences/${body.id}`, "cache-control": "no-store" });
    const stored = await rt.silences.get(body.id);
    expect(stored.status === "found" && stored.stored.value.endsAt).toEqual(at(150));
    // Who, what and when; the comment stays out of the log.
    expect(logs).toEqual([
      [
        "information",
        `silence-create ${body.id}: active from ${NOW.toISOString()} to ${at(150).toISOString()}, muting {"rule":"kv-auth-denied","vault":"kv-app"}, by alice@contoso.com (${ALICE.objectId})`,
      ],
    ]);
  });

  it("schedules a maintenance window that starts later", async () => {
    const { rt } = runtime();
    const res = await createSilencesHandlers(() => rt).create(
      request("POST", "", {
        body: {
          matchers: { app: "orders", severities: ["SEV-3", "SEV-2"] },
          startsAt: "2026-11-20T22:00:00Z",
          endsAt: "2026-11-21T00:00:00+01:00",
          comment: "vault migration",
        },
      }),
      context().ctx,
    );
    expect(res.status).toBe(201);
    expect(res.jsonBody).toMatchObject({
      status: "scheduled",
      matchers: { app: "orders", severities: ["SEV-2", "SEV-3"] },
      startsAt: "2026-11-20T22:00:00.000Z",
      endsAt: "2026-11-20T23:00:00.000Z",
    });
  });

  it("refuses a silence that would mute everything, with the reason", async () => {
    const { rt } = runtime();
    const create = createSilencesHandlers(() => rt).create;
    const empty = await create(request("POST", "", { body: { ...deploy, matchers: {} } }), context().ctx);
    expect(empty).toMatchObject({
      status: 400,
      jsonBody: {
        error: "invalid request",
        problems: [
          expect.stringMatching(
            /^matchers: needs at least one of rule, vault, identity, app, severities: a silence without matchers would mute every incident$/,
          ),
        ],
      },
    });
    const everySeverity = await create(
      request("POST", "", { body: { ...deploy, matchers: { severities: ["SEV-1", "SEV-2", "SEV-3", "SEV-4"] } } }),
      context().ctx,
    );
    expect(everySeverity.jsonBody).toEqual({
      error: "invalid request",
      problems: [
        "matchers.severities: lists every severity, which alone would mute every incident; add rule, vault, identity or app",
      ],
    });
    expect((await rt.silences.list()).silences).toEqual([]);
  });

  it("refuses times that make no sense, naming the field", async () => {
    const { rt } = runtime();
    const create = async (body: unknown) =>
      (await createSilencesHandlers(() => rt).create(request("POST", "", { body }), context().ctx)).jsonBody;
    const { duration: _, ...noEnd } = deploy;
    expect(await create({ ...noEnd, startsAt: "2026-11-20T03:00:00Z", endsAt: "2026-11-20T02:00:00Z" })).toEqual({
      error: "invalid request",
      problems: ["endsAt: must end after startsAt (2026-11-20T03:00:00.000Z)"],
    });
    expect(await create({ ...noEnd, startsAt: "2026-11-19T03:00:00Z", endsAt: "2026-11-19T04:00:00Z" })).toEqual({
      error: "invalid request",
      problems: ["endsAt: must end in the future (now is 2026-11-20T01:30:00.000Z)"],
    });
    expect(await create({ ...deploy, duration: "31d" })).toEqual({
      error: "invalid request",
      problems: ["duration: a silence lasts at most 30 days"],
    });
    expect(await create({ ...deploy, endsAt: "2026-11-20T05:00:00Z" })).toEqual({
      error: "invalid request",
      problems: ["duration: give exactly one of endsAt and duration"],
    });
    expect(await create(noEnd)).toEqual({
      error: "invalid request",
      problems: ["endsAt: give exactly one of endsAt and duration"],
    });
    expect(await create({ ...deploy, duration: "2 hours" })).toEqual({
      error: "invalid request",
      problems: ['duration: expected a duration such as "90s", "15m", "4h" or "1d"'],
    });
    expect(await create({ ...noEnd, endsAt: "tomorrow" })).toEqual({
      error: "invalid request",
      problems: ["endsAt: expected an ISO 8601 date-time with a time zone, e.g. 2026-11-20T22:00:00Z"],
    });
  });

  it("refuses bad matchers, missing names and unknown fields, naming each", async () => {
    const { rt } = runtime();
    const res = await createSilencesHandlers(() => rt).create(
      request("POST", "", {
        body: {
          matchers: { rule: "kv-slow", severities: ["SEV-9"], vaults: "kv-app" },
          duration: "1h",
          createdBy: "alice",
          comment: "",
          reason: "x",
        },
      }),
      context().ctx,
    );
    expect(res.status).toBe(400);
    expect((res.jsonBody as { problems: string[] }).problems.sort()).toEqual([
      "comment: expected a comment of 1-500 characters",
      "createdBy: not accepted: the creator is the signed-in person (App Service Authentication); leave createdBy out",
      "matchers.rule: expected one of kv-auth-denied, kv-throttled, control-plane, network, monitor",
      "matchers.severities[0]: expected one of SEV-1, SEV-2, SEV-3, SEV-4",
      "matchers.vaults: unknown field",
      "reason: unknown field",
    ]);
    expect(
      (await createSilencesHandlers(() => rt).create(request("POST", "", { body: "{matchers:" }), context().ctx))
        .jsonBody,
    ).toEqual({ error: "the body is not valid JSON" });
  });

  it("names the first ten problems of a body with many, and counts the rest, so the answer stays small", async () => {
    const { rt } = runtime();
    // 7,000 elements of `"SEV-9",` (8 bytes) stay under the 64 KiB body limit (src/functions/http/limits.ts).
    const body = { ...deploy, matchers: { severities: Array.from({ length: 7_000 }, () => "SEV-9") } };
    const res = await createSilencesHandlers(() => rt).create(request("POST", "", { body }), context().ctx);
    expect(res.status).toBe(400);
    const problems = (res.jsonBody as { problems: string[] }).problems;
    expect(problems).toHaveLength(11);
    expect(problems[0]).toBe("matchers.severities[0]: expected one of SEV-1, SEV-2, SEV-3, SEV-4");
    expect(problems[10]).toBe("… and 6990 more");
    expect(JSON.stringify(res.jsonBody).length).toBeLessThan(2_000);
  });
});

describe("what no silence may mute", () => {
  const create = async (matchers: unknown) => {
    const { rt } = runtime();
    const res = await createSilencesHandlers(() => rt).create(
      request("POST", "", { body: { ...deploy, matchers } }),
      context().ctx,
    );
    return { res, stored: (await rt.silences.list()).silences };
  };

  it("refuses a silence of the monitor's own alerts, with the reason, even from an Admin", async () => {
    const { res, stored } = await create({ rule: "monitor" });
    expect(res).toMatchObject({
      status: 400,
      jsonBody: {
        error: "invalid request",
        problems: [
          "matchers.rule: the monitor's own alerts cannot be silenced: they say it cannot see, and every other alert may be missing; fix what it reports instead (GET /api/health)",
        ],
      },
    });
    expect(stored).toEqual([]);
    // Narrowed further, it is the same mute of the same alerts.
    expect((await create({ rule: "monitor", severities: ["SEV-3"] })).res.status).toBe(400);
  });

  it("refuses a silence of every paging severity at once, and allows what leaves a page standing", async () => {
    const pages = await create({ severities: ["SEV-2", "SEV-1"] });
    expect(pages.res).toMatchObject({
      status: 400,
      jsonBody: {
        problems: [
          "matchers.severities: lists every paging severity (SEV-1, SEV-2), which alone would mute every page; add rule, vault, identity or app",
        ],
      },
    });
    expect(pages.stored).toEqual([]);
    expect((await create({ severities: ["SEV-1", "SEV-2", "SEV-3"] })).res.status).toBe(400);
    // One paging severity across everything leaves SEV-1 paging; tickets alone page nobody;
    // every page of one rule leaves the other rules paging.
    expect((await create({ severities: ["SEV-2"] })).res.status).toBe(201);
    expect((await create({ severities: ["SEV-3", "SEV-4"] })).res.status).toBe(201);
    expect((await create({ rule: "kv-auth-denied", severities: ["SEV-1", "SEV-2"] })).res.status).toBe(201);
  });
});

describe("who may silence", () => {
  it("needs an Admin to create or expire one: a Responder gets 403 naming the role, a Reader may list", async () => {
    const { rt } = runtime();
    const h = createSilencesHandlers(() => rt);
    const responder = as(BOB, "Responder");
    const refused = await h.create(request("POST", "", { body: deploy, headers: responder }), context().ctx);
    expect(refused).toMatchObject({
      status: 403,
      jsonBody: {
        error: "forbidden",
        reason:
          "creating or expiring a silence needs the Admin app role (or a higher one); bob@contoso.com has Responder",
        role: "Admin",
      },
    });
    expect((await rt.silences.list()).silences).toEqual([]);

    const created = (await h.create(request("POST", "", { body: deploy }), context().ctx)).jsonBody as SilenceView;
    const expiring = await h.expire(
      request("DELETE", `/${created.id}`, { id: created.id, headers: responder }),
      context().ctx,
    );
    expect(expiring).toMatchObject({ status: 403, jsonBody: { role: "Admin" } });
    const listed = await h.list(request("GET", "", { headers: as(REN, "Reader") }), context().ctx);
    expect(listed).toMatchObject({ status: 200, jsonBody: { silences: [{ id: created.id, status: "active" }] } });
  });

  it("refuses a silence from a function key alone, and a forged principal where sign-in is off", async () => {
    const { rt } = runtime();
    const keyOnly = await createSilencesHandlers(() => rt).create(
      request("POST", "", { body: deploy, headers: {} }),
      context().ctx,
    );
    expect(keyOnly).toMatchObject({ status: 401, jsonBody: { error: "unauthenticated" } });
    const forged = await createSilencesHandlers(() => rt, NO_SIGN_IN).create(
      request("POST", "", { body: deploy }),
      context().ctx,
    );
    expect(forged).toMatchObject({
      status: 401,
      jsonBody: { reason: expect.stringContaining("they are not trusted: App Service Authentication is off") },
    });
    expect((await rt.silences.list()).silences).toEqual([]);
  });

  it("keeps the audit trail in the API: who muted what and when, who ended it and when", async () => {
    const { rt, clock } = runtime();
    const h = createSilencesHandlers(() => rt);
    const created = (await h.create(request("POST", "", { body: deploy }), context().ctx)).jsonBody as SilenceView;
    clock.now = at(45);
    const { ctx, logs } = context();
    await h.expire(request("DELETE", `/${created.id}`, { id: created.id, headers: as(BOB, "Admin") }), ctx);
    expect(logs).toEqual([
      [
        "information",
        `silence-expire ${created.id}: expired at ${at(45).toISOString()} by bob@contoso.com (${BOB.objectId})`,
      ],
    ]);
    const all = await h.list(request("GET", "?status=all", { headers: as(REN, "Reader") }), context().ctx);
    expect((all.jsonBody as { silences: unknown[] }).silences).toEqual([
      {
        id: created.id,
        status: "expired",
        matchers: { rule: "kv-auth-denied", vault: "kv-app" },
        startsAt: NOW.toISOString(),
        endsAt: at(150).toISOString(),
        createdBy: "alice@contoso.com",
        createdByObjectId: ALICE.objectId,
        comment: "rotating the app's role assignments",
        createdAt: NOW.toISOString(),
        expiredAt: at(45).toISOString(),
        expiredBy: "bob@contoso.com",
        expiredByObjectId: BOB.objectId,
      },
    ]);
  });
});

describe("GET /api/silences and DELETE /api/silences/{id}", () => {
  it("lists active and scheduled silences by default, and filters by status", async () => {
    const { rt, clock } = runtime();
    const h = createSilencesHandlers(() => rt);
    const active = (await h.create(request("POST", "", { body: deploy }), context().ctx)).jsonBody as SilenceView;
    const window = (
      await h.create(request("POST", "", { body: { ...deploy, startsAt: at(600).toISOString() } }), context().ctx)
    ).jsonBody as SilenceView;
    clock.now = at(-60);
    // Created an hour ago for 30 minutes: over by now.
    const over = (await h.create(request("POST", "", { body: { ...deploy, duration: "30m" } }), context().ctx))
      .jsonBody as SilenceView;
    clock.now = NOW;

    const list = async (query: string) =>
      ((await h.list(request("GET", query), context().ctx)).jsonBody as { silences: SilenceView[] }).silences.map(
        (s) => [s.id, s.status],
      );
    expect(await list("")).toEqual([
      [active.id, "active"],
      [window.id, "scheduled"],
    ]);
    expect(await list("?status=scheduled")).toEqual([[window.id, "scheduled"]]);
    expect(await list("?status=expired")).toEqual([[over.id, "expired"]]);
    expect(await list("?status=all&code=the-function-key")).toHaveLength(3);
    expect((await h.list(request("GET", "?status=muted"), context().ctx)).jsonBody).toEqual({
      error: "invalid request",
      problems: ["status: expected active, scheduled, expired or all"],
    });
  });

  it("expires a silence now and keeps its record, listed with status=all", async () => {
    const { rt } = runtime();
    const h = createSilencesHandlers(() => rt);
    const created = (await h.create(request("POST", "", { body: deploy }), context().ctx)).jsonBody as SilenceView;

    const res = await h.expire(request("DELETE", `/${created.id}`, { id: created.id }), context().ctx);
    expect(res.status).toBe(200);
    expect(res.jsonBody).toMatchObject({
      id: created.id,
      status: "expired",
      expiredAt: NOW.toISOString(),
      endsAt: at(150).toISOString(),
      createdBy: "alice@contoso.com",
    });

    const listed = await h.list(request("GET", ""), context().ctx);
    expect(listed.jsonBody).toMatchObject({ silences: [] });
    const all = await h.list(request("GET", "?status=all"), context().ctx);
    expect(all.jsonBody).toMatchObject({
      silences: [{ id: created.id, status: "expired", comment: "rotating the app's role assignments" }],
      unreadable: [],
    });

    // Again: nothing to do, same answer.
    const again = await h.expire(request("DELETE", `/${created.id}`, { id: created.id }), context().ctx);
    expect(again).toMatchObject({ status: 200, jsonBody: { status: "expired", expiredAt: NOW.toISOString() } });
  });

  it("cancels a maintenance window before it starts", async () => {
    const { rt } = runtime();
    const h = createSilencesHandlers(() => rt);
    const window = (
      await h.create(request("POST", "", { body: { ...deploy, startsAt: at(600).toISOString() } }), context().ctx)
    ).jsonBody as SilenceView;
    const res = await h.expire(request("DELETE", `/${window.id}`, { id: window.id }), context().ctx);
    expect(res.jsonBody).toMatchObject({ status: "expired" });
    expect((await h.list(request("GET", "?status=scheduled"), context().ctx)).jsonBody).toMatchObject({ silences: [] });
  });

  it("answers 404 for an unknown silence and 400 for an ID that is not a UUID", async () => {
    const { rt } = runtime();
    const expire = createSilencesHandlers(() => rt).expire;
    const unknown = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b";
    expect(await expire(request("DELETE", `/${unknown}`, { id: unknown }), context().ctx)).toMatchObject({
      status: 404,
      jsonBody: { error: `no silence ${unknown}` },
    });
    expect(await expire(request("DELETE", "/kv-app", { id: "kv-app" }), context().ctx)).toMatchObject({
      status: 400,
      jsonBody: { problems: ['id: expected a silence ID (a UUID) (got "kv-app")'] },
    });
  });

  it("expires it even when someone else wrote the silence between the read and the write", async () => {
    const { rt } = runtime();
    const created = (
      await createSilencesHandlers(() => rt).create(request("POST", "", { body: deploy }), context().ctx)
    ).jsonBody as SilenceView;
    let raced = false;
    const racing: SilenceStore = {
      ...rt.silences,
      async get(id) {
        const found = await rt.silences.get(id);
        if (!raced && found.status === "found") {
          raced = true;
          expect(
            (await rt.silences.save({ ...found.stored.value, comment: "extended by bob" }, found.stored.etag)).status,
          ).toBe("saved");
        }
        return found;
      },
    };
    const res = await createSilencesHandlers(() => ({ ...rt, silences: racing })).expire(
      request("DELETE", `/${created.id}`, { id: created.id }),
      context().ctx,
    );
    expect(res).toMatchObject({ status: 200, jsonBody: { status: "expired", comment: "extended by bob" } });
  });

  it("refuses other methods with 405 and answers 503 when the store fails", async () => {
    const { rt } = runtime();
    const h = createSilencesHandlers(() => rt);
    expect(await h.expire(request("POST", "/x", { id: "x" }), context().ctx)).toMatchObject({
      status: 405,
      headers: { allow: "DELETE" },
    });
    expect(await h.create(request("PUT", ""), context().ctx)).toMatchObject({
      status: 405,
      headers: { allow: "POST" },
    });
    const down: SilenceStore = {
      ...rt.silences,
      list: () => Promise.reject(new Error("getaddrinfo ENOTFOUND stvaultwatch.table.core.windows.net")),
    };
    const res = await createSilencesHandlers(() => ({ ...rt, silences: down })).list(request("GET", ""), context().ctx);
    expect(res).toMatchObject({
      status: 503,
      jsonBody: {
        error: "unavailable",
        reason:
          "the state store could not be read or written: getaddrinfo ENOTFOUND stvaultwatch.table.core.windows.net",
      },
    });
  });
});
