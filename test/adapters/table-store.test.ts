import { beforeEach, describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { randomBytes } from "node:crypto";
import { createTableStateStore } from "../../src/adapters/table-store.js";
import type { StateStore } from "../../src/core/ports/ports.js";
import { aNotice } from "../fixtures/notices.js";
import { anIncident, at } from "../fixtures/incidents.js";
import { countsRecord, subjectRecord } from "../../src/core/model/incident-record.js";

let incidents: TableClient;
let store: StateStore;
beforeEach(() => {
  const prefix = `s${randomBytes(5).toString("hex")}`;
  const conn = inject("tableConnectionString");
  incidents = TableClient.fromConnectionString(conn, `${prefix}Incidents`, { allowInsecureConnection: true });
  store = createTableStateStore(
    incidents,
    TableClient.fromConnectionString(conn, `${prefix}Monitor`, { allowInsecureConnection: true }),
    TableClient.fromConnectionString(conn, `${prefix}Notices`, { allowInsecureConnection: true }),
  );
});

const withPending = () => {
  const i = anIncident({ state: "resolved", resolvedAt: at(30) });
  return {
    ...i,
    outbox: [
      {
        ...aNotice("resolved", i),
        channel: "teams" as const,
        attempts: 2,
        lastError: "server: 502",
        claimedUntil: at(31),
        nextAttemptAt: at(32),
      },
    ],
  };
};

describe("the incident store on Azure Tables (Azurite)", () => {
  it("round-trips an incident with its dates, counts and outbox intact", async () => {
    const incident = withPending();
    await store.save(incident, undefined);
    const { incidents: loaded, unreadable } = await store.loadActive(at(60));
    expect(unreadable).toEqual([]);
    expect(loaded.map((s) => s.value)).toEqual([incident]);
    expect(loaded[0]!.etag).toBeTruthy();
  });

  it("lets only one of two runs create the same incident", async () => {
    const results = await Promise.all([store.save(anIncident(), undefined), store.save(anIncident(), undefined)]);
    expect(results.map((r) => r.status).sort()).toEqual(["conflict", "saved"]);
  });

  it("refuses a write based on a stale read, so a concurrent change is never overwritten", async () => {
    const created = await store.save(anIncident(), undefined);
    if (created.status !== "saved") throw new Error("create failed");
    const first = await store.save(anIncident({ severity: "SEV-1" }), created.etag);
    const second = await store.save(anIncident({ severity: "SEV-3" }), created.etag);
    expect(first.status).toBe("saved");
    expect(second).toEqual({ status: "conflict" });
    expect((await store.loadActive(at(60))).incidents[0]!.value.severity).toBe("SEV-1");
  });

  it("loads active incidents, those with undelivered notices and those changed within the flap window, not settled history", async () => {
    const open = anIncident();
    const settled = anIncident({ id: "0000000000000001", state: "resolved", resolvedAt: at(30), updatedAt: at(30) });
    const recent = anIncident({ id: "0000000000000003", state: "resolved", resolvedAt: at(50), updatedAt: at(50) });
    const pending = { ...withPending(), id: "0000000000000002" };
    for (const i of [open, settled, pending, recent]) await store.save(i, undefined);
    const ids = (await store.loadActive(at(40))).incidents.map((s) => s.value.id).sort();
    expect(ids).toEqual([open.id, pending.id, recent.id].sort());
  });

  it("never creates over a record that exists, finished or not: whether to take it over is not the store's call", async () => {
    await store.save(
      anIncident({ state: "resolved", resolvedAt: at(30), updatedAt: at(30), occurrence: 3 }),
      undefined,
    );
    expect(await store.save(anIncident({ openedAt: at(200) }), undefined)).toEqual({ status: "conflict" });
    expect(await store.get(anIncident().id)).toMatchObject({ stored: { value: { state: "resolved", occurrence: 3 } } });
  });

  it("finds one incident by ID and lists active ones for the API", async () => {
    await store.save(anIncident(), undefined);
    await store.save(anIncident({ id: "0000000000000001", state: "resolved", resolvedAt: at(30) }), undefined);
    expect(await store.get(anIncident().id)).toMatchObject({
      status: "found",
      stored: { value: { id: anIncident().id } },
    });
    expect(await store.get("ffffffffffffffff")).toEqual({ status: "missing" });
    expect((await store.list({ activeOnly: true, limit: 10 })).incidents.map((i) => i.id)).toEqual([anIncident().id]);
    expect((await store.list({ activeOnly: false, limit: 10 })).incidents).toHaveLength(2);
  });

  it("reads a row written before the lifecycle columns: firing, announced, its queued notice still for Teams", async () => {
    const i = anIncident();
    await store.loadActive(at(0)); // creates the tables
    const snapshot = {
      id: i.id,
      rule: i.rule,
      key: subjectRecord(i.subject),
      state: "open",
      severity: i.severity,
      openedAt: i.openedAt,
      resolvedAt: null,
      counts: countsRecord(i.counts),
      peakFailures: 90,
      lastFailureAt: i.lastFailureAt,
      triggers: [],
      severityReason: "",
      diagnosis: null,
    };
    await incidents.createEntity({
      partitionKey: "kv-auth-denied",
      rowKey: i.id,
      state: "open",
      severity: "SEV-2",
      openedAt: i.openedAt,
      updatedAt: at(10),
      occurrence: 1,
      peakFailures: 90,
      deliveredCount: 0,
      key: JSON.stringify(subjectRecord(i.subject)),
      counts: JSON.stringify(countsRecord(i.counts)),
      pending: 1,
      outbox: JSON.stringify([
        {
          id: `${i.id}-o1-opened`,
          kind: "opened",
          decidedAt: at(5),
          snapshot,
          attempts: 1,
          lastError: "server: 502",
          claimedUntil: null,
        },
      ]),
    });
    const { incidents: loaded, unreadable } = await store.loadActive(at(60));
    expect(unreadable).toEqual([]);
    expect(loaded[0]!.value).toMatchObject({
      state: "firing",
      responder: { state: "new" },
      notified: { state: "firing" },
    });
    expect(loaded[0]!.value.outbox).toEqual([
      expect.objectContaining({
        channel: "teams",
        kind: "opened",
        dedupKey: `vaultwatch-${i.id}-${i.openedAt.getTime().toString(36)}`,
      }),
    ]);
  });

  it("reports a row it cannot read instead of dropping it silently or failing the tick", async () => {
    await store.save(anIncident(), undefined);
    await incidents.createEntity({
      partitionKey: "kv-auth-denied",
      rowKey: "garbled",
      state: "open",
      outbox: "{not json",
    });
    const { incidents: loaded, unreadable } = await store.loadActive(at(60));
    expect(loaded).toHaveLength(1);
    expect(unreadable).toEqual(["kv-auth-denied/garbled"]);
  });

  it("keeps the heartbeat for the health check", async () => {
    expect(await store.loadHeartbeat()).toBeUndefined();
    const beat = {
      tickAt: at(5),
      signalStatus: "partial" as const,
      problem: "limit",
      seriesObserved: 4,
      openIncidents: 1,
      undelivered: 0,
      requests: 2,
      slos: [
        {
          name: "orders",
          kind: "identity-vault" as const,
          status: "firing" as const,
          firing: "page-fast",
          budgetRemaining: 0.4,
          hoursToExhaustion: 20,
        },
      ],
      controlPlane: {
        checkedAt: at(5),
        problem: undefined,
        armRequests: 4,
        probesFailed: 1,
        monitorProblems: ["arm throttled"],
        findings: [
          {
            kind: "role-missing",
            summary: "no role",
            severity: "SEV-2" as const,
            hypothesis: "H2",
            vaultResourceId: "v",
          },
        ],
        vaults: [{ vaultResourceId: "v", config: "read", coverage: "covered", permissionModel: "rbac" }],
      },
      signals: {
        "kv-requests": { status: "degraded" as const, problem: "limit" },
        changes: { status: "no-data" as const, problem: undefined },
      },
    };
    await store.saveHeartbeat(beat);
    expect(await store.loadHeartbeat()).toEqual(beat);
    await store.saveHeartbeat({ ...beat, signalStatus: "complete", problem: undefined });
    expect(await store.loadHeartbeat()).toEqual({ ...beat, signalStatus: "complete", problem: undefined });
  });
});
