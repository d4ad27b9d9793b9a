import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { TableClient } from "@azure/data-tables";
import { createIncidentsHandlers, summarize } from "../../../src/functions/handlers/incidents.js";
import { EMPTY_SPEC } from "../../../src/core/spec/monitor-spec.js";
import { SettingsError } from "../../../src/config/settings.js";
import type { Runtime } from "../../../src/app/runtime.js";
import type { StateStore } from "../../../src/core/ports/ports.js";
import type { Incident } from "../../../src/core/model/index.js";
import { fingerprint } from "../../../src/core/model/incidents.js";
import { freshPrefix, startStack, type Stack } from "../../harness/stack.js";
import { anIncident, at, KEY } from "../../fixtures/incidents.js";
import { callerOnVault } from "../../../src/core/model/subject.js";
import { ALICE, as, BOB, NO_SIGN_IN, PLATFORM } from "./principals.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({});
});
afterAll(() => stack.close());

const NOW = at(30);
const BASE = "http://localhost:7071/api/incidents";

function context() {
  const logs: [string, string][] = [];
  const ctx = new InvocationContext({
    invocationId: "5d2f7a3e-1b4c-4e8f-9a6d-2c3b4a5e6f70",
    functionName: "incidents",
    logHandler: (level, ...args) => logs.push([level, args.join(" ")]),
  });
  return { ctx, logs };
}

const request = (
  method: string,
  path: string,
  o: { id?: string; body?: string; headers?: Record<string, string> } = {},
) =>
  new HttpRequest({
    method,
    url: `${BASE}${path}`,
    ...(o.id !== undefined ? { params: { id: o.id } } : {}),
    headers: { ...(o.body !== undefined ? { "content-type": "application/json" } : {}), ...o.headers },
    ...(o.body !== undefined ? { body: { string: o.body } } : {}),
  });

/** The handlers of an app behind App Service Authentication (`trust`: NO_SIGN_IN for one without). */
const handlers = (rt: Runtime, trust = PLATFORM) =>
  createIncidentsHandlers(
    () => rt,
    () => trust,
  );
/** Alice is on call: a Responder. */
const ALICE_RESPONDS = as(ALICE, "Responder");

const prefixes = new WeakMap<Runtime, string>();

/** A runtime on tables of its own, so each case sees only the incidents it saved. */
async function runtimeWith(...incidents: Incident[]): Promise<Runtime> {
  const prefix = freshPrefix();
  const rt = stack.runtime({ clock: () => NOW }, { STATE_TABLE_PREFIX: prefix });
  prefixes.set(rt, prefix);
  for (const i of incidents) expect((await rt.store.save(i, undefined)).status).toBe("saved");
  return rt;
}

const OTHER_KEY = {
  ...KEY,
  callerObjectId: "aaaaaaaa-0000-0000-0000-000000000002",
  callerAppId: "bbbbbbbb-0000-0000-0000-000000000002",
  callerResourceId: "",
};
const firing = anIncident({
  diagnosis: {
    top: [
      {
        id: "H1",
        title: "The role assignment was removed",
        verdict: "likely",
        confirming: ["a role deletion at 00:58"],
        disproving: [],
      },
    ],
    decidedBy: "a role deletion at 00:58",
    propagation: undefined,
    summary: "H1",
  },
});
const minor = anIncident({
  id: fingerprint("kv-throttled", OTHER_KEY),
  rule: "kv-throttled",
  subject: callerOnVault(OTHER_KEY),
  severity: "SEV-3",
  openedAt: at(20),
  mutedBy: "silence 6f1c…",
  outbox: [],
});
const resolved = anIncident({
  id: fingerprint("kv-auth-denied", OTHER_KEY),
  subject: callerOnVault(OTHER_KEY),
  severity: "SEV-1",
  state: "resolved",
  openedAt: at(-300),
  resolvedAt: at(-200),
  responder: { state: "closed", by: undefined, at: undefined, note: undefined },
});
const pending = anIncident({
  id: "00000000000000aa",
  state: "pending",
  notified: {
    state: undefined,
    severity: undefined,
    at: undefined,
    acknowledged: false,
    pagedAt: undefined,
    unacknowledgedAt: undefined,
  },
});

