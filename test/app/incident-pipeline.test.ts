import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { createIncidentsHandlers } from "../../src/functions/handlers/incidents.js";
import { as, PLATFORM } from "../functions/api/principals.js";
import type { PendingNotification } from "../../src/core/model/index.js";
import type { Runtime } from "../../src/app/runtime.js";
import { createTableStateStore } from "../../src/adapters/table-store.js";
import { rbacRemovalScenario, ORDERS, VAULT_ID } from "../../tools/standin/scenarios/rbac-removal.js";
import { createMemoryState } from "../../tools/standin/memory-state.js";
import { checkHealth } from "../../src/app/check-health.js";
import type { DeliveryOptions } from "../../src/app/delivery/options.js";
import { runTick } from "../../src/app/run-tick.js";
import type { NotificationChannel, SignalSource, StateStore } from "../../src/core/ports/ports.js";
import { startStack, recordingLogger, type Stack } from "../harness/stack.js";
import { headlines, manualClock, replay, type ManualClock } from "../harness/replay.js";

const scenario = rbacRemovalScenario(new Date("2026-11-20T00:00:00Z"));
const t = (hhmm: string) => new Date(`2026-11-20T${hhmm}:00Z`);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    traffic: scenario.traffic,
    activity: scenario.activity,
    tables: ["AzureDiagnostics", "AzureActivity"],
    ingestionDelayMinutes: 2,
    env: { CRITICAL_IDENTITIES: ORDERS.name },
  });
});
afterAll(() => stack.close());

/**
 * The same stand-in and settings for every test, with state of its own: in memory, or with
 * `tables`, the incidents in Azure Tables (Azurite) for the tests that look at the stored rows.
 * Time is the test's `clock`: the delivery step's waits between tries pass on it at once.
 */
function freshRuntime(
  clock: ManualClock,
  o: { tables?: boolean; wrap?: (s: StateStore) => StateStore; delivery?: Partial<DeliveryOptions> } = {},
) {
  const prefix = `p${Math.random().toString(36).slice(2, 10)}`;
  const state = createMemoryState();
  const store = o.tables ? createStoreFor(prefix) : state.store;
  return {
    rt: {
      ...stack.runtime({ clock: clock.now, delivery: clock.delivery(o.delivery) }),
      store: o.wrap ? o.wrap(store) : store,
      silences: state.silences,
      baselines: state.baselines,
    },
    prefix,
  };
}

/** Every notice still queued, across the incidents of `rt`. */
async function queued(rt: Runtime): Promise<PendingNotification[]> {
  return (await rt.store.list({ activeOnly: false, limit: 50 })).incidents.flatMap((i) => i.outbox);
}

/**
 * `rt` with its Teams channel's next send held until `release()`: `started` resolves once that
 * send began (its claim is written by then), so a test can act while the sender is busy.
 */
function holdingNextSend(rt: Runtime) {
  const teams = rt.channels.find((c) => c.name === "teams")!;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let began!: () => void;
  const started = new Promise<void>((r) => (began = r));
  let armed = true;
  const held: NotificationChannel = {
    name: teams.name,
    description: teams.description,
    timeoutMs: teams.timeoutMs,
    async send(notice, content) {
      if (armed) {
        armed = false;
        began();
        await released;
      }
      return teams.send(notice, content);
    },
  };
  return { rt: { ...rt, channels: rt.channels.map((c) => (c === teams ? held : c)) }, started, release };
}

/** `channel`, but its next `times` sends get no answer in time: what its own timeout reports. */
function timingOut(channel: NotificationChannel, times: number): NotificationChannel {
  let left = times;
  return {
    name: channel.name,
    description: channel.description,
    timeoutMs: channel.timeoutMs,
    async send(notice, content) {
      if (left-- <= 0) return channel.send(notice, content);
      const message = `${channel.description}: no answer within ${channel.timeoutMs} ms`;
      return { ok: false, reason: "timeout", status: undefined, message };
    },
  };
}

/** The API behind App Service Authentication, `by` signed in as a Responder. */
const respondingAs = (rt: Runtime) =>
  createIncidentsHandlers(
    () => rt,
    () => PLATFORM,
  );
const signedIn = (by: string) => ({
  "content-type": "application/json",
  ...as({ name: by, objectId: "7c1e0a52-3b9d-4f6e-8a21-5d4c3b2a1f00" }, "Responder"),
});

