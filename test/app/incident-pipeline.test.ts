import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { createTableStateStore } from "../../src/adapters/table-store.js";
import { rbacRemovalScenario, ORDERS, VAULT_ID } from "../../src/standin/scenarios/rbac-removal.js";
import { checkHealth } from "../../src/app/check-health.js";
import { DEFAULT_DELIVERY } from "../../src/app/deliver.js";
import { runTick } from "../../src/app/run-tick.js";
import type { StateStore } from "../../src/app/ports.js";
import { startStack, recordingLogger, type Stack } from "../harness/stack.js";
import { headlines, manualClock, replay } from "../harness/replay.js";

const scenario = rbacRemovalScenario(new Date("2026-11-20T00:00:00Z"));
const t = (hhmm: string) => new Date(`2026-11-20T${hhmm}:00Z`);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    traffic: scenario.traffic, activity: scenario.activity, tables: ["AzureDiagnostics", "AzureActivity"], ingestionDelayMinutes: 2,
    env: { CRITICAL_IDENTITIES: ORDERS.name },
  });
});
afterAll(() => stack.close());

/** The same stand-in and settings for every test, but state in tables of its own. */
function freshRuntime(clock: ReturnType<typeof manualClock>, wrap?: (s: StateStore) => StateStore) {
  const prefix = `p${Math.random().toString(36).slice(2, 10)}`;
  const store = createStoreFor(prefix);
  // In-tick retries wait milliseconds here, not seconds; the schedule is the same.
  return { rt: { ...stack.runtime({ clock: clock.now, delivery: { ...DEFAULT_DELIVERY, retryDelayMs: 5, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) } }), store: wrap ? wrap(store) : store }, prefix };
}

function tables(prefix: string) {
  const conn = inject("tableConnectionString");
  const open = (name: string) => TableClient.fromConnectionString(conn, `${prefix}${name}`, { allowInsecureConnection: true });
  return [open("Incidents"), open("Monitor")] as const;
}

function createStoreFor(prefix: string) {
  const [incidents, monitor] = tables(prefix);
  return createTableStateStore(incidents, monitor);
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

    const delivered = reports.flatMap((r) => r.delivered.map((n) => ({ kind: n.kind, at: r.tickAt, severity: n.snapshot.severity })));
    // Nobody acknowledged the page within SEV-1's 15 minutes: it went to the escalation route.
    expect(delivered.map((d) => `${d.kind} ${d.severity}`)).toEqual(["opened SEV-2", "escalated SEV-1", "unacknowledged SEV-1", "resolved SEV-1"]);
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
      "SEV-1 (escalated): Key Vault access denied on kv-orders-prod",
      "SEV-1 NOT ACKNOWLEDGED: Key Vault access denied on kv-orders-prod",
      "Resolved: Key Vault access denied on kv-orders-prod",
    ]);
    const card = JSON.stringify(stack.standIn.teamsPosts[0]!.body);
    expect(card).toContain("id-func-orders (user-assigned identity)");
    expect(card).toContain(`az role assignment create --assignee-object-id ${ORDERS.objectId} --assignee-principal-type ServicePrincipal --role \\"Key Vault Secrets User\\" --scope ${VAULT_ID.toLowerCase()}`);
    expect(card).not.toContain("func-billing");
    // The activity log shows the deletion just before onset: RBAC role missing, decided by it.
    expect(card).toContain("Likely cause");
    expect(card).toContain("1. H2 RBAC role missing or at the wrong scope (likely)");
    expect(card).toContain("deleted at 01:00 UTC by deploy-pipeline@contoso.com");
    expect(log.lines.filter((l) => !l.startsWith("info"))).toEqual([]);
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
    const { rt, prefix } = freshRuntime(clock);
    const log = recordingLogger();
    await replay([rt], clock, t("01:05"), log);
    stack.standIn.faults.inject("teams", { kind: "status", status: 500 });
    stack.standIn.faults.inject("teams", { kind: "status", status: 429, retryAfterSeconds: 60 });
    const reports = await replay([rt], clock, t("01:50"), log);

    expect(headlines(stack.standIn.teamsPosts)).toEqual([
      "SEV-2: Key Vault access denied on kv-orders-prod",
      "SEV-1 (escalated): Key Vault access denied on kv-orders-prod",
      "SEV-1 NOT ACKNOWLEDGED: Key Vault access denied on kv-orders-prod",
      "Resolved: Key Vault access denied on kv-orders-prod",
    ]);
    // The 500 was retried within the tick; the 429 asked for 60 s, more than the tick's budget
    // leaves, so the notice waited for a later tick (the backoff), and was delivered then.
    const errors = log.lines.filter((l) => l.startsWith("error"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/teams delivery of opened notice \S+ failed \(attempt 2, throttled 429\).*invoke\?<redacted>.*tried again after 2026-11-20T01:0\d/);

    const sig = new URL(stack.standIn.teamsWebhookUrl).searchParams.get("sig")!;
    expect(log.lines.join("\n")).not.toContain(sig);
    expect(JSON.stringify(reports)).not.toContain(sig);
    const [incidents, monitor] = tables(prefix);
    for (const table of [incidents, monitor]) {
      for await (const e of table.listEntities()) expect(JSON.stringify(e)).not.toContain(sig);
    }
  });

  it("sends each notice once when two timer runs overlap on every tick", async () => {
    const clock = manualClock(scenario.start);
    const a = freshRuntime(clock);
    const b = { ...a.rt, store: createStoreFor(a.prefix) };
    const reports = await replay([a.rt, b], clock, t("01:50"), recordingLogger());
    expect(headlines(stack.standIn.teamsPosts)).toHaveLength(4);
    expect(reports.reduce((n, r) => n + r.conflicts, 0)).toBeGreaterThan(0);
  });

  it("re-sends a notice whose delivery was not recorded (a crash after the post), once its claim expires", async () => {
    const clock = manualClock(scenario.start);
    let crashed = false;
    const { rt } = freshRuntime(clock, (inner) => ({
      ...inner,
      async save(incident, etag) {
        // Fail the write that records the first successful delivery, as a crash would.
        if (!crashed && incident.deliveredCount === 1) {
          crashed = true;
          throw new Error("host stopped");
        }
        return inner.save(incident, etag);
      },
    }));
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
    expect(reports.flatMap((r) => r.delivered).map((n) => `${n.snapshot.rule} ${n.kind}`)).toEqual(["kv-auth-denied unacknowledged", "monitor opened"]);
    const health = await checkHealth(rt);
    expect(health).toMatchObject({ status: "unhealthy", httpStatus: 503 });
    expect(health.reasons.join("\n")).toMatch(/the last Key Vault query failed: .*Log Analytics answered 503/);
    expect(log.lines.some((l) => l.startsWith("warn: Key Vault signal is failed"))).toBe(true);

    stack.standIn.faults.clear();
    clock.advance(1);
    const recovered = await runTick(rt, log);
    expect(recovered.delivered.map((n) => `${n.snapshot.rule} ${n.kind}`).sort()).toEqual(["kv-auth-denied resolved", "monitor resolved"]);
  });
});
