import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Incident } from "../../src/core/model/index.js";
import { toEntity } from "../../src/adapters/incident-entity.js";
import { runTick, type TickReport } from "../../src/app/run-tick.js";
import { checkHealth } from "../../src/app/check-health.js";
import type { Runtime } from "../../src/app/runtime.js";
import type { StateStore } from "../../src/core/ports/ports.js";
import { QUEUE_CAP } from "../../src/core/notify/outbox-bounds.js";
import { createMemoryState } from "../../tools/standin/memory-state.js";
import { startPagerDutyStandIn, type PagerDutyStandIn } from "../../tools/standin/pagerduty.js";
import type { AuditEvent, TrafficModel } from "../../tools/standin/workspace.js";
import { ORDERS, BILLING, VAULT_ID, secretGets } from "../../tools/standin/scenarios/rbac-removal.js";
import { recordingLogger, startStack, type Stack } from "../harness/stack.js";
import { headlines, manualClock } from "../harness/replay.js";

/**
 * A revoked Teams webhook for a week (docs/adr/0027-outbox-table.md): every post answers 400
 * while id-func-orders is denied on kv-orders-prod from 01:00 all week (a page that repeats every 4 hours,
 * nobody acknowledging) and func-billing is denied on its own vault for an hour on day 3 (an incident that opens
 * and resolves meanwhile). Ticks every 5 minutes, as MONITOR_SCHEDULE runs them.
 */
const START = new Date("2026-11-20T00:00:00Z");
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const BILLING_DENIED = { from: START.getTime() + 3 * DAY, to: START.getTime() + 3 * DAY + 60 * MINUTE };

/** func-billing reads a vault of its own: its incident is not grouped with the orders one. */
const BILLING_VAULT = VAULT_ID.replace("kv-orders-prod", "kv-billing-prod");

const call = (minute: Date, who: typeof ORDERS, status: number, count: number): AuditEvent =>
  secretGets(who, minute, status, count, who === BILLING ? BILLING_VAULT : VAULT_ID);

const traffic: TrafficModel = {
  eventsForMinute(minute) {
    const t = minute.getTime();
    const billingDenied = t >= BILLING_DENIED.from && t < BILLING_DENIED.to;
    // Denied from 01:00 on, after an hour of normal calls: a change the rules see, not a habit.
    const ordersDenied = t >= START.getTime() + 60 * MINUTE;
    return [call(minute, ORDERS, ordersDenied ? 403 : 200, 20), call(minute, BILLING, billingDenied ? 403 : 200, 10)];
  },
};

let stack: Stack;
let pd: PagerDutyStandIn;
beforeAll(async () => {
  pd = await startPagerDutyStandIn();
  stack = await startStack({
    traffic,
    tables: ["AzureDiagnostics"],
    env: { PAGERDUTY_ROUTING_KEY: pd.routingKey, PAGERDUTY_URL: pd.url },
  });
});
afterAll(async () => {
  await stack.close();
  await pd.close();
});
beforeEach(() => {
  stack.standIn.faults.clear();
  stack.standIn.teamsPosts.length = 0;
  pd.events.length = 0;
  pd.alerts.clear();
});

/** The largest serialized incident row `store` held at any point, as Azure Tables would store it. */
function measuringRows(inner: StateStore, seen: { maxRowChars: number; maxOutbox: number }): StateStore {
  return {
    ...inner,
    async save(incident: Incident, etag) {
      const row = toEntity(incident);
      seen.maxRowChars = Math.max(seen.maxRowChars, JSON.stringify(row).length);
      seen.maxOutbox = Math.max(seen.maxOutbox, row.outbox.length);
      return inner.save(incident, etag);
    },
  };
}