function ack(rt: Runtime, id: string, by: string) {
  return respondingAs(rt).ack(
    new HttpRequest({
      method: "POST",
      url: `http://localhost/api/incidents/${id}/ack`,
      params: { id },
      headers: signedIn(by),
      body: { string: "{}" },
    }),
    new InvocationContext({ functionName: "incident-ack" }),
  );
}

function closeByHand(rt: Runtime, id: string, by: string, note: string) {
  return respondingAs(rt).close(
    new HttpRequest({
      method: "POST",
      url: `http://localhost/api/incidents/${id}/close`,
      params: { id },
      headers: signedIn(by),
      body: { string: JSON.stringify({ note }) },
    }),
    new InvocationContext({ functionName: "incident-close" }),
  );
}

/** Every raw entity of the state tables, as stored. */
async function rawEntities(prefix: string): Promise<string> {
  const out: string[] = [];
  for (const table of tables(prefix)) for await (const e of table.listEntities()) out.push(JSON.stringify(e));
  return out.join("\n");
}

const SEV2 = "SEV-2: Key Vault access denied on kv-orders-prod";
const RESOLVED = "Resolved: Key Vault access denied on kv-orders-prod";

function tables(prefix: string) {
  const conn = inject("tableConnectionString");
  const open = (name: string) =>
    TableClient.fromConnectionString(conn, `${prefix}${name}`, { allowInsecureConnection: true });
  return [open("Incidents"), open("Monitor"), open("Notices")] as const;
}

function createStoreFor(prefix: string) {
  const [incidents, monitor, notices] = tables(prefix);
  return createTableStateStore(incidents, monitor, notices);
}

beforeEach(() => {
  stack.standIn.faults.clear();
  stack.standIn.teamsPosts.length = 0;
  stack.standIn.requests.length = 0;
});

