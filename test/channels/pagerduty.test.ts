import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPagerDutyChannel } from "../../src/adapters/pagerduty.js";
import { PAGERDUTY_ENQUEUE_URL } from "../../src/core/render/pagerduty.js";
import { Secret } from "../../src/core/common/secret.js";
import { startPagerDutyStandIn, type PagerDutyStandIn } from "../../tools/standin/pagerduty.js";
import type { DeliveryResult } from "../../src/core/ports/ports.js";
import type { NotificationKind } from "../../src/core/model/index.js";
import { aContent, aNotice } from "../fixtures/notices.js";

let pd: PagerDutyStandIn;
beforeAll(async () => {
  pd = await startPagerDutyStandIn();
});
afterAll(() => pd.close());
beforeEach(() => {
  pd.faults.clear();
  pd.alerts.clear();
});

const channel = (o: { key?: string; timeoutMs?: number } = {}) =>
  createPagerDutyChannel({
    url: pd.url,
    routingKey: new Secret(o.key ?? pd.routingKey),
    timeoutMs: o.timeoutMs ?? 2_000,
  });

/** A notice of `kind` from one episode; `episode` varies the dedup key between tests. */
function send(
  kind: NotificationKind,
  o: { key?: string; timeoutMs?: number; episode?: string } = {},
): Promise<DeliveryResult> {
  const base = aNotice(kind);
  const notice = o.episode ? { ...base, dedupKey: `${base.dedupKey}-${o.episode}` } : base;
  return channel(o).send(notice, aContent(notice));
}

function failure(result: DeliveryResult) {
  if (result.ok) throw new Error("expected a failure");
  return result;
}