describe("a channel that rejects every notice for a week", () => {
  it("keeps the row small, every tick and the heartbeat going, the other channels told, and delivers once fixed", async () => {
    const clock = manualClock(START);
    const state = createMemoryState();
    const seen = { maxRowChars: 0, maxOutbox: 0 };
    const rt: Runtime = {
      ...stack.runtime({ clock: clock.now, delivery: clock.delivery() }),
      store: measuringRows(state.store, seen),
      silences: state.silences,
      baselines: state.baselines,
    };
    // A revoked Workflows URL: 400 to every post, far more than a week's.
    stack.standIn.faults.inject("teams", { kind: "status", status: 400 }, 100_000);
    const log = recordingLogger();
    const reports: TickReport[] = [];
    const week = START.getTime() + 7 * DAY;
    while (clock.now().getTime() < week) {
      clock.advance(5);
      reports.push(await runTick(rt, log));
      // Every tick writes its heartbeat, whatever the outbox holds.
      expect((await rt.store.loadHeartbeat())?.tickAt).toEqual(clock.now());
    }
    expect(reports).toHaveLength(7 * 24 * 12);
    expect(reports.flatMap((r) => r.incidentFailures)).toEqual([]);
    expect(stack.standIn.teamsPosts).toEqual([]);

    // Bounded: a week of 4-hourly repeats (42 of them) never grows the row past the cap's worth.
    const stored = (await rt.store.list({ activeOnly: false, limit: 50 })).incidents;
    const orders = stored.find((i) => i.rule === "kv-auth-denied" && i.state === "firing")!;
    expect(orders.outbox.filter((p) => p.channel === "teams").length).toBeLessThanOrEqual(QUEUE_CAP);
    const repeats = orders.outbox.filter((p) => p.channel === "teams" && p.kind === "repeated");
    expect(repeats).toHaveLength(1);
    expect(repeats[0]!.merged).toBeGreaterThanOrEqual(40);
    // Measured: the outbox column at most about 1,300 characters and the row about 4,600; each
    // repeat appended with its snapshot (2.3 KB a channel) would have passed 32K in two days.
    expect(seen.maxOutbox).toBeLessThan(5_000);
    expect(seen.maxRowChars).toBeLessThan(10_000);

    // The billing incident opened and resolved on PagerDuty meanwhile; the orders page repeats there.
    const actions = pd.events.filter((e) => e.status === 202).map((e) => String(e.event?.event_action));
    expect(actions.filter((a) => a === "resolve").length).toBeGreaterThanOrEqual(1);
    expect(actions.filter((a) => a === "trigger").length).toBeGreaterThan(40);

    // The finding reaches PagerDuty with the words, and never Teams (it is parked there anyway).
    const summaries = pd.events.map((e) => JSON.stringify(e.event ?? {}));
    expect(summaries.some((s) => /channel Teams rejects notices: HTTP 400 since 2026-11-20 0[1-2]:/.test(s))).toBe(
      true,
    );
    const health = await checkHealth(rt);
    expect(health.reasons.join("\n")).toMatch(
      /channel Teams rejects notices: HTTP 400 since 2026-11-20 0[1-2]:\d\d UTC/,
    );
    expect(health.reasons.join("\n")).toMatch(/parked after 8 refusals/);
    // Parked: a week of refusals cost a few tries per notice, not one every 30 minutes.
    const teamsTries = stack.standIn.requests.filter((r) => r.endpoint === "teams").length;
    expect(teamsTries).toBeLessThan(7 * 48);

    // Fixed: the parked notices are delivered within one probe, and the finding resolves.
    stack.standIn.faults.clear();
    for (let n = 0; n < 6 * 12 + 2; n++) {
      clock.advance(5);
      reports.push(await runTick(rt, log));
    }
    // The finding about Teams was never queued for Teams.
    const monitorTeams = reports.flatMap((r) => r.delivered).filter((n) => n.snapshot.rule === "monitor");
    expect(monitorTeams.length).toBeGreaterThan(0);
    expect(monitorTeams.filter((n) => n.channel === "teams")).toEqual([]);
    const posted = headlines(stack.standIn.teamsPosts);
    expect(posted.length).toBeGreaterThan(0);
    expect(posted.some((h) => /Resolved/.test(h))).toBe(true);
    const after = (await rt.store.list({ activeOnly: false, limit: 50 })).incidents;
    expect(after.flatMap((i) => i.outbox).filter((p) => p.channel === "teams" && p.lastReason === "client")).toEqual(
      [],
    );
    expect(after.filter((i) => i.rule === "monitor" && i.state !== "resolved")).toEqual([]);
  }, 900_000);
});

describe("one incident that cannot be written", () => {
  it("leaves the others written and delivered, the tick completed and the heartbeat written", async () => {
    // Both callers denied: day 3, while func-billing is too.
    const clock = manualClock(new Date(BILLING_DENIED.from + 5 * MINUTE));
    const state = createMemoryState();
    const orders = (i: Incident) =>
      i.subject.kind === "caller-on-vault" && i.subject.callerObjectId === ORDERS.objectId;
    const rt: Runtime = {
      ...stack.runtime({ clock: clock.now, delivery: clock.delivery() }),
      store: {
        ...state.store,
        async save(incident, etag) {
          // What Azure Tables answers a row over its limits; any throw from a save is handled alike.
          if (orders(incident))
            throw new Error("PropertyValueTooLarge: The property value exceeds the maximum allowed size (64KB).");
          return state.store.save(incident, etag);
        },
      },
      silences: state.silences,
      baselines: state.baselines,
    };
    const log = recordingLogger();
    clock.advance(5);
    const report = await runTick(rt, log);

    expect(report.incidentFailures).toEqual([
      expect.objectContaining({ step: "commit", message: expect.stringMatching(/^PropertyValueTooLarge/) }),
    ]);
    const id = report.incidentFailures[0]!.incidentId;
    expect(log.lines).toContainEqual(expect.stringMatching(new RegExp(`^error: incident ${id} could not be written`)));
    // The other incident was written and told of.
    const written = (await state.store.list({ activeOnly: true, limit: 10 })).incidents;
    expect(written.map((i) => i.subject.kind === "caller-on-vault" && i.subject.callerObjectId)).toEqual([
      BILLING.objectId,
    ]);
    expect(report.delivered.map((n) => `${n.channel} ${n.kind}`).sort()).toEqual(["pagerduty opened", "teams opened"]);
    expect(JSON.stringify(stack.standIn.teamsPosts)).toContain("func-billing");
    const beat = await state.store.loadHeartbeat();
    expect(beat).toMatchObject({ tickAt: clock.now(), incidentFailures: 1 });
    const health = await checkHealth(rt);
    expect(health.reasons.join("\n")).toMatch(
      new RegExp(
        `could not write or deliver 1 incident\\(s\\); the others went on \\(first: incident ${id} \\(commit\\): PropertyValueTooLarge`,
      ),
    );
  });
});