describe("the RBAC-removal incident, end to end", () => {
  it("alerts within minutes of the first 403, escalates to SEV-1, and resolves once recovery is confirmed", async () => {
    const clock = manualClock(scenario.start);
    const { rt } = freshRuntime(clock);
    const log = recordingLogger();
    const reports = await replay([rt], clock, t("01:50"), log);

    const delivered = reports.flatMap((r) =>
      r.delivered.map((n) => ({ kind: n.kind, at: r.tickAt, severity: n.snapshot.severity })),
    );
    // Nobody acknowledged the page within SEV-1's 15 minutes: it went to the escalation route.
    expect(delivered.map((d) => `${d.kind} ${d.severity}`)).toEqual([
      "opened SEV-2",
      "escalated SEV-1",
      "unacknowledged SEV-1",
      "resolved SEV-1",
    ]);
    const [opened, escalated, unacknowledged, resolved] = delivered;
    // SEV-1's 15-minute acknowledgement time counts from the first page.
    expect(unacknowledged!.at.getTime() - opened!.at.getTime()).toBe(15 * 60_000);
    // First 403 at 01:03; Key Vault logs reach the workspace with a lag (2 minutes here).
    expect(opened!.at.getTime()).toBeLessThanOrEqual(t("01:07").getTime());
    expect(escalated!.at.getTime()).toBeLessThanOrEqual(t("01:10").getTime());
    // The last 403 is at 01:19: resolution needs a full clean confirmation period after it.
    expect(resolved!.at.getTime()).toBeGreaterThanOrEqual(t("01:34").getTime());
    expect(resolved!.at.getTime()).toBeLessThanOrEqual(t("01:40").getTime());

    expect(headlines(stack.standIn.teamsPosts)).toEqual([
      "SEV-2: Key Vault access denied on kv-orders-prod",
      "SEV-2 → SEV-1 (severity raised): Key Vault access denied on kv-orders-prod",
      "SEV-1 NOT ACKNOWLEDGED: Key Vault access denied on kv-orders-prod",
      "Resolved: Key Vault access denied on kv-orders-prod",
    ]);
    const card = JSON.stringify(stack.standIn.teamsPosts[0]!.body);
    expect(card).toContain("id-func-orders (user-assigned identity)");
    expect(card).toContain(
      `az role assignment create --assignee-object-id ${ORDERS.objectId} --assignee-principal-type ServicePrincipal --role \\"Key Vault Secrets User\\" --scope ${VAULT_ID.toLowerCase()}`,
    );
    expect(card).not.toContain("func-billing");
    // The activity log shows the deletion just before onset: RBAC role missing, decided by it.
    expect(card).toContain("Likely cause");
    expect(card).toContain("1. H2 Role or permission missing, or at the wrong scope (likely)");
    expect(card).toContain("deleted at 01:00 UTC by deploy-pipeline@contoso.com");
    expect(log.lines.filter((l) => !l.startsWith("info"))).toEqual([]);
  });

  it("announces a close by hand on the next tick, and pages anew while the 403s go on", async () => {
    const clock = manualClock(scenario.start);
    const { rt } = freshRuntime(clock);
    await replay([rt], clock, t("01:12"), recordingLogger());
    const firing = (await rt.store.list({ activeOnly: true, limit: 10 })).incidents.find(
      (i) => i.rule === "kv-auth-denied",
    )!;
    expect((await closeByHand(rt, firing.id, "alice", "thought the rollback fixed it")).status).toBe(200);
    const reports = await replay([rt], clock, t("01:50"), recordingLogger());

    const delivered = reports.flatMap((r) =>
      r.delivered.map((n) => `${r.tickAt.toISOString().slice(11, 16)} ${n.kind} ${n.snapshot.severity}`),
    );
    // The 403s go on until 01:19: the close is announced first, then the still-firing rule is a new
    // episode, with its own acknowledgement clock, that resolves on confirmed recovery.
    expect(delivered).toEqual([
      "01:13 resolved SEV-1",
      "01:13 opened SEV-1",
      "01:28 unacknowledged SEV-1",
      "01:35 resolved SEV-1",
    ]);
    const posted = headlines(stack.standIn.teamsPosts);
    expect(posted).toContain("Closed by hand by alice: Key Vault access denied on kv-orders-prod");
    expect(
      JSON.stringify(
        stack.standIn.teamsPosts.find((p) => JSON.stringify(p.body).includes("Closed by hand by alice"))!.body,
      ),
    ).toContain("thought the rollback fixed it");
    expect(posted.at(-1)).toBe(RESOLVED);
  });

  it("costs one query per tick (plus one to learn the tables) and one token for the whole run", async () => {
    const clock = manualClock(scenario.start);
    const { rt } = freshRuntime(clock);
    const reports = await replay([rt], clock, t("01:10"), recordingLogger());
    const la = stack.standIn.requests.filter((r) => r.endpoint === "logAnalytics");
    expect(reports.map((r) => r.requests)).toEqual([2, ...Array(reports.length - 1).fill(1)]);
    expect(la).toHaveLength(reports.length + 1);
    expect(stack.standIn.requests.filter((r) => r.endpoint === "identity").length).toBeLessThanOrEqual(1);
  });

  it("keeps an alert that Teams refused and delivers it on a later tick, logging the failure with the URL redacted", async () => {
    const clock = manualClock(scenario.start);
    const { rt, prefix } = freshRuntime(clock, { tables: true });
    const log = recordingLogger();
    await replay([rt], clock, t("01:05"), log);
    stack.standIn.faults.inject("teams", { kind: "status", status: 500 });
    stack.standIn.faults.inject("teams", { kind: "status", status: 429, retryAfterSeconds: 60 });
    const reports = await replay([rt], clock, t("01:50"), log);

    expect(headlines(stack.standIn.teamsPosts)).toEqual([
      "SEV-2: Key Vault access denied on kv-orders-prod",
      "SEV-2 → SEV-1 (severity raised): Key Vault access denied on kv-orders-prod",
      "SEV-1 NOT ACKNOWLEDGED: Key Vault access denied on kv-orders-prod",
      "Resolved: Key Vault access denied on kv-orders-prod",
    ]);
    // The 500 was retried within the tick; the 429 asked for 60 s, more than the tick's budget
    // leaves, so the notice waited for a later tick (the backoff), and was delivered then.
    const errors = log.lines.filter((l) => l.startsWith("error"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /teams delivery of opened notice \S+ failed \(attempt 2, throttled 429\).*invoke\?<redacted>.*tried again after 2026-11-20T01:0\d/,
    );

    const sig = new URL(stack.standIn.teamsWebhookUrl).searchParams.get("sig")!;
    expect(log.lines.join("\n")).not.toContain(sig);
    expect(JSON.stringify(reports)).not.toContain(sig);
    for (const table of tables(prefix)) {
      for await (const e of table.listEntities()) expect(JSON.stringify(e)).not.toContain(sig);
    }
  });

  it("sends each notice once when two timer runs overlap on every tick", async () => {
    const clock = manualClock(scenario.start);
    // Two runs of the same app: the same store, nothing else shared.
    const { rt } = freshRuntime(clock);
    const reports = await replay([rt, { ...rt }], clock, t("01:50"), recordingLogger());
    expect(headlines(stack.standIn.teamsPosts)).toHaveLength(4);
    expect(reports.reduce((n, r) => n + r.conflicts, 0)).toBeGreaterThan(0);
  });

  it("re-sends a notice whose delivery was not recorded (a crash after the post), once its claim expires", async () => {
    const clock = manualClock(scenario.start);
    let crashed = false;
    const { rt } = freshRuntime(clock, {
      wrap: (inner) => ({
        ...inner,
        async save(incident, etag) {
          // Fail the write that records the first successful delivery, as a crash would.
          if (!crashed && incident.deliveredCount === 1) {
            crashed = true;
            throw new Error("host stopped");
          }
          return inner.save(incident, etag);
        },
      }),
    });
    const log = recordingLogger();
    await replay([rt], clock, t("01:50"), log);
    const heads = headlines(stack.standIn.teamsPosts);
    expect(heads.filter((h) => h.startsWith("SEV-2:"))).toHaveLength(2);
    expect(heads.at(-1)).toBe("Resolved: Key Vault access denied on kv-orders-prod");
  });

  it("never resolves while the workspace is failing, and says so in health", async () => {
    const clock = manualClock(scenario.start);
    const { rt } = freshRuntime(clock);
    await replay([rt], clock, t("01:20"), recordingLogger());
    stack.standIn.faults.inject("logAnalytics", { kind: "status", status: 503, retryAfterSeconds: 0 }, 3 * 30);
    const log = recordingLogger();
    const reports = await replay([rt], clock, t("01:50"), log);
    expect(reports.every((r) => r.signal === "failed")).toBe(true);
    // The monitor announces its own blindness. The vault page it can no longer confirm is not muted
    // by that SEV-3 ticket: nobody acknowledged it, so it still escalates (a page is muted only by a page).
    expect(reports.flatMap((r) => r.delivered).map((n) => `${n.snapshot.rule} ${n.kind}`)).toEqual([
      "kv-auth-denied unacknowledged",
      "monitor opened",
    ]);
    const health = await checkHealth(rt);
    expect(health).toMatchObject({ status: "unhealthy", httpStatus: 503 });
    expect(health.reasons.join("\n")).toMatch(/the last Key Vault query failed: .*Log Analytics answered 503/);
    expect(log.lines.some((l) => l.startsWith("warn: Key Vault signal is failed"))).toBe(true);

    stack.standIn.faults.clear();
    clock.advance(1);
    const recovered = await runTick(rt, log);
    expect(recovered.delivered.map((n) => `${n.snapshot.rule} ${n.kind}`).sort()).toEqual([
      "kv-auth-denied resolved",
      "monitor resolved",
    ]);
  });

  it("sends a queued notice once when two runs contend for its claim on the same tick", async () => {
    const clock = manualClock(scenario.start);
    const { rt } = freshRuntime(clock);
    await replay([rt], clock, t("01:34"), recordingLogger());
    // The resolution fails three times at 01:35 and waits four minutes; nothing else changes meanwhile.
    stack.standIn.faults.inject("teams", { kind: "status", status: 500 }, 3);
    await replay([rt], clock, t("01:35"), recordingLogger());
    expect((await queued(rt)).map((n) => `${n.kind} ${n.attempts} ${n.nextAttemptAt?.toISOString()}`)).toEqual([
      "resolved 3 2026-11-20T01:39:00.000Z",
    ]);

    clock.advance(4);
    // Two runs of the same app. The first post is held until the other run is done, so that run
    // meets the claim rather than the result.
    const held = holdingNextSend(rt);
    const logs = [recordingLogger(), recordingLogger()];
    const ticks = [runTick(held.rt, logs[0]!), runTick({ ...held.rt }, logs[1]!)];
    await held.started;
    await Promise.race(ticks);
    held.release();
    const reports = await Promise.all(ticks);

    expect(reports.map((r) => r.conflicts)).toEqual([0, 0]);
    expect(reports.flatMap((r) => r.delivered.map((n) => n.kind))).toEqual(["resolved"]);
    expect(headlines(stack.standIn.teamsPosts).filter((h) => h === RESOLVED)).toHaveLength(1);
    const seenHeld = logs.map((l) =>
      l.lines.filter((line) => /^warn: notice \S+-resolved is being handled by another run/.test(line)),
    );
    expect(seenHeld.map((h) => h.length).sort()).toEqual([0, 1]);
    // The run that saw the claim held is the one that did not send.
    const loser = seenHeld.findIndex((h) => h.length === 1);
    expect(reports[loser]!.delivered).toEqual([]);
    expect(await queued(rt)).toEqual([]);
  });

  it("dates a claim from when it is written, so a run slowed by its queries still holds what it sends", async () => {
    const clock = manualClock(scenario.start);
    const { rt } = freshRuntime(clock);
    await replay([rt], clock, t("01:34"), recordingLogger());
    stack.standIn.faults.inject("teams", { kind: "status", status: 500 }, 3);
    await replay([rt], clock, t("01:35"), recordingLogger());
    clock.advance(4);

    // Run A's query takes three and a half minutes, longer than a claim lasts. Run B starts while
    // A's post is under way: a claim dated from A's start would have expired by then.
    const slowQuery: SignalSource = {
      async fetch(now, wants) {
        const set = await rt.signals.fetch(now, wants);
        clock.elapse(210_000);
        return set;
      },
    };
    const held = holdingNextSend({ ...rt, signals: slowQuery });
    const log = recordingLogger();
    const first = runTick(held.rt, log);
    await held.started;
    const second = await runTick(rt, log);
    held.release();
    const reports = [await first, second];
    expect(reports.map((r) => r.delivered.map((n) => n.kind))).toEqual([["resolved"], []]);
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^warn: notice \S+-resolved is being handled by another run/),
    );
    expect(headlines(stack.standIn.teamsPosts).filter((h) => h === RESOLVED)).toHaveLength(1);
  });

  it("hands a notice back unsent when its claim was written too late to cover the send", async () => {
    const clock = manualClock(scenario.start);
    let slow = false;
    const { rt } = freshRuntime(clock, {
      // Budget enough that only the claim can stand in the way of the send.
      delivery: { budgetMs: 10 * 60_000 },
      wrap: (inner) => ({
        ...inner,
        async save(incident, etag) {
          // 110 s pass while the claim is written: most of its two minutes are gone once it is.
          if (slow && incident.outbox.some((p) => p.claimedUntil)) clock.elapse(110_000);
          return inner.save(incident, etag);
        },
      }),
    });
    await replay([rt], clock, t("01:34"), recordingLogger());
    stack.standIn.faults.inject("teams", { kind: "status", status: 500 }, 3);
    await replay([rt], clock, t("01:35"), recordingLogger());
    clock.advance(4);

    const log = recordingLogger();
    slow = true;
    const report = await runTick(rt, log);
    slow = false;
    expect(report.delivered).toEqual([]);
    expect(headlines(stack.standIn.teamsPosts)).not.toContain(RESOLVED);
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^warn: notice \S+-resolved was handed back unsent: what was left of its claim/),
    );
    expect((await queued(rt)).map((n) => `${n.kind} ${n.attempts} ${String(n.claimedUntil)}`)).toEqual([
      "resolved 3 undefined",
    ]);

    clock.advance(1);
    expect((await runTick(rt, recordingLogger())).delivered.map((n) => n.kind)).toEqual(["resolved"]);
    expect(headlines(stack.standIn.teamsPosts).filter((h) => h === RESOLVED)).toHaveLength(1);
  });

  it("records a delivery once even when the incident is acknowledged while it is being sent", async () => {
    const clock = manualClock(scenario.start);
    const { rt } = freshRuntime(clock);
    const log = recordingLogger();
    await replay([rt], clock, t("01:05"), log);
    clock.advance(1);
    const held = holdingNextSend(rt);
    const tick = runTick(held.rt, log);
    await held.started;
    const claimed = (await rt.store.list({ activeOnly: true, limit: 10 })).incidents.find((i) =>
      i.outbox.some((p) => p.claimedUntil),
    )!;
    expect((await ack(rt, claimed.id, "alex@contoso.com")).status).toBe(200);
    held.release();
    const report = await tick;
    expect(report.delivered.map((n) => n.kind)).toEqual(["opened"]);
    expect(log.lines.filter((l) => l.includes("may be sent once more"))).toEqual([]);
    // The acknowledgement survived the write that recorded the delivery, and the notice is gone.
    const stored = await rt.store.get(claimed.id);
    expect(stored).toMatchObject({
      status: "found",
      stored: {
        value: { responder: { state: "acknowledged", by: "alex@contoso.com" }, outbox: [], deliveredCount: 1 },
      },
    });

    await replay([rt], clock, t("01:50"), log);
    const heads = headlines(stack.standIn.teamsPosts);
    expect(heads.filter((h) => h === SEV2)).toHaveLength(1);
    expect(new Set(heads).size).toBe(heads.length);
    expect(heads.at(-1)).toBe(RESOLVED);
  });

  // The webhook's own timeout is a socket timer (test/adapters/teams-webhook.test.ts); here the
  // channel answers at once with what that timer gives, so the test waits for nothing.
  it.each([
    [
      "does not answer in time",
      (rt: Runtime) => ({ ...rt, channels: rt.channels.map((c) => timingOut(c, 3)) }),
      /^timeout: Teams webhook http:\/\/127\.0\.0\.1:\d+\/workflows\/\S+\/invoke\?<redacted>: no answer within 10000 ms$/,
    ],
    [
      "drops the connection",
      (rt: Runtime) => {
        stack.standIn.faults.inject("teams", { kind: "drop" }, 3);
        return rt;
      },
      /^network: POST http:\/\/127\.0\.0\.1:\d+\/workflows\/\S+\/invoke\?<redacted>: fetch failed/,
    ],
  ])(
    "keeps a notice queued with its error while Teams %s, and delivers it once Teams recovers",
    async (_, failing, error) => {
      const clock = manualClock(scenario.start);
      const { rt } = freshRuntime(clock);
      const log = recordingLogger();
      await replay([rt], clock, t("01:05"), log);
      // Every try of the tick fails; Teams is well again after it.
      clock.advance(1);
      const report = await runTick(failing(rt), log);
      expect(report.delivered).toEqual([]);
      expect(report.failed.map((f) => f.channel)).toEqual(["teams"]);
      const [waiting] = await queued(rt);
      expect(waiting).toMatchObject({ kind: "opened", attempts: 3, nextAttemptAt: t("01:10") });
      expect(waiting!.claimedUntil).toBeUndefined();
      expect(waiting!.lastError).toMatch(error);
      expect(stack.standIn.teamsPosts).toEqual([]);

      await replay([rt], clock, t("01:50"), log);
      const heads = headlines(stack.standIn.teamsPosts);
      expect(heads.filter((h) => h === SEV2)).toHaveLength(1);
      expect(heads[0]).toBe(SEV2);
      expect(new Set(heads).size).toBe(heads.length);
      expect(heads.at(-1)).toBe(RESOLVED);
      expect(await queued(rt)).toEqual([]);
    },
  );

  it("keeps no part of the webhook's signature when Teams echoes it back across the excerpt's cut", async () => {
    const clock = manualClock(scenario.start);
    const { rt, prefix } = freshRuntime(clock, { tables: true });
    const log = recordingLogger();
    await replay([rt], clock, t("01:05"), log);
    const sig = new URL(stack.standIn.teamsWebhookUrl).searchParams.get("sig")!;
    // The excerpt is 300 characters; the signature starts ten before its end.
    const body = `${"x".repeat(290)}${sig} was rejected`;
    stack.standIn.faults.inject("teams", { kind: "status", status: 400, body });
    clock.advance(1);
    const report = await runTick(rt, log);

    const [waiting] = await queued(rt);
    expect(waiting!.lastError).toMatch(/^client: POST .* answered 400: x+<redacted>/);
    const prefixOfSig = sig.slice(0, 8);
    expect(log.lines.join("\n")).not.toContain(prefixOfSig);
    expect(JSON.stringify(report)).not.toContain(prefixOfSig);
    expect(await rawEntities(prefix)).not.toContain(prefixOfSig);
  });
});
