import { describe, expect, it } from "vitest";
import { createHttpHeaders, RestError } from "@azure/core-rest-pipeline";
import { failureOfError, isCredentialError, retryAfterMs } from "../../src/adapters/http-failure.js";
import { sendWithRetries } from "../../src/adapters/retry.js";
import { testClock } from "../fixtures/sleep.js";

const NOW = Date.parse("2026-03-01T00:00:00Z");

describe("reading how long a service asked us to wait, in milliseconds", () => {
  it.each<[Record<string, string>, number | undefined]>([
    [{ "retry-after": "30" }, 30_000],
    [{ "retry-after": "1.5" }, 1500],
    [{ "retry-after-ms": "250", "retry-after": "30" }, 250],
    [{ "x-ms-retry-after-ms": "400" }, 400],
    [{ "retry-after": "Sun, 01 Mar 2026 00:00:20 GMT" }, 20_000],
    [{ "retry-after": "Sat, 28 Feb 2026 23:00:00 GMT" }, 0],
    [{ "retry-after": "soon" }, undefined],
    [{}, undefined],
  ])("%j: %s", (headers, ms) => {
    expect(retryAfterMs(createHttpHeaders(headers), NOW)).toBe(ms);
  });
});

describe("what a thrown error says about the exchange", () => {
  it("reads the status and Retry-After of a RestError", () => {
    const error = new RestError("throttled", {
      statusCode: 429,
      response: {
        status: 429,
        headers: createHttpHeaders({ "retry-after": "2" }),
        request: undefined as never,
      },
    });
    expect(failureOfError(error)).toEqual({ reason: "throttled", retryable: true, status: 429, retryAfterMs: 2000 });
  });

  it("reads an abort as a timeout, and a failed connection as the network", () => {
    expect(failureOfError(Object.assign(new Error("aborted"), { name: "AbortError" }))?.reason).toBe("timeout");
    const fetchFailed = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    expect(failureOfError(fetchFailed)).toMatchObject({ reason: "network", retryable: true, status: undefined });
  });

  it("leaves a credential's error and a bug to the caller", () => {
    const noToken = Object.assign(new Error("no managed identity endpoint"), { name: "CredentialUnavailableError" });
    expect(isCredentialError(noToken)).toBe(true);
    expect(failureOfError(new Error("undefined is not a function"))).toBeUndefined();
  });
});

describe("sending again while it may help", () => {
  const answer = (status: number, headers: Record<string, string> = {}) => ({
    status,
    headers: createHttpHeaders(headers),
  });
  const replay = (answers: ReturnType<typeof answer>[]) => {
    const sent: number[] = [];
    return {
      sent,
      send: async () => {
        const a = answers[sent.length] ?? answer(200);
        sent.push(a.status);
        return a;
      },
    };
  };

  it("retries a 503 after 1 s, then 2 s, and returns the answer that came", async () => {
    const clock = testClock();
    const r = replay([answer(503), answer(503), answer(200)]);
    const res = await sendWithRetries(r.send, { maxRetries: 2, maxWaitMs: 20_000, sleep: clock.sleep });
    expect(res.status).toBe(200);
    expect(clock.waits).toEqual([1000, 2000]);
  });

  it("returns a 429 at once when its Retry-After is longer than the call may wait", async () => {
    const clock = testClock();
    const r = replay([answer(429, { "retry-after": "3600" })]);
    const res = await sendWithRetries(r.send, { maxRetries: 2, maxWaitMs: 20_000, sleep: clock.sleep });
    expect(res.status).toBe(429);
    expect(r.sent).toEqual([429]);
    expect(clock.waits).toEqual([]);
  });

  it("does not retry once the caller has given up", async () => {
    const clock = testClock();
    const gaveUp = new AbortController();
    gaveUp.abort();
    const r = replay([answer(503)]);
    const res = await sendWithRetries(r.send, {
      maxRetries: 2,
      maxWaitMs: 20_000,
      sleep: clock.sleep,
      signal: gaveUp.signal,
    });
    expect(res.status).toBe(503);
    expect(clock.waits).toEqual([]);
  });
});