describe("GET /api/incidents", () => {
  it("lists the active incidents, most severe first, each with what on-call scans for", async () => {
    const rt = await runtimeWith(minor, resolved, firing);
    const res = await createIncidentsHandlers(() => rt).list(request("GET", ""), context().ctx);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ "cache-control": "no-store" });
    const body = res.jsonBody as { incidents: Record<string, unknown>[]; unreadable: string[]; truncated: boolean };
    expect(body.incidents.map((i) => i.id)).toEqual([firing.id, minor.id]);
    expect(body.incidents[0]).toEqual({
      id: firing.id,
      rule: "kv-auth-denied",
      state: "firing",
      severity: "SEV-2",
      subject: { vault: "kv-app", identity: "id-app (user-assigned identity)", app: null },
      openedAt: "2026-11-20T01:05:00.000Z",
      resolvedAt: null,
      responder: { state: "new", by: null, byObjectId: null, at: null, note: null, closedByHand: false },
      mutedBy: null,
      flapping: false,
      hypothesis: { id: "H1", title: "The role assignment was removed" },
      thread: `vaultwatch-${firing.id}-${firing.episode}`,
      pendingNotices: 0,
    });
    expect(body.incidents[1]).toMatchObject({
      severity: "SEV-3",
      mutedBy: "silence 6f1c…",
      subject: { identity: "principal aaaaaaaa-0000-0000-0000-000000000002" },
    });
    expect(body).toMatchObject({ unreadable: [], truncated: false });
  });

  it("shows the thread a grouped incident is told of on: the group's, shared with the incident that opened it", () => {
    const joined: Incident = {
      ...firing,
      id: "joined",
      notified: { ...firing.notified, group: { key: `vaultwatch-${firing.id}-${firing.episode}`, holder: false } },
    };
    expect(summarize(joined, EMPTY_SPEC).thread).toBe(summarize(firing, EMPTY_SPEC).thread);
  });

  it("lists resolved ones too with state=all, after the active ones, and honours limit", async () => {
    const rt = await runtimeWith(resolved, minor, firing);
    const handlers = createIncidentsHandlers(() => rt);
    const all = await handlers.list(request("GET", "?state=all&code=the-function-key"), context().ctx);
    expect(
      (all.jsonBody as { incidents: { id: string; state: string }[] }).incidents.map((i) => [i.id, i.state]),
    ).toEqual([
      [firing.id, "firing"],
      [minor.id, "firing"],
      [resolved.id, "resolved"],
    ]);
    const one = await handlers.list(request("GET", "?state=all&limit=1"), context().ctx);
    expect(one.jsonBody).toMatchObject({ incidents: [{ id: firing.id }], truncated: true });
  });

  it("refuses a bad state, limit or unknown parameter with 400 naming it", async () => {
    const list = createIncidentsHandlers(() => stack.runtime()).list;
    expect((await list(request("GET", "?limit=0"), context().ctx)).jsonBody).toEqual({
      error: "invalid request",
      problems: ["limit: expected a whole number from 1 to 500"],
    });
    expect((await list(request("GET", "?limit=501"), context().ctx)).status).toBe(400);
    expect((await list(request("GET", "?state=open"), context().ctx)).jsonBody).toEqual({
      error: "invalid request",
      problems: ["state: expected active or all"],
    });
    expect((await list(request("GET", "?severity=SEV-1"), context().ctx)).jsonBody).toEqual({
      error: "invalid request",
      problems: ["severity: unknown field"],
    });
  });

  it("names records it cannot read instead of failing the list", async () => {
    const rt = await runtimeWith(firing, minor);
    await breakRecord(rt, minor);
    const res = await createIncidentsHandlers(() => rt).list(request("GET", ""), context().ctx);
    expect(res.status).toBe(200);
    expect(res.jsonBody).toMatchObject({ incidents: [{ id: firing.id }], unreadable: [`kv-throttled/${minor.id}`] });
  });
});

