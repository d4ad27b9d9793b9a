import { beforeEach, describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { randomBytes } from "node:crypto";
import { createTableStateStore } from "../../src/adapters/table-store.js";
import type { ChannelName, Incident, PendingNotification } from "../../src/core/model/index.js";
import type { StateStore } from "../../src/core/ports/ports.js";
import { snapshotOf } from "../../src/core/model/incidents.js";
import { aNotice } from "../fixtures/notices.js";
import { anIncident, at } from "../fixtures/incidents.js";

/**
 * The outbox across two tables on Azurite: the incident row keeps a small index per notice and
 * channel, the notices table each notice's snapshot once (docs/adr/0027-outbox-table.md).
 */
let prefix: string;
let rows: TableClient;
let notices: TableClient;
const open = (name: string) =>
  TableClient.fromConnectionString(inject("tableConnectionString"), `${prefix}${name}`, {
    allowInsecureConnection: true,
  });
/** A store as another process would open it: nothing known about what is stored. */
const aStore = (): StateStore => createTableStateStore(rows, open("Monitor"), notices);
let store: StateStore;
beforeEach(() => {
  prefix = `n${randomBytes(5).toString("hex")}`;
  rows = open("Incidents");
  notices = open("Notices");
  store = aStore();
});

const CHANNELS: ChannelName[] = ["teams", "email", "pagerduty"];

/** A firing incident with `kinds` queued on every channel. */
function queued(kinds: ("opened" | "escalated")[] = ["opened", "escalated"]): Incident {
  const i = anIncident();
  const outbox: PendingNotification[] = kinds.flatMap((kind) =>
    CHANNELS.map((channel) => ({
      ...aNotice(kind, i),
      channel,
      attempts: 0,
      lastError: undefined,
      claimedUntil: undefined,
      nextAttemptAt: undefined,
    })),
  );
  return { ...i, outbox };
}

async function entities(table: TableClient): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const e of table.listEntities<Record<string, unknown>>()) out.push(e);
  return out;
}

describe("the notices table (Azurite)", () => {
  it("stores each notice's snapshot once, not once per channel, and loads the outbox back whole", async () => {
    const incident = queued();
    await store.save(incident, undefined);

    const bodies = await entities(notices);
    expect(bodies.map((b) => `${b.partitionKey}/${b.rowKey}`).sort()).toEqual(
      [`${incident.id}/${incident.outbox[0]!.id}`, `${incident.id}/${incident.outbox[3]!.id}`].sort(),
    );
    const [row] = await entities(rows);
    expect(String(row!.outbox)).not.toContain('"snapshot"');
    expect(JSON.parse(String(row!.outbox))).toHaveLength(6);

    // Another process, with nothing remembered, joins the index with the bodies.
    const loaded = await aStore().loadActive(at(0));
    expect(loaded.incidents.map((s) => s.value)).toEqual([incident]);
    const got = await aStore().get(incident.id);
    expect(got.status === "found" && got.stored.value).toEqual(incident);
  });

  it("deletes a notice's snapshot once no channel has it queued, and keeps it while one still does", async () => {
    const incident = queued();
    const first = await store.save(incident, undefined);
    const [opened, escalated] = [incident.outbox[0]!.id, incident.outbox[3]!.id];
    // Teams and email delivered the opened notice; PagerDuty has not yet.
    const partly = { ...incident, outbox: incident.outbox.filter((p) => p.id !== opened || p.channel === "pagerduty") };
    const second = await store.save(partly, first.status === "saved" ? first.etag : undefined);
    expect((await entities(notices)).map((b) => b.rowKey).sort()).toEqual([opened, escalated].sort());

    const done = { ...partly, outbox: partly.outbox.filter((p) => p.id !== opened) };
    await store.save(done, second.status === "saved" ? second.etag : undefined);
    expect((await entities(notices)).map((b) => b.rowKey)).toEqual([escalated]);
  });

  it("sweeps a snapshot nothing references once it is older than the flap window, and keeps a recent one", async () => {
    const incident = queued(["opened"]);
    await store.save(incident, undefined);
    // A crash between the snapshot and the incident row: a body nobody references.
    await notices.upsertEntity({
      partitionKey: incident.id,
      rowKey: "orphan",
      decidedAt: at(0).toISOString(),
      parts: 0,
    });
    await notices.upsertEntity({
      partitionKey: incident.id,
      rowKey: "orphan-recent",
      decidedAt: at(90).toISOString(),
      parts: 1,
      body0: JSON.stringify({ snapshot: JSON.parse(JSON.stringify({})) }),
    });
    await aStore().loadActive(at(60));
    const left = (await entities(notices)).map((b) => b.rowKey).sort();
    expect(left).toContain(incident.outbox[0]!.id);
    expect(left).toContain("orphan-recent");
    expect(left).not.toContain("orphan");
  });

  it("still delivers a notice whose snapshot is missing, rendered from the incident as it is now and marked so", async () => {
    const incident = queued(["opened"]);
    await store.save(incident, undefined);
    await notices.deleteEntity(incident.id, incident.outbox[0]!.id);

    const loaded = (await aStore().loadActive(at(0))).incidents[0]!.value;
    expect(loaded.outbox.map((p) => p.channel)).toEqual(CHANNELS);
    for (const p of loaded.outbox) {
      expect(p.snapshotMissing).toBe(true);
      expect(p.snapshot).toEqual(snapshotOf(loaded));
      expect(p.id).toBe(incident.outbox[0]!.id);
    }
  });

  it("keeps a group listing too long for one property whole, across parts", async () => {
    const incident = queued(["opened"]);
    const member = {
      id: "x",
      rule: "kv-auth-denied" as const,
      state: "firing" as const,
      severity: "SEV-2" as const,
      vault: "kv-orders-prod",
      identity: "id-func-orders",
      app: undefined,
      failures: 1,
      total: 2,
      finding: "f".repeat(400),
      muted: false,
    };
    // 200 members of ~500 characters: about 100,000 characters, over three 32K properties.
    const group = {
      key: "vaultwatch-g",
      openedAt: at(0),
      members: Array.from({ length: 200 }, (_, n) => ({ ...member, id: `m${n}` })),
    };
    const withGroup = { ...incident, outbox: incident.outbox.map((p) => ({ ...p, group })) };
    await store.save(withGroup, undefined);
    const [body] = await entities(notices);
    expect(Number(body!.parts)).toBeGreaterThan(2);
    const loaded = (await aStore().loadActive(at(0))).incidents[0]!.value;
    expect(loaded.outbox[0]!.group).toEqual(group);
  });
});
