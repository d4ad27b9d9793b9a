import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManagedIdentityCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { DeliveryResult } from "../../src/core/ports/ports.js";
import { createAcsEmailChannel, operationIdFor } from "../../src/adapters/acs-email.js";
import { startAcsStandIn, type AcsStandIn } from "../../tools/standin/acs.js";
import { startStandIn, type StandIn } from "../../tools/standin/server.js";
import { SimulatedWorkspace } from "../../tools/standin/workspace.js";
import { redirectTo } from "../../tools/standin/redirect.js";
import { aContent, aNotice } from "../fixtures/notices.js";
import { testClock, type TestClock } from "../fixtures/sleep.js";

const CLIENT_ID = "0b5c7d9e-2f4a-4b6c-8d0e-1a3b5c7d9f2e";
const SENDER = "DoNotReply@alerts.contoso.com";
const RECIPIENTS = ["oncall@contoso.com", "kv-owners@contoso.com"];

// The real ManagedIdentityCredential gets its tokens from the identity stand-in (App Service's
// IDENTITY_ENDPOINT protocol); the recording wrapper only notes which scopes and tokens passed.
let identity: StandIn;
let acs: AcsStandIn;
const scopes: string[][] = [];
const tokens: string[] = [];
let credential: TokenCredential;

beforeAll(async () => {
  identity = await startStandIn({
    workspace: new SimulatedWorkspace({ tables: [], traffic: { eventsForMinute: () => [] } }),
    workspaceId: "x",
    managedIdentityClientId: CLIENT_ID,
  });
  process.env.IDENTITY_ENDPOINT = identity.identityEndpoint;
  process.env.IDENTITY_HEADER = identity.identityHeader;
  const mi = new ManagedIdentityCredential({ clientId: CLIENT_ID });
  credential = {
    async getToken(s, options) {
      scopes.push([s].flat());
      const token = await mi.getToken(s, options);
      if (token) tokens.push(token.token);
      return token;
    },
  };
  acs = await startAcsStandIn({ name: "acs-vaultwatch" });
});
afterAll(async () => {
  await acs.close();
  await identity.close();
});
/** The send's deadline, as the channel's default. */
const DEADLINE_MS = 30_000;

// Waits between polls are recorded, not sat through; the deadline passes only when a test says.
let clock: TestClock;
beforeEach(() => {
  acs.faults.clear();
  clock = testClock(DEADLINE_MS);
});

/**
 * `onRequest` sees each request to ACS as it goes out (after the redirect), and may change the
 * answer: the deadline tests let it pass while a request is out.
 */
const channel = (
  o: {
    recipients?: string[];
    onRequest?: (request: PipelineRequest) => void;
    onResponse?: (request: PipelineRequest, response: PipelineResponse) => void;
  } = {},
) => {
  const redirect = redirectTo(acs.url);
  return createAcsEmailChannel({
    endpoint: acs.endpoint,
    credential,
    sender: SENDER,
    recipients: o.recipients ?? RECIPIENTS,
    httpClient: {
      async sendRequest(request) {
        o.onRequest?.(request);
        const response = await redirect.sendRequest(request);
        o.onResponse?.(request, response);
        return response;
      },
    },
    sleep: clock.sleep,
  });
};

/** A notice nobody has sent yet, so each case starts from a fresh Operation-Id. */
let counter = 0;
function freshNotice() {
  const n = aNotice("opened", { severity: "SEV-1" });
  return { ...n, id: `${n.id}-${++counter}` };
}

async function sendFresh(o: Parameters<typeof channel>[0] = {}) {
  const notice = freshNotice();
  const before = acs.sent.length;
  const result = await channel(o).send(notice, aContent(notice));
  return { notice, result, newEmails: acs.sent.slice(before) };
}

function expectNoSecrets(result: DeliveryResult): void {
  if (result.ok) throw new Error("expected a failure");
  expect(tokens.length).toBeGreaterThan(0);
  for (const token of tokens) expect(result.message).not.toContain(token);
  expect(result.message).not.toContain(identity.identityHeader);
  expect(result.message).not.toMatch(/Bearer\s+(?!<redacted>)\S/);
}