describe("GET /api/incidents/{id}", () => {
  it("answers the full incident with dates as ISO strings", async () => {
    const rt = await runtimeWith(firing);
    const res = await createIncidentsHandlers(() => rt).get(
      request("GET", `/${firing.id}`, { id: firing.id }),
      context().ctx,
    );
    expect(res.status).toBe(200);
    expect(res.jsonBody).toMatchObject({
      id: firing.id,
      state: "firing",
      key: { vaultResourceId: KEY.vaultResourceId, callerObjectId: KEY.callerObjectId },
      openedAt: "2026-11-20T01:05:00.000Z",
      resolvedAt: null,
      counts: { failures: 90, firstFailureAt: "2026-11-20T01:00:00.000Z" },
      triggers: [{ kind: "threshold", failures: 90 }],
      responder: { state: "new", by: null },
      notified: { state: "firing", pagedAt: "2026-11-20T01:05:00.000Z" },
      outbox: [],
    });
  });

  it("answers 404 for an unknown incident and 400 for an ID that is not a fingerprint", async () => {
    const get = createIncidentsHandlers(() => stack.runtime({}, { STATE_TABLE_PREFIX: freshPrefix() })).get;
    const missing = await get(request("GET", "/0123456789abcdef", { id: "0123456789abcdef" }), context().ctx);
    expect(missing).toMatchObject({ status: 404, jsonBody: { error: "no incident 0123456789abcdef" } });
    const bad = await get(request("GET", "/kv-app", { id: "kv-app" }), context().ctx);
    expect(bad).toMatchObject({
      status: 400,
      jsonBody: { error: "invalid request", problems: ['id: expected an incident ID of 16 hex digits (got "kv-app")'] },
    });
  });

  it("answers 503 with the reason for a record it cannot read", async () => {
    const rt = await runtimeWith(firing);
    await breakRecord(rt, firing);
    const res = await createIncidentsHandlers(() => rt).get(
      request("GET", `/${firing.id}`, { id: firing.id }),
      context().ctx,
    );
    expect(res.status).toBe(503);
    expect(res.jsonBody).toEqual({
      error: "unavailable",
      reason: `incident ${firing.id} is stored but its record cannot be read (it does not match the expected format)`,
    });
  });
});

