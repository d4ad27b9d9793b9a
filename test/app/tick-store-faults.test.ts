import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { runTick, type TickReport } from "../../src/app/run-tick.js";
import { checkHealth } from "../../src/app/check-health.js";
import { acknowledgeIncident } from "../../src/app/incidents/acknowledge.js";
import type { Runtime } from "../../src/app/runtime.js";
import { TABLES_MAX_RETRIES } from "../../src/adapters/table-store.js";
import type { StateStore } from "../../src/core/ports/ports.js";
import { startTablesProxy, type TablesProxy } from "../../tools/standin/tables-proxy.js";
import type { AuditEvent, TrafficModel } from "../../tools/standin/workspace.js";
import { ORDERS, secretGets } from "../../tools/standin/scenarios/rbac-removal.js";
import { recordingLogger, startStack, type Stack } from "../harness/stack.js";
import { manualClock } from "../harness/replay.js";

/**
 * What the tick does when the store does not take its write: a write another writer beat (a 412
 * from Azurite itself, not an injected one), and a Table request that hangs. id-func-orders is
 * critical with no fallback (CRITICAL_IDENTITIES): 30% of its calls are denied from 01:00 (SEV-2,
 * "30% of calls denied right now"), every call from 01:20 to 01:25 (blocked: SEV-1), then 30% again.
 * Severity reads the latest bin with calls, so only the 01:25 tick sees the path blocked.
 */
const START = new Date("2026-11-20T01:05:00Z");
const MINUTE = 60_000;
const at = (hhmm: string) => new Date(`2026-11-20T${hhmm}:00Z`);
const BLOCKED = { from: at("01:20").getTime(), to: at("01:25").getTime() };

const call = (minute: Date, status: number, count: number): AuditEvent => secretGets(ORDERS, minute, status, count);

const traffic: TrafficModel = {
  eventsForMinute(minute) {
    const t = minute.getTime();
    if (t < at("01:00").getTime()) return [call(minute, 200, 20)];
    if (t >= BLOCKED.from && t < BLOCKED.to) return [call(minute, 403, 20)];
    return [call(minute, 200, 14), call(minute, 403, 6)];
  },
};

let stack: Stack;
let proxy: TablesProxy;
beforeAll(async () => {
  stack = await startStack({ traffic, tables: ["AzureDiagnostics"], env: { CRITICAL_IDENTITIES: ORDERS.name } });
  const connectionString = inject("tableConnectionString");
  const endpoint = /TableEndpoint=([^;]+)/.exec(connectionString)?.[1];
  if (!endpoint) throw new Error("the Azurite connection string names no TableEndpoint");
  proxy = await startTablesProxy({ endpoint, connectionString });
});
afterAll(async () => {
  await proxy.close();
  await stack.close();
});

/** A runtime on a fresh prefix, its clock under the test's control, through the proxy's first door. */
function runtimeAt(clock: ReturnType<typeof manualClock>, tablesTimeoutMs?: number): Runtime {
  const prefix = `w${Math.random().toString(36).slice(2, 10)}`;
  return stack.runtime(
    { clock: clock.now, delivery: clock.delivery(), ...(tablesTimeoutMs ? { tablesTimeoutMs } : {}) },
    { STATE_TABLE_PREFIX: prefix, STATE_STORAGE_CONNECTION_STRING: proxy.doors[0]!.connectionString },
  );
}

const escalationsIn = (reports: TickReport[]) =>
  reports
    .flatMap((r) => r.delivered)
    .filter((n) => n.kind === "escalated")
    .map((n) => `${n.channel} ${n.id}`);

