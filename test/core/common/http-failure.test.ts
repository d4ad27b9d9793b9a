import { describe, expect, it } from "vitest";
import { classifyStatus, retryDelayMs } from "../../../src/core/common/http-failure.js";
import { deliveryFailureReason, isRetryable } from "../../../src/core/notify/backoff.js";

describe("one reading of an HTTP status for every adapter", () => {
  it.each<[number, string, boolean]>([
    [400, "client", false],
    [401, "unauthorized", false],
    [403, "forbidden", false],
    [404, "not-found", false],
    [408, "timeout", true],
    [409, "client", false],
    [429, "throttled", true],
    [500, "server", true],
    [501, "server", false],
    [502, "server", true],
    [503, "server", true],
    [504, "server", true],
    [505, "server", false],
    [507, "server", true],
  ])("%i is %s, retryable: %s (as the Azure SDK's default retry policy)", (status, reason, retryable) => {
    expect(classifyStatus(status)).toEqual({ reason, retryable, status, retryAfterMs: undefined });
  });

  it("gives channels a reason whose retry schedule agrees with the classification", () => {
    for (let status = 400; status < 600; status++) {
      const failure = classifyStatus(status);
      expect(isRetryable(deliveryFailureReason(failure)), `status ${status}`).toBe(failure.retryable);
    }
  });
});

describe("waits between retries within one call", () => {
  const o = { maxRetries: 3, maxWaitMs: 20_000 };

  it("backs off 1 s, 2 s, 4 s without a Retry-After, then stops", () => {
    const failure = classifyStatus(503);
    expect([0, 1, 2, 3].map((retry) => retryDelayMs(failure, retry, o))).toEqual([1000, 2000, 4000, undefined]);
  });

  it("waits what the service asked for, but not longer than a tick may", () => {
    expect(retryDelayMs(classifyStatus(429, 5000), 0, o)).toBe(5000);
    expect(retryDelayMs(classifyStatus(429, 300_000), 0, o)).toBeUndefined();
  });

  it("does not retry what cannot succeed", () => {
    expect(retryDelayMs(classifyStatus(403), 0, o)).toBeUndefined();
    expect(retryDelayMs(classifyStatus(501), 0, o)).toBeUndefined();
  });
});