describe("POST /api/incidents/{id}/ack", () => {
  const ack = (rt: Runtime, id: string, body: string, headers = ALICE_RESPONDS) =>
    handlers(rt).ack(request("POST", `/${id}/ack`, { id, body, headers }), context().ctx);

  it("records the signed-in person as the acknowledger, by name and object ID, with when and their note", async () => {
    const rt = await runtimeWith(firing);
    const { ctx, logs } = context();
    const res = await handlers(rt).ack(
      request("POST", `/${firing.id}/ack`, {
        id: firing.id,
        body: JSON.stringify({ note: "rolling back the role change" }),
        headers: ALICE_RESPONDS,
      }),
      ctx,
    );
    expect(res.status).toBe(200);
    expect(res.jsonBody).toMatchObject({
      status: "acknowledged",
      incident: {
        id: firing.id,
        responder: {
          state: "acknowledged",
          by: "alice@contoso.com",
          byObjectId: ALICE.objectId,
          at: NOW.toISOString(),
          note: "rolling back the role change",
        },
      },
    });
    const stored = await rt.store.get(firing.id);
    expect(stored.status === "found" && stored.stored.value.responder).toEqual({
      state: "acknowledged",
      by: "alice@contoso.com",
      byObjectId: ALICE.objectId,
      at: NOW,
      note: "rolling back the role change",
    });
    // The record reads the same through the whole-record endpoint.
    const detail = await handlers(rt).get(request("GET", `/${firing.id}`, { id: firing.id }), context().ctx);
    expect(detail.jsonBody).toMatchObject({ responder: { by: "alice@contoso.com", byObjectId: ALICE.objectId } });
    expect(logs).toEqual([
      ["information", `incident-ack ${firing.id}: acknowledged by alice@contoso.com (${ALICE.objectId})`],
    ]);
  });

  it("refuses a name in the body: the responder is whoever signed in, never who the request says", async () => {
    const rt = await runtimeWith(firing);
    const res = await ack(rt, firing.id, JSON.stringify({ by: "the-ciso", note: "closing this" }));
    expect(res).toMatchObject({
      status: 400,
      jsonBody: {
        error: "invalid request",
        problems: [
          "by: not accepted: the responder is the signed-in person (App Service Authentication); leave by out",
        ],
      },
    });
    const stored = await rt.store.get(firing.id);
    expect(stored.status === "found" && stored.stored.value.responder.state).toBe("new");
  });

  it("keeps the first acknowledger when someone acknowledges again", async () => {
    const rt = await runtimeWith(firing);
    await ack(rt, firing.id, "{}");
    const again = await ack(rt, firing.id, JSON.stringify({ note: "on it too" }), as(BOB, "Responder"));
    expect(again.status).toBe(200);
    expect(again.jsonBody).toMatchObject({
      status: "already-acknowledged",
      incident: { responder: { state: "acknowledged", by: "alice@contoso.com", note: null } },
    });
    const stored = await rt.store.get(firing.id);
    expect(stored.status === "found" && stored.stored.value.responder.by).toBe("alice@contoso.com");
  });

  it("refuses a resolved or a pending incident with 409 and the reason", async () => {
    const rt = await runtimeWith(resolved, pending);
    const r = await ack(rt, resolved.id, "{}");
    expect(r).toMatchObject({
      status: 409,
      jsonBody: {
        error: `incident ${resolved.id} cannot be acknowledged: the incident is already resolved`,
        reason: "the incident is already resolved",
      },
    });
    const p = await ack(rt, pending.id, "{}");
    expect(p).toMatchObject({ status: 409, jsonBody: { reason: "the incident is pending: it has not fired yet" } });
    const stored = await rt.store.get(pending.id);
    expect(stored.status === "found" && stored.stored.value.responder.state).toBe("new");
  });

  it("answers 404 for an unknown incident and 400 for a bad ID", async () => {
    const rt = await runtimeWith();
    expect(await ack(rt, "0123456789abcdef", "{}")).toMatchObject({
      status: 404,
      jsonBody: { error: "no incident 0123456789abcdef" },
    });
    expect((await ack(rt, "0123", "{}")).status).toBe(400);
  });

  it("refuses bodies that are not JSON or carry unknown fields, naming the field", async () => {
    const rt = await runtimeWith(firing);
    expect((await ack(rt, firing.id, "note=x")).jsonBody).toEqual({ error: "the body is not valid JSON" });
    expect((await ack(rt, firing.id, "")).jsonBody).toEqual({ error: "the body is empty; expected a JSON object" });
    expect((await ack(rt, firing.id, JSON.stringify({ priority: "high" }))).jsonBody).toEqual({
      error: "invalid request",
      problems: ["priority: unknown field"],
    });
    expect((await ack(rt, firing.id, JSON.stringify({ note: "x".repeat(501) }))).jsonBody).toEqual({
      error: "invalid request",
      problems: ["note: expected a note of 0-500 characters"],
    });
    expect((await ack(rt, firing.id, JSON.stringify(["alice"]))).jsonBody).toEqual({
      error: "invalid request",
      problems: ["(body): Invalid input: expected object, received array"],
    });
    const stored = await rt.store.get(firing.id);
    expect(stored.status === "found" && stored.stored.value.responder.state).toBe("new");
  });

  it("lands when the timer rewrites the incident between the read and the write, keeping the timer's change", async () => {
    const rt = await runtimeWith(firing);
    let raced = false;
    const racing: StateStore = {
      ...rt.store,
      async get(id) {
        const found = await rt.store.get(id);
        if (!raced && found.status === "found") {
          raced = true;
          // The timer's tick: more failures, saved with the ETag it read.
          expect((await rt.store.save({ ...found.stored.value, peakFailures: 140 }, found.stored.etag)).status).toBe(
            "saved",
          );
        }
        return found;
      },
    };
    const { ctx, logs } = context();
    const res = await handlers({ ...rt, store: racing }).ack(
      request("POST", `/${firing.id}/ack`, { id: firing.id, body: "{}", headers: ALICE_RESPONDS }),
      ctx,
    );
    expect(res).toMatchObject({ status: 200, jsonBody: { status: "acknowledged" } });
    const stored = await rt.store.get(firing.id);
    expect(stored.status === "found" && [stored.stored.value.responder.by, stored.stored.value.peakFailures]).toEqual([
      "alice@contoso.com",
      140,
    ]);
    expect(logs.map(([level]) => level)).toEqual(["warning", "information"]);
  });

  it("gives up with 409 when the incident keeps changing", async () => {
    const rt = await runtimeWith(firing);
    const busy: StateStore = { ...rt.store, save: async () => ({ status: "conflict" }) };
    const res = await handlers({ ...rt, store: busy }).ack(
      request("POST", `/${firing.id}/ack`, { id: firing.id, body: "{}", headers: ALICE_RESPONDS }),
      context().ctx,
    );
    expect(res).toMatchObject({
      status: 409,
      jsonBody: { error: `incident ${firing.id} changed concurrently, try again` },
    });
  });
});