describe("a decision whose write another writer beat", () => {
  it("is decided again over what that writer left: a responder's acknowledgement during the tick does not cost the escalation", async () => {
    stack.standIn.teamsPosts.length = 0;
    const clock = manualClock(START);
    const log = recordingLogger();
    const base = runtimeAt(clock);
    // At the 01:25 tick, a responder acknowledges after the tick read the incident and before it
    // writes it: Azurite answers the tick's ETag-guarded write with 412, as Azure Tables would.
    let raceAt: Date | undefined;
    const store: StateStore = {
      ...base.store,
      async save(incident, etag) {
        if (raceAt && clock.now().getTime() === raceAt.getTime()) {
          raceAt = undefined;
          const acked = await acknowledgeIncident({ store: base.store, clock: clock.now }, incident.id, {
            by: "dana@contoso.com",
            note: "looking",
          });
          expect(acked.status).toBe("acknowledged");
        }
        return base.store.save(incident, etag);
      },
    };
    const rt: Runtime = { ...base, store };

    const reports: TickReport[] = [];
    for (let t = START.getTime(); t <= at("01:40").getTime(); t += 5 * MINUTE) {
      if (t > START.getTime()) clock.advance(5);
      if (t === BLOCKED.to) raceAt = clock.now();
      reports.push(await runTick(rt, log));
    }

    const race = reports[(BLOCKED.to - START.getTime()) / (5 * MINUTE)]!;
    expect(race.conflicts).toBe(1);
    expect(race.incidentFailures).toEqual([]);
    // The escalation the 01:25 tick decided went out at that tick (Teams is the stack's one
    // channel), and only then: the 01:30 tick no longer sees the path blocked.
    expect(escalationsIn([race])).toEqual([expect.stringMatching(/^teams .*-escalated-SEV-1$/)]);
    expect(escalationsIn(reports)).toEqual(escalationsIn([race]));
    // The responder's acknowledgement is kept, and announced, not overwritten by the tick.
    const { incidents } = await rt.store.list({ activeOnly: false, limit: 10 });
    const incident = incidents.find((i) => i.rule === "kv-auth-denied")!;
    expect(incident.severity).toBe("SEV-1");
    expect(incident.responder).toMatchObject({ state: "acknowledged", note: "looking" });
    expect(reports.flatMap((r) => r.delivered).some((n) => n.kind === "acknowledged")).toBe(true);
    expect(log.lines.some((l) => /changed by another writer; read again and decided again/.test(l))).toBe(true);
  });

  it("is reported as failing, not dropped in silence, when every write of the tick is beaten", async () => {
    const clock = manualClock(START);
    const log = recordingLogger();
    const rt = runtimeAt(clock);
    await runTick(rt, log);
    clock.advance(5);
    // Four 412s in a row: as many writes as the tick makes of one decision (update-with-retry.ts).
    proxy.inject({ kind: "status", status: 412 }, { times: 4, kind: "write", table: "Incidents" });
    const report = await runTick(rt, log);
    proxy.clearFaults();
    expect(report.conflicts).toBe(4);
    expect(report.incidentFailures).toEqual([
      expect.objectContaining({ step: "commit", message: expect.stringMatching(/another writer at each of 4 writes/) }),
    ]);
    const health = await checkHealth(rt);
    expect(health.status).not.toBe("healthy");
    expect(health.reasons.join("\n")).toMatch(/could not write or deliver 1 incident/);
  });
});

describe("a Table request that hangs", () => {
  // A short fuse so that the held requests cost little real time; production's is 30 s.
  const FUSE_MS = 250;
  /** Held far longer than the fuse: without one, the tick would wait on it past the test's timeout. */
  const HELD = { kind: "hold-then-reset", ms: 600_000 } as const;

  it("ends the tick: the incident whose write hung is reported, the heartbeat says so, and health is not healthy", async () => {
    const clock = manualClock(START);
    const log = recordingLogger();
    const rt = runtimeAt(clock, FUSE_MS);
    await runTick(rt, log);
    clock.advance(5);
    // Every try of the incident's write hangs: the first and the SDK's retries.
    proxy.inject(HELD, { times: 1 + TABLES_MAX_RETRIES, kind: "write", table: "Incidents" });
    const started = performance.now();
    const report = await runTick(rt, log);
    const seconds = (performance.now() - started) / 1000;
    proxy.clearFaults();

    expect(report.incidentFailures).toEqual([
      expect.objectContaining({
        step: "commit",
        message: expect.stringMatching(/Azure Tables did not answer PUT .*Incidents within 0.25 s/),
      }),
    ]);
    // Three tries of 0.25 s and the SDK's two waits (about 1 s and 2 s, with jitter): bounded.
    expect(seconds).toBeLessThan(15);
    const health = await checkHealth(rt);
    expect(health.status).not.toBe("healthy");
    expect(health.reasons.join("\n")).toMatch(/did not answer PUT .*Incidents within 0.25 s/);
  });

  it("ends a tick whose reads hang with an error that names the store, instead of holding it", async () => {
    const clock = manualClock(START);
    const rt = runtimeAt(clock, FUSE_MS);
    proxy.inject(HELD, { times: 100, kind: "read" });
    try {
      await expect(runTick(rt, recordingLogger())).rejects.toThrow(/Azure Tables did not answer GET .* within 0.25 s/);
    } finally {
      proxy.clearFaults();
    }
  });
});
