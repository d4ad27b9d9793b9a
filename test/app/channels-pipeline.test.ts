import { testClock } from "../fixtures/sleep.js";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { TableClient } from "@azure/data-tables";
import type { Notice, PendingNotification } from "../../src/core/model/index.js";
import { operationIdFor } from "../../src/adapters/acs-email.js";
import { rbacRemovalScenario, ORDERS } from "../../tools/standin/scenarios/rbac-removal.js";
import { startAcsStandIn, type AcsStandIn } from "../../tools/standin/acs.js";
import { startPagerDutyStandIn, type PagerDutyStandIn } from "../../tools/standin/pagerduty.js";
import { redirectTo } from "../../tools/standin/redirect.js";
import { createMemoryState, type MemoryState } from "../../tools/standin/memory-state.js";
import { runTick } from "../../src/app/run-tick.js";
import { checkHealth } from "../../src/app/check-health.js";
import { createIncidentsHandlers } from "../../src/functions/handlers/incidents.js";
import { as, PLATFORM } from "../functions/api/principals.js";
import type { Runtime } from "../../src/app/runtime.js";
import { freshPrefix, startStack, recordingLogger, type Stack } from "../harness/stack.js";
import { headlines, manualClock, replay, type ManualClock } from "../harness/replay.js";

/**
 * The RBAC-removal incident through every channel at once: Teams, ACS email (with the monitor's
 * identity) and a PagerDuty Events v2 receiver, each a local stand-in reached by the real client.
 */
const scenario = rbacRemovalScenario(new Date("2026-11-20T00:00:00Z"));
const t = (hhmm: string) => new Date(`2026-11-20T${hhmm}:00Z`);

let stack: Stack;
let acs: AcsStandIn;
let pd: PagerDutyStandIn;
beforeAll(async () => {
  acs = await startAcsStandIn({ name: "acs-vaultwatch" });
  pd = await startPagerDutyStandIn();
  stack = await startStack({
    traffic: scenario.traffic,
    activity: scenario.activity,
    tables: ["AzureDiagnostics", "AzureActivity"],
    ingestionDelayMinutes: 2,
    env: {
      CRITICAL_IDENTITIES: ORDERS.name,
      EMAIL_ENDPOINT: acs.endpoint,
      EMAIL_SENDER: "DoNotReply@alerts.contoso.com",
      EMAIL_RECIPIENTS: "oncall@contoso.com",
      PAGERDUTY_ROUTING_KEY: pd.routingKey,
      PAGERDUTY_URL: pd.url,
      LOG_ANALYTICS_WORKSPACE_RESOURCE_ID:
        "/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-audit",
    },
  });
});
afterAll(async () => {
  await stack.close();
  await acs.close();
  await pd.close();
});
beforeEach(() => {
  stack.standIn.teamsPosts.length = 0;
  acs.sent.length = 0;
  acs.requests.length = 0;
  pd.events.length = 0;
  pd.alerts.clear();
  acs.faults.clear();
  pd.faults.clear();
});

/**
 * A runtime with state of its own: in memory, unless the test looks at the stored rows (`tables`).
 * Each test mails its own address: the same scenario gives the same notice IDs, and ACS treats a
 * repeated Operation-Id as the message it already sent. The delivery step's waits between tries
 * pass on the test's clock at once.
 */
function runtime(
  clock: ManualClock,
  extra: Record<string, string> = {},
  state: MemoryState | "tables" = createMemoryState(),
): Runtime {
  const prefix = freshPrefix();
  const rt = stack.runtime(
    {
      clock: clock.now,
      emailHttpClient: redirectTo(acs.url),
      delivery: clock.delivery(),
      // ACS polls pass at once; its 30 s deadline is held, so only a real answer settles a send.
      emailSleep: testClock(30_000).sleep,
    },
    { STATE_TABLE_PREFIX: prefix, EMAIL_RECIPIENTS: `oncall+${prefix}@contoso.com`, ...extra },
  );
  return state === "tables" ? rt : { ...rt, store: state.store, silences: state.silences, baselines: state.baselines };
}

const pdActions = () => pd.events.filter((e) => e.status === 202).map((e) => String(e.event?.event_action));

/** Every notice still queued for `channel`. */
async function queuedFor(rt: Runtime, channel: string): Promise<PendingNotification[]> {
  return (await rt.store.list({ activeOnly: false, limit: 50 })).incidents
    .flatMap((i) => i.outbox)
    .filter((n) => n.channel === channel);
}

/** The Incidents table's entities as stored, for assertions on what reached storage. */
async function rawIncidents(prefix: string): Promise<string> {
  const table = TableClient.fromConnectionString(inject("tableConnectionString"), `${prefix}Incidents`, {
    allowInsecureConnection: true,
  });
  const out: string[] = [];
  for await (const e of table.listEntities()) out.push(JSON.stringify(e));
  return out.join("\n");
}