describe("POST /api/incidents/{id}/close", () => {
  const close = (rt: Runtime, id: string, body: string, headers = ALICE_RESPONDS) =>
    handlers(rt).close(request("POST", `/${id}/close`, { id, body, headers }), context().ctx);

  it("resolves the incident, recording who closed it and why, with the resolution queued for the next tick to send", async () => {
    const rt = await runtimeWith(firing);
    const { ctx, logs } = context();
    const body = JSON.stringify({ note: "orders-v1 was retired; its identity no longer calls kv-app" });
    const res = await handlers(rt).close(
      request("POST", `/${firing.id}/close`, { id: firing.id, body, headers: as(BOB, "Responder") }),
      ctx,
    );
    expect(res).toMatchObject({
      status: 200,
      jsonBody: {
        status: "closed",
        incident: {
          id: firing.id,
          state: "resolved",
          resolvedAt: NOW.toISOString(),
          responder: { state: "closed", by: "bob@contoso.com", byObjectId: BOB.objectId, closedByHand: true },
        },
      },
    });
    const stored = await rt.store.get(firing.id);
    expect(stored.status === "found" && stored.stored.value).toMatchObject({
      state: "resolved",
      resolvedAt: NOW,
      responder: {
        state: "closed",
        by: "bob@contoso.com",
        byObjectId: BOB.objectId,
        at: NOW,
        note: "orders-v1 was retired; its identity no longer calls kv-app",
        closedByHand: true,
      },
    });
    expect(stored.status === "found" && stored.stored.value.outbox.map((n) => `${n.kind}→${n.channel}`)).toEqual([
      "resolved→teams",
    ]);
    expect(logs).toEqual([["information", `incident-close ${firing.id}: closed by bob@contoso.com (${BOB.objectId})`]]);
  });

  it("refuses a resolved or a pending incident with 409 and the reason, and a second close of the same incident", async () => {
    const rt = await runtimeWith(firing, resolved, pending);
    const done = JSON.stringify({ note: "done" });
    expect(await close(rt, resolved.id, done)).toMatchObject({
      status: 409,
      jsonBody: { error: `incident ${resolved.id} cannot be closed: the incident is already resolved` },
    });
    expect(await close(rt, pending.id, done)).toMatchObject({
      status: 409,
      jsonBody: { reason: "the incident is pending: it has not fired yet" },
    });
    expect((await close(rt, firing.id, done)).status).toBe(200);
    expect((await close(rt, firing.id, JSON.stringify({ note: "done too" }), as(BOB, "Admin"))).status).toBe(409);
    const stored = await rt.store.get(firing.id);
    expect(stored.status === "found" && stored.stored.value.responder.by).toBe("alice@contoso.com");
  });

  it("needs a reason: closing by hand resolves what the evaluations did not", async () => {
    const rt = await runtimeWith(firing);
    expect((await close(rt, firing.id, "{}")).jsonBody).toEqual({
      error: "invalid request",
      problems: ["note: missing; expected a reason of 1-500 characters"],
    });
    expect((await close(rt, firing.id, JSON.stringify({ note: "  " }))).jsonBody).toEqual({
      error: "invalid request",
      problems: ["note: expected a reason of 1-500 characters"],
    });
    const stored = await rt.store.get(firing.id);
    expect(stored.status === "found" && stored.stored.value.state).toBe("firing");
  });
});