describe("email through Azure Communication Services with a managed identity", () => {
  it("delivers one email, HTML and text, from the sender to every recipient, with a Communication Services token", async () => {
    const { notice, result, newEmails } = await sendFresh();
    expect(result).toMatchObject({ ok: true });
    expect(newEmails).toHaveLength(1);
    const email = newEmails[0]!;
    expect(email.senderAddress).toBe(SENDER);
    expect(email.to).toEqual(RECIPIENTS);
    expect(email.subject).toBe("[SEV-1] Key Vault access denied: id-app on kv-app");
    expect(email.html).toContain("<!DOCTYPE html>");
    expect(email.html).toContain("az role assignment list");
    expect(email.plainText).toContain("90 of 100 requests");
    expect(email.headers["X-Vaultwatch-Notice"]).toBe(notice.id);

    expect(scopes[0]).toEqual(["https://communication.azure.com//.default"]);
    const sends = acs.requests.filter((r) => r.route === "send" && r.operationId === email.operationId);
    expect(sends).toHaveLength(1);
    expect(tokens).toContain(sends[0]!.token);
    expect(identity.requests.some((r) => r.endpoint === "identity" && r.status === 200)).toBe(true);
    // It polled the operation to its end rather than trusting the 202: Running, a second's wait, Succeeded.
    expect(
      acs.requests.filter((r) => r.route === "poll" && r.operationId === email.operationId).length,
    ).toBeGreaterThanOrEqual(2);
    expect(clock.waits).toEqual([1000]);
  });

  it("waits between polls as long as the service's Retry-After asks", async () => {
    const { result } = await sendFresh({
      onResponse: (request, response) => {
        if (request.method === "GET") response.headers.set("retry-after", "5");
      },
    });
    expect(result).toMatchObject({ ok: true });
    expect(clock.waits).toEqual([5000]);
  });

  it("sends the same notice only once when it is sent again (Operation-Id derived from the notice)", async () => {
    const notice = freshNotice();
    const before = acs.sent.length;
    const first = await channel().send(notice, aContent(notice));
    // A new channel, as after a restart of the Function App.
    const again = await channel().send(notice, aContent(notice));
    expect(first).toMatchObject({ ok: true });
    expect(again).toMatchObject({ ok: true });
    expect(acs.sent.length - before).toBe(1);
    const opId = operationIdFor(notice.id, SENDER, RECIPIENTS);
    expect(acs.requests.filter((r) => r.route === "send" && r.operationId === opId)).toHaveLength(2);

    // Another notice of the same incident is another email.
    const next = { ...notice, id: `${notice.id}-escalated`, kind: "escalated" as const };
    expect(await channel().send(next, aContent(next))).toMatchObject({ ok: true });
    expect(acs.sent.length - before).toBe(2);
  });

  it("sends it again when the recipients changed, so a fixed configuration still delivers", async () => {
    const notice = freshNotice();
    const before = acs.sent.length;
    await channel({ recipients: ["typo@contoso"] }).send(notice, aContent(notice));
    expect(await channel().send(notice, aContent(notice))).toMatchObject({ ok: true });
    expect(acs.sent.slice(before).map((e) => e.to)).toEqual([["typo@contoso"], RECIPIENTS]);
  });

  it("reads 429 as throttled, with the Retry-After, and sends nothing", async () => {
    acs.faults.inject({ kind: "status", status: 429, retryAfterSeconds: 30 });
    const { result, newEmails } = await sendFresh();
    expect(result).toMatchObject({ ok: false, reason: "throttled", status: 429, retryAfterMs: 30_000 });
    expect(newEmails).toEqual([]);
    expectNoSecrets(result);
  });

  it("takes retry-after-ms over Retry-After when the service gives it", async () => {
    acs.faults.inject({ kind: "status", status: 429, retryAfterMs: 1500 });
    const { result } = await sendFresh();
    expect(result).toMatchObject({ ok: false, reason: "throttled", retryAfterMs: 1500 });
  });

  it("does not wait out a long Retry-After inside the send: the outbox retries later", async () => {
    acs.faults.inject({ kind: "status", status: 429, retryAfterSeconds: 3600 }, 2);
    const before = acs.requests.length;
    const { result } = await sendFresh();
    expect(result).toMatchObject({ ok: false, reason: "throttled", retryAfterMs: 3_600_000 });
    expect(clock.waits).toEqual([]);
    expect(acs.requests.slice(before).map((r) => r.status)).toEqual([429]);
  });

  it.each([500, 503])("reads %i as a server failure", async (status) => {
    acs.faults.inject({ kind: "status", status });
    const { result, newEmails } = await sendFresh();
    expect(result).toMatchObject({ ok: false, reason: "server", status });
    expect(newEmails).toEqual([]);
    expectNoSecrets(result);
  });

  it("reads a 5xx while polling as a server failure", async () => {
    acs.faults.inject({ kind: "status", status: 500, on: "poll" });
    const { result } = await sendFresh();
    expect(result).toMatchObject({ ok: false, reason: "server", status: 500 });
  });

  it("reads a rejected message as a client failure with the service's code and message", async () => {
    const { result, newEmails } = await sendFresh({ recipients: ["not-an-address"] });
    expect(result).toMatchObject({ ok: false, reason: "client", status: 400 });
    if (!result.ok)
      expect(result.message).toContain(
        "InvalidEmailAddress: The recipient address 'not-an-address' is not a valid email address.",
      );
    expect(newEmails).toEqual([]);
    expectNoSecrets(result);
  });

  it("reports an operation that ended Failed with the service's error, as a client failure", async () => {
    acs.faults.inject({
      kind: "operation-failed",
      code: "EmailDroppedAllRecipientsSuppressed",
      message: "Message was dropped because all recipients were suppressed.",
    });
    const { result, newEmails } = await sendFresh();
    expect(result).toMatchObject({ ok: false, reason: "client" });
    if (!result.ok) {
      expect(result.message).toContain("ended Failed");
      expect(result.message).toContain(
        "EmailDroppedAllRecipientsSuppressed: Message was dropped because all recipients were suppressed.",
      );
    }
    expect(newEmails).toEqual([]);
    expectNoSecrets(result);
  });

  it("reports an operation the service canceled as a server failure", async () => {
    acs.faults.inject({ kind: "operation-canceled" });
    const { result } = await sendFresh();
    expect(result).toMatchObject({ ok: false, reason: "server" });
    if (!result.ok) expect(result.message).toContain("ended Canceled");
  });

  it("gives up at the deadline when the service does not answer, without hanging", async () => {
    acs.faults.inject({ kind: "delay", ms: 10_000 });
    const { result, newEmails } = await sendFresh({
      onRequest: (request) => request.method === "POST" && clock.expire(),
    });
    expect(result).toMatchObject({ ok: false, reason: "timeout" });
    if (!result.ok) expect(result.message).toContain(`no final answer within ${DEADLINE_MS} ms`);
    expect(newEmails).toEqual([]);
    expectNoSecrets(result);
  });

  it("gives up at the deadline when polling stalls, without hanging", async () => {
    acs.faults.inject({ kind: "delay", ms: 10_000, on: "poll" });
    const { result } = await sendFresh({ onRequest: (request) => request.method === "GET" && clock.expire() });
    expect(result).toMatchObject({ ok: false, reason: "timeout" });
    expect(clock.waits).toEqual([]);
  });

  it("reads a dropped connection as a network failure", async () => {
    acs.faults.inject({ kind: "drop" });
    const { result, newEmails } = await sendFresh();
    expect(result).toMatchObject({ ok: false, reason: "network", status: undefined });
    expect(newEmails).toEqual([]);
    expectNoSecrets(result);
  });

  it("keeps the token out of the message even when the service quotes it back", async () => {
    const token = tokens.at(-1)!;
    acs.faults.inject({
      kind: "status",
      status: 401,
      body: {
        error: { code: "InvalidAuthenticationToken", message: `Token rejected: Authorization: Bearer ${token}` },
      },
    });
    const { result } = await sendFresh();
    expect(result).toMatchObject({ ok: false, reason: "client", status: 401 });
    if (!result.ok) expect(result.message).toContain("InvalidAuthenticationToken");
    expectNoSecrets(result);
  });

  it("says so when the managed identity cannot get a token, as a configuration problem", async () => {
    const wrong = new ManagedIdentityCredential({ clientId: "deadbeef-0000-4000-8000-000000000000" });
    const notice = freshNotice();
    const before = acs.sent.length;
    const result = await createAcsEmailChannel({
      endpoint: acs.endpoint,
      credential: wrong,
      sender: SENDER,
      recipients: RECIPIENTS,
      httpClient: redirectTo(acs.url),
      timeoutMs: 10_000,
    }).send(notice, aContent(notice));
    expect(result).toMatchObject({ ok: false, reason: "client" });
    if (!result.ok) expect(result.message).toContain("could not get a token for Communication Services");
    expect(acs.sent.length).toBe(before);
    expectNoSecrets(result);
  });

  it("describes its destination without secrets", () => {
    const c = channel();
    expect(c.name).toBe("email");
    expect(c.description).toBe("ACS email via acs-vaultwatch.communication.azure.com to 2 recipients");
  });
});