/** The Operation-Id of each send request ACS received, in order. */
const sendOperationIds = () => acs.requests.filter((r) => r.route === "send").map((r) => r.operationId);

describe("the incident pipeline across Teams, email and PagerDuty", () => {
  it("pages every channel, stops escalating once someone acknowledges through the API, and closes the PagerDuty alert on resolution", async () => {
    const clock = manualClock(scenario.start);
    const rt = runtime(clock);
    const log = recordingLogger();
    await replay([rt], clock, t("01:10"), log);
    expect(headlines(stack.standIn.teamsPosts)).toEqual([
      "SEV-2: Key Vault access denied on kv-orders-prod",
      "SEV-2 → SEV-1 (severity raised): Key Vault access denied on kv-orders-prod",
    ]);
    expect(acs.sent.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^\[SEV-2\]/),
      expect.stringMatching(/^\[SEV-1\] SEVERITY RAISED SEV-2 → SEV-1/),
    ]);
    expect(pdActions()).toEqual(["trigger", "trigger"]);
    const [dedupKey] = [...pd.alerts.keys()];
    expect(pd.alerts.get(dedupKey!)).toMatchObject({ status: "triggered", severity: "critical" });
    // The portal link to the evidence query reaches every channel.
    expect(JSON.stringify(stack.standIn.teamsPosts[0]!.body)).toContain("Open the evidence query");
    expect(acs.sent[0]!.html).toContain("Logs.ReactView/resourceId/");

    const incidents = (await rt.store.list({ activeOnly: true, limit: 10 })).incidents;
    const id = incidents.find((i) => i.rule === "kv-auth-denied")!.id;
    const ack = await createIncidentsHandlers(
      () => rt,
      () => PLATFORM,
    ).ack(
      new HttpRequest({
        method: "POST",
        url: `http://localhost/api/incidents/${id}/ack`,
        params: { id },
        // Alex signed in with Entra ID as a Responder: the platform's headers name the acknowledger.
        headers: {
          "content-type": "application/json",
          ...as({ name: "alex@contoso.com", objectId: "2b4d6f80-1a3c-4e5f-9071-8a9b0c1d2e3f" }, "Responder"),
        },
        body: { string: JSON.stringify({ note: "restoring the role" }) },
      }),
      new InvocationContext({ functionName: "incident-ack" }),
    );
    expect(ack.status).toBe(200);

    await replay([rt], clock, t("01:50"), log);
    // Acknowledged at 01:10: no "not acknowledged" escalation at 01:21, an acknowledgement on every
    // channel instead, then the resolution.
    expect(headlines(stack.standIn.teamsPosts).slice(2)).toEqual([
      "SEV-1 acknowledged by alex@contoso.com: Key Vault access denied on kv-orders-prod",
      "Resolved: Key Vault access denied on kv-orders-prod",
    ]);
    expect(pdActions()).toEqual(["trigger", "trigger", "acknowledge", "resolve"]);
    expect(pd.alerts.get(dedupKey!)).toMatchObject({
      status: "resolved",
      history: ["trigger", "trigger", "acknowledge", "resolve"],
    });
    expect(acs.sent).toHaveLength(4);
    const stored = await rt.store.get(id);
    expect(stored).toMatchObject({
      status: "found",
      stored: { value: { state: "resolved", responder: { state: "closed", by: "alex@contoso.com" }, outbox: [] } },
    });
  });

  it("retries each channel on its own: an email outage delays email only, and nothing is sent twice", async () => {
    const clock = manualClock(scenario.start);
    const rt = runtime(clock);
    const log = recordingLogger();
    await replay([rt], clock, t("01:05"), log);
    // Every email attempt fails for a while (the service is down), PagerDuty throttles once.
    acs.faults.inject({ kind: "status", status: 503 }, 6);
    pd.faults.inject({ kind: "status", status: 429, retryAfterSeconds: 1 });
    await replay([rt], clock, t("01:50"), log);

    expect(headlines(stack.standIn.teamsPosts)).toHaveLength(4); // opened, escalated, not acknowledged, resolved
    const subjects = acs.sent.map((m) => m.subject.replace(/:.*/, ""));
    expect(subjects).toHaveLength(4);
    expect(new Set(acs.sent.map((m) => m.operationId)).size).toBe(4);
    expect(pdActions()).toEqual(["trigger", "trigger", "trigger", "resolve"]);
    const errors = log.lines.filter((l) => l.startsWith("error"));
    expect(
      errors.some((l) => /^error: email delivery of opened notice .* failed \(attempt \d+, server 503\)/.test(l)),
    ).toBe(true);
    expect(errors.every((l) => !l.includes("teams delivery"))).toBe(true);
    // The routing key is a secret: in no log line and no stored record.
    expect(log.lines.join("\n")).not.toContain(pd.routingKey);
    for (const i of (await rt.store.list({ activeOnly: false, limit: 50 })).incidents)
      expect(JSON.stringify(i)).not.toContain(pd.routingKey);
  });

  it("never drops a notice a channel refuses: a rejected PagerDuty key keeps it queued and health says so", async () => {
    const clock = manualClock(scenario.start);
    const rt = runtime(clock, { PAGERDUTY_ROUTING_KEY: "0".repeat(32) });
    const log = recordingLogger();
    await replay([rt], clock, t("01:10"), log);
    const report = await runTick(rt, log);
    expect(report.undelivered).toBeGreaterThan(0);
    const queued = (await rt.store.list({ activeOnly: true, limit: 10 })).incidents.flatMap((i) => i.outbox);
    expect(queued.map((n) => `${n.channel} ${n.kind} ${n.lastError?.slice(0, 7)}`)).toEqual([
      "pagerduty opened client:",
      "pagerduty escalated undefined",
    ]);
    expect(log.lines.join("\n")).not.toContain("0".repeat(32));
    const health = await checkHealth(rt);
    expect(health.reasons).toContainEqual(
      expect.stringMatching(/^2 notification\(s\) not yet delivered to pagerduty \(last error: client: .*routing key/i),
    );
    expect(JSON.stringify(health)).not.toContain("0".repeat(32));
  });

  it("keeps an email whose ACS operation ended Failed queued with the service's reason, and sends it once the recipients are fixed", async () => {
    const clock = manualClock(scenario.start);
    const prefix = freshPrefix();
    const state = createMemoryState();
    const suppressed = `oncall+${prefix}@contoso.com`;
    const rt = runtime(clock, { EMAIL_RECIPIENTS: suppressed }, state);
    const log = recordingLogger();
    await replay([rt], clock, t("01:05"), log);
    acs.faults.inject({ kind: "operation-failed" });
    clock.advance(1);
    const report = await runTick(rt, log);

    expect(report.delivered.map((n) => `${n.channel} ${n.kind}`).sort()).toEqual(["pagerduty opened", "teams opened"]);
    expect(acs.sent).toEqual([]);
    const [failed] = await queuedFor(rt, "email");
    const operation = operationIdFor(failed!.id, "DoNotReply@alerts.contoso.com", [suppressed]);
    // Failed is about this message, not the service's health: retried at the cap, not every tick.
    expect(failed).toMatchObject({ kind: "opened", attempts: 1, nextAttemptAt: t("01:36") });
    expect(failed!.lastError).toBe(
      `client: ACS email via acs-vaultwatch.communication.azure.com (operation ${operation}) ended Failed: EmailDroppedAllRecipientsSuppressed: Message was dropped because all recipients were suppressed.`,
    );
    expect(sendOperationIds()).toEqual([operation]);

    // ACS keeps a Failed operation under its Operation-Id; new recipients make it a new operation.
    const fixed = `oncall+${prefix}-fixed@contoso.com`;
    const rt2 = runtime(clock, { EMAIL_RECIPIENTS: fixed }, state);
    await replay([rt2], clock, t("01:37"), log);
    expect(acs.sent.map((m) => m.subject.replace(/:.*/, ""))).toEqual([
      expect.stringMatching(/^\[SEV-2\]/),
      expect.stringMatching(/^\[SEV-1\] SEVERITY RAISED SEV-2 → SEV-1/),
      expect.stringMatching(/^\[SEV-1\]/),
      expect.stringMatching(/RESOLVED/i),
    ]);
    expect(acs.sent.every((m) => m.to.join() === fixed)).toBe(true);
    expect(new Set(acs.sent.map((m) => m.operationId)).size).toBe(4);
    expect(acs.sent.map((m) => m.operationId)).not.toContain(operation);
    expect(await queuedFor(rt2, "email")).toEqual([]);
  });

  it("sends one email per notice when ACS answers 5xx to the send and then to the polls, retrying under the same Operation-Id", async () => {
    const clock = manualClock(scenario.start);
    const rt = runtime(clock);
    const log = recordingLogger();
    await replay([rt], clock, t("01:05"), log);
    // 503 to the first send; the second is accepted (the email goes out) but its polls fail, so
    // neither that try nor the next one learns that it was sent.
    acs.faults.inject({ kind: "status", status: 503 });
    acs.faults.inject({ kind: "status", status: 500, on: "poll" }, 2);
    clock.advance(1);
    const report = await runTick(rt, log);
    expect(report.failed.map((f) => f.channel)).toEqual(["email"]);
    const [waiting] = await queuedFor(rt, "email");
    expect(waiting).toMatchObject({ kind: "opened", attempts: 3, nextAttemptAt: t("01:10") });
    expect(waiting!.lastError).toMatch(/^server: ACS email via .* answered 500/);
    expect(acs.sent).toHaveLength(1);

    await replay([rt], clock, t("01:50"), log);
    expect(acs.sent).toHaveLength(4);
    const ids = acs.sent.map((m) => m.operationId);
    expect(new Set(ids).size).toBe(4);
    // Every try of the opened notice, across both ticks, carried the one Operation-Id.
    expect(sendOperationIds().filter((id) => id === ids[0])).toHaveLength(4);
    expect(new Set(sendOperationIds())).toEqual(new Set(ids));
    expect(await queuedFor(rt, "email")).toEqual([]);
  });

  it("waits as long as PagerDuty's Retry-After asks, even past the 30-minute backoff cap", async () => {
    const clock = manualClock(scenario.start);
    const rt = runtime(clock);
    const log = recordingLogger();
    await replay([rt], clock, t("01:05"), log);
    pd.faults.inject({ kind: "status", status: 429, retryAfterSeconds: 3600 });
    clock.advance(1);
    const report = await runTick(rt, log);
    expect(report.failed.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^pagerduty delivery of opened notice \S+ failed \(attempt 1, throttled 429\).*tried again after 2026-11-20T02:06:00\.000Z$/,
      ),
    ]);
    expect((await queuedFor(rt, "pagerduty")).map((n) => n.nextAttemptAt)).toEqual([t("02:06")]);

    await replay([rt], clock, t("01:50"), log);
    expect(pd.events.map((e) => e.status)).toEqual([429]);
    expect(headlines(stack.standIn.teamsPosts)).toHaveLength(4);
  });

  it("keeps a notice whose rendering throws queued with the error, and the tick and the other channels go on", async () => {
    const clock = manualClock(scenario.start);
    const base = runtime(clock);
    let broken = true;
    const rt: Runtime = {
      ...base,
      channels: base.channels.map((c) =>
        c.name !== "email"
          ? c
          : {
              ...c,
              // The real renderer meets a notice it cannot read, as a rendering bug would.
              send: (notice: Notice, content) =>
                c.send(broken ? ({ ...notice, snapshot: undefined } as unknown as Notice) : notice, content),
            },
      ),
    };
    const log = recordingLogger();
    await replay([rt], clock, t("01:05"), log);
    clock.advance(1);
    const report = await runTick(rt, log);
    broken = false;

    expect(report.delivered.map((n) => `${n.channel} ${n.kind}`).sort()).toEqual(["pagerduty opened", "teams opened"]);
    expect(report.failed.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^email delivery of opened notice \S+ failed \(attempt 1, client\): the opened notice could not be rendered or sent, a fault in vaultwatch rather than in email: TypeError: /,
      ),
    ]);
    const [waiting] = await queuedFor(rt, "email");
    expect(waiting).toMatchObject({ kind: "opened", attempts: 1, nextAttemptAt: t("01:36") });
    expect(waiting!.lastError).toMatch(/^client: the opened notice could not be rendered or sent.*TypeError/);

    await replay([rt], clock, t("01:40"), log);
    expect(acs.sent).toHaveLength(4);
    expect(new Set(acs.sent.map((m) => m.operationId)).size).toBe(4);
    expect(await queuedFor(rt, "email")).toEqual([]);
  });

  it("keeps no part of the routing key when PagerDuty's error echoes it across the excerpt's cut", async () => {
    const clock = manualClock(scenario.start);
    const prefix = freshPrefix();
    const rt = runtime(clock, { STATE_TABLE_PREFIX: prefix }, "tables");
    const log = recordingLogger();
    await replay([rt], clock, t("01:05"), log);
    // PagerDuty's reason is cut at 500 characters; the key starts ten before the cut.
    pd.faults.inject({
      kind: "status",
      status: 400,
      body: {
        status: "invalid event",
        message: `${"x".repeat(490)}${pd.routingKey} is not an integration of this service`,
        errors: [],
      },
    });
    clock.advance(1);
    const report = await runTick(rt, log);

    const [waiting] = await queuedFor(rt, "pagerduty");
    expect(waiting!.lastError).toMatch(/^client: POST .* answered 400: x+<redacted>/);
    const start = pd.routingKey.slice(0, 8);
    expect(log.lines.join("\n")).not.toContain(start);
    expect(JSON.stringify(report)).not.toContain(start);
    expect(await rawIncidents(prefix)).not.toContain(start);
  });
});