describe("who may read, acknowledge and close", () => {
  const ackAs = (rt: Runtime, headers: Record<string, string> | undefined, trust = PLATFORM) =>
    handlers(rt, trust).ack(
      request("POST", `/${firing.id}/ack`, { id: firing.id, body: "{}", ...(headers ? { headers } : {}) }),
      context().ctx,
    );
  const responderState = async (rt: Runtime) => {
    const stored = await rt.store.get(firing.id);
    return stored.status === "found" ? stored.stored.value.responder : undefined;
  };

  it("lets a function key with nobody signed in read, as a machine does, but not acknowledge", async () => {
    const rt = await runtimeWith(firing);
    const list = await handlers(rt).list(request("GET", ""), context().ctx);
    expect(list.status).toBe(200);
    const { ctx, logs } = context();
    const res = await handlers(rt).ack(request("POST", `/${firing.id}/ack`, { id: firing.id, body: "{}" }), ctx);
    expect(res).toMatchObject({
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="vaultwatch"' },
      jsonBody: {
        error: "unauthenticated",
        reason:
          "acknowledging or closing an incident needs a signed-in person with the Responder app role; a function key alone names no one",
      },
    });
    expect(logs).toEqual([["warning", expect.stringMatching(/^incident-ack: refused \(401\): acknowledging/)]]);
    expect((await responderState(rt))?.state).toBe("new");
  });

  it("trusts no principal header where App Service Authentication is off: a forged one is refused, not believed", async () => {
    const rt = await runtimeWith(firing);
    const forged = as({ name: "the-ciso@contoso.com", objectId: ALICE.objectId }, "Admin");
    const res = await ackAs(rt, forged, NO_SIGN_IN);
    expect(res).toMatchObject({
      status: 401,
      jsonBody: {
        error: "unauthenticated",
        reason: expect.stringMatching(
          /^the request carries x-ms-client-principal headers, but they are not trusted: App Service Authentication is off on this app \(WEBSITE_AUTH_ENABLED is not True\)/,
        ),
      },
    });
    // Reading with one is refused too: the headers say someone is signed in, and nobody can be.
    const list = await handlers(rt, NO_SIGN_IN).list(request("GET", "", { headers: forged }), context().ctx);
    expect(list.status).toBe(401);
    // Without sign-in nobody can act at all, and the answer says why.
    expect(
      await handlers(rt, NO_SIGN_IN).close(
        request("POST", `/${firing.id}/close`, { id: firing.id, body: JSON.stringify({ note: "done" }) }),
        context().ctx,
      ),
    ).toMatchObject({
      status: 401,
      jsonBody: { reason: expect.stringContaining("needs a signed-in person, and App Service Authentication is off") },
    });
    expect((await responderState(rt))?.state).toBe("new");
  });

  it("lets a Reader read but not acknowledge or close: 403 names the role needed", async () => {
    const rt = await runtimeWith(firing);
    const reader = as(BOB, "Reader");
    expect((await handlers(rt).list(request("GET", "", { headers: reader }), context().ctx)).status).toBe(200);
    const res = await ackAs(rt, reader);
    expect(res).toMatchObject({
      status: 403,
      jsonBody: {
        error: "forbidden",
        reason:
          "acknowledging or closing an incident needs the Responder app role (or a higher one); bob@contoso.com has Reader",
        role: "Responder",
      },
    });
    const closing = await handlers(rt).close(
      request("POST", `/${firing.id}/close`, { id: firing.id, body: JSON.stringify({ note: "x" }), headers: reader }),
      context().ctx,
    );
    expect(closing).toMatchObject({ status: 403, jsonBody: { role: "Responder" } });
    expect((await responderState(rt))?.state).toBe("new");
  });

  it("refuses a signed-in person without any vaultwatch role even to read, naming Reader", async () => {
    const rt = await runtimeWith(firing);
    const res = await handlers(rt).list(request("GET", "", { headers: as(BOB) }), context().ctx);
    expect(res).toMatchObject({
      status: 403,
      jsonBody: {
        reason:
          "reading incidents and silences needs the Reader app role (or a higher one); bob@contoso.com has no vaultwatch app role",
        role: "Reader",
      },
    });
  });

  it("lets an Admin acknowledge: a higher role includes the lower ones", async () => {
    const rt = await runtimeWith(firing);
    expect((await ackAs(rt, as(BOB, "Admin"))).status).toBe(200);
    expect((await responderState(rt))?.by).toBe("bob@contoso.com");
  });

  it("answers a principal header it cannot read with 401 and the reason, never 500", async () => {
    const rt = await runtimeWith(firing);
    const reasons = [];
    for (const principal of ["not base64!", Buffer.from("{not json").toString("base64"), btoa('{"claims":5}')]) {
      const res = await ackAs(rt, { "x-ms-client-principal": principal, "x-ms-client-principal-name": "bob" });
      expect(res.status).toBe(401);
      reasons.push((res.jsonBody as { reason: string }).reason);
    }
    expect(reasons).toEqual([
      "x-ms-client-principal is not valid base64",
      "x-ms-client-principal does not decode to JSON",
      "x-ms-client-principal is not a client principal: auth_typ: expected auth_typ, a string",
    ]);
    expect((await responderState(rt))?.state).toBe("new");
  });
});