describe("the PagerDuty channel", () => {
  it("moves one alert through triggered, acknowledged and resolved under one dedup_key", async () => {
    const dedupKey = aNotice("opened").dedupKey;
    expect(await send("opened")).toEqual({ ok: true, status: 202 });
    expect(pd.alerts.get(dedupKey)).toMatchObject({ status: "triggered", severity: "error" });
    expect(pd.alerts.get(dedupKey)?.summary).toContain("SEV-2: Key Vault access denied on kv-app");

    expect(await send("acknowledged")).toEqual({ ok: true, status: 202 });
    expect(pd.alerts.get(dedupKey)?.status).toBe("acknowledged");

    expect(await send("resolved")).toEqual({ ok: true, status: 202 });
    expect(pd.alerts.get(dedupKey)?.status).toBe("resolved");
    expect(pd.alerts.size).toBe(1);
    expect(pd.alerts.get(dedupKey)?.history).toEqual(["trigger", "acknowledge", "resolve"]);
  });

  it("updates the open alert on a repeated or severity-raised trigger instead of opening another", async () => {
    await send("opened", { episode: "r" });
    await send("repeated", { episode: "r" });
    const n = aNotice("escalated", { severity: "SEV-1" });
    const escalated = { ...n, dedupKey: `${n.dedupKey}-r` };
    expect(await channel().send(escalated, aContent(escalated))).toEqual({ ok: true, status: 202 });
    expect(pd.alerts.size).toBe(1);
    const alert = pd.alerts.get(escalated.dedupKey);
    expect(alert).toMatchObject({
      status: "triggered",
      severity: "critical",
      history: ["trigger", "trigger", "trigger"],
    });
    expect(alert?.summary).toMatch(/^SEV-1 \(severity raised\)/);
  });

  it("is refused for a routing key of the wrong length, with PagerDuty's reason and without the key", async () => {
    const wrong = "wrong-key-abcdef0123";
    const r = failure(await send("opened", { key: wrong }));
    expect(r).toMatchObject({ reason: "client", status: 400 });
    expect(r.message).toContain("Length of 'routing_key' is incorrect (should be 32 characters)");
    expect(r.message).not.toContain(wrong);
    expect(pd.alerts.size).toBe(0);
  });

  it("keeps the key out of the message when PagerDuty's error body echoes it", async () => {
    pd.faults.inject({
      kind: "status",
      status: 400,
      body: {
        status: "invalid event",
        message: "Event object is invalid",
        errors: [`Unknown routing_key ${pd.routingKey}`],
      },
    });
    const r = failure(await send("opened"));
    expect(r.reason).toBe("client");
    expect(r.message).toContain("Unknown routing_key");
    expect(r.message).not.toContain(pd.routingKey);
  });

  it.each([
    [
      "PagerDuty's reason, cut at 500 characters",
      (key: string) => ({ status: "invalid event", message: `${"x".repeat(490)}${key} is unknown`, errors: [] }),
    ],
    ["a plain-text excerpt, cut at 300 characters", (key: string) => `${"x".repeat(290)}${key} is unknown`],
    [
      "a reason whose key is JSON-escaped",
      (key: string) =>
        `{"status":"invalid event","message":"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"}`,
    ],
  ])("leaves no beginning of an echoed key in %s", async (_, body) => {
    pd.faults.inject({ kind: "status", status: 400, body: body(pd.routingKey) });
    const r = failure(await send("opened"));
    expect(r.message).toContain("<redacted>");
    expect(r.message).not.toContain(pd.routingKey.slice(0, 8));
  });

  it("reads 429 as throttled and passes on Retry-After", async () => {
    pd.faults.inject({ kind: "status", status: 429, retryAfterSeconds: 30 });
    const r = failure(await send("opened"));
    expect(r).toMatchObject({ reason: "throttled", status: 429, retryAfterMs: 30_000 });
  });

  it("reads 503 as a server failure worth retrying", async () => {
    pd.faults.inject({ kind: "status", status: 503 });
    expect(failure(await send("opened"))).toMatchObject({ reason: "server", status: 503 });
  });

  it.each([501, 505])("reads %i as not worth retrying soon, as the Azure SDK does", async (status) => {
    pd.faults.inject({ kind: "status", status });
    expect(failure(await send("opened"))).toMatchObject({ reason: "client", status });
  });

  it("gives up on an endpoint that does not answer in time, and returns", async () => {
    pd.faults.inject({ kind: "delay", ms: 10_000 });
    const hung = new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 8_000).unref());
    const r = await Promise.race([send("opened", { timeoutMs: 200 }), hung]);
    expect(r).not.toBe("hung");
    expect(failure(r as DeliveryResult)).toMatchObject({ reason: "timeout", status: undefined });
  });

  it("reads a dropped connection as a network failure", async () => {
    pd.faults.inject({ kind: "drop" });
    expect(failure(await send("opened"))).toMatchObject({ reason: "network", status: undefined });
  });

  it("delivers again once the fault has passed", async () => {
    pd.faults.inject({ kind: "status", status: 502 });
    expect(failure(await send("opened", { episode: "again" })).reason).toBe("server");
    expect(await send("opened", { episode: "again" })).toEqual({ ok: true, status: 202 });
    expect(pd.alerts.size).toBe(1);
  });

  it("names the host, never the key, in its description and in every failure", async () => {
    const key = pd.routingKey;
    const c = channel();
    expect(c.name).toBe("pagerduty");
    expect(c.description).toContain(new URL(pd.url).host);
    expect(c.description).not.toContain(key);
    expect(createPagerDutyChannel({ routingKey: new Secret(key) }).description).toContain(
      new URL(PAGERDUTY_ENQUEUE_URL).host,
    );

    const faults = [
      {
        kind: "status",
        status: 429,
        retryAfterSeconds: 1,
        body: { status: "throttle event", message: `slow down ${key}` },
      },
      { kind: "status", status: 500, body: `internal error for ${key}` },
      { kind: "status", status: 400 },
      { kind: "drop" },
    ] as const;
    for (const fault of faults) {
      pd.faults.inject(fault);
      const r = failure(await send("opened"));
      expect(r.message).not.toContain(key);
    }
    pd.faults.inject({ kind: "delay", ms: 5_000 });
    expect(failure(await send("opened", { timeoutMs: 100 })).message).not.toContain(key);
  });
});