describe("every incidents endpoint", () => {
  it("refuses other methods with 405 and the allowed one", async () => {
    const h = createIncidentsHandlers(() => stack.runtime());
    expect(await h.list(request("DELETE", ""), context().ctx)).toMatchObject({
      status: 405,
      headers: { allow: "GET" },
      jsonBody: { error: "method DELETE is not allowed; use GET" },
    });
    expect(await h.ack(request("GET", `/${firing.id}/ack`, { id: firing.id }), context().ctx)).toMatchObject({
      status: 405,
      headers: { allow: "POST" },
    });
  });

  it("answers 503 'misconfigured' with the settings problems", async () => {
    const { ctx, logs } = context();
    const res = await createIncidentsHandlers(() => {
      throw new SettingsError(["TEAMS_WEBHOOK_URL: expected the Teams Workflows webhook URL (missing)"]);
    }).list(request("GET", ""), ctx);
    expect(res).toMatchObject({
      status: 503,
      jsonBody: {
        error: "misconfigured",
        reasons: ["TEAMS_WEBHOOK_URL: expected the Teams Workflows webhook URL (missing)"],
      },
    });
    expect(logs).toEqual([["error", expect.stringContaining("TEAMS_WEBHOOK_URL")]]);
  });

  it("answers 503 with a one-line reason when the store fails", async () => {
    const rt = stack.runtime();
    const down: StateStore = {
      ...rt.store,
      get: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:10002\n    at TCPConnectWrap.afterConnect")),
    };
    const res = await handlers({ ...rt, store: down }).ack(
      request("POST", `/${firing.id}/ack`, { id: firing.id, body: "{}", headers: ALICE_RESPONDS }),
      context().ctx,
    );
    expect(res).toMatchObject({
      status: 503,
      jsonBody: {
        error: "unavailable",
        reason: "the state store could not be read or written: connect ECONNREFUSED 127.0.0.1:10002",
      },
    });
  });
});

/** Overwrites an incident's row with one the store cannot parse (a hand edit, an older schema). */
async function breakRecord(rt: Runtime, incident: Incident): Promise<void> {
  const table = TableClient.fromConnectionString(inject("tableConnectionString"), `${prefixes.get(rt)}Incidents`, {
    allowInsecureConnection: true,
  });
  await table.upsertEntity(
    { partitionKey: incident.rule, rowKey: incident.id, state: "firing", counts: "not json" },
    "Replace",
  );
}
