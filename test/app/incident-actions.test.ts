import { beforeEach, describe, expect, it } from "vitest";
import { UPDATE_ATTEMPTS } from "../../src/app/common/update-with-retry.js";
import { acknowledgeIncident } from "../../src/app/incidents/acknowledge.js";
import { closeIncident } from "../../src/app/incidents/close.js";
import { getIncident } from "../../src/app/incidents/get.js";
import { listIncidents } from "../../src/app/incidents/list.js";
import type { StateStore } from "../../src/core/ports/ports.js";
import { createMemoryStateStore } from "../../tools/standin/memory-state.js";
import { anIncident, aPolicy, at } from "../fixtures/incidents.js";

const NOW = at(30);
const clock = () => NOW;
const policy = aPolicy().notify;

let store: StateStore;
// The in-memory stand-in keeps the Tables adapter's write rules (test/adapters/state-store.contract.test.ts).
beforeEach(() => {
  store = createMemoryStateStore();
});

const firing = anIncident();
const pending = anIncident({ id: "00000000000000aa", state: "pending" });

async function saved(...incidents: ReturnType<typeof anIncident>[]) {
  for (const i of incidents) expect((await store.save(i, undefined)).status).toBe("saved");
}

async function stored(id: string) {
  const found = await store.get(id);
  if (found.status !== "found") throw new Error(`incident ${id} is ${found.status}`);
  return found.stored;
}

/** The store as the API sees it while the timer rewrites the incident after each of its reads. */
function racing(times: number): StateStore {
  let left = times;
  return {
    ...store,
    async get(id) {
      const found = await store.get(id);
      if (left > 0 && found.status === "found") {
        left--;
        await store.save(
          { ...found.stored.value, peakFailures: found.stored.value.peakFailures + 10 },
          found.stored.etag,
        );
      }
      return found;
    },
  };
}

describe("acknowledging an incident", () => {
  it("records who, when and their note, and says nothing was in the way", async () => {
    await saved(firing);
    const r = await acknowledgeIncident({ store, clock }, firing.id, { by: "alice", note: "on it" });
    expect(r).toMatchObject({ status: "acknowledged", conflicts: 0 });
    expect((await stored(firing.id)).value.responder).toEqual({
      state: "acknowledged",
      by: "alice",
      at: NOW,
      note: "on it",
    });
  });

  it("keeps the first acknowledger and does not write again", async () => {
    await saved(firing);
    await acknowledgeIncident({ store, clock }, firing.id, { by: "alice" });
    const before = await stored(firing.id);
    const r = await acknowledgeIncident({ store, clock }, firing.id, { by: "bob" });
    expect(r).toMatchObject({ status: "already-acknowledged", incident: { responder: { by: "alice" } } });
    expect((await stored(firing.id)).etag).toBe(before.etag);
  });

  it("refuses an incident that has not fired, with the core's reason, and says when there is none", async () => {
    await saved(pending);
    expect(await acknowledgeIncident({ store, clock }, pending.id, { by: "alice" })).toEqual({
      status: "refused",
      reason: "the incident is pending: it has not fired yet",
      conflicts: 0,
    });
    expect(await acknowledgeIncident({ store, clock }, "0123456789abcdef", { by: "alice" })).toEqual({
      status: "missing",
      conflicts: 0,
    });
  });

  it("lands on top of the timer's write between its read and its write, keeping both", async () => {
    await saved(firing);
    const r = await acknowledgeIncident({ store: racing(1), clock }, firing.id, { by: "alice" });
    expect(r).toMatchObject({ status: "acknowledged", conflicts: 1 });
    const now = (await stored(firing.id)).value;
    expect([now.responder.by, now.peakFailures]).toEqual(["alice", firing.peakFailures + 10]);
  });

  it(`gives up after ${UPDATE_ATTEMPTS} tries while the timer keeps rewriting it`, async () => {
    await saved(firing);
    const r = await acknowledgeIncident({ store: racing(UPDATE_ATTEMPTS), clock }, firing.id, { by: "alice" });
    expect(r).toEqual({ status: "conflict", conflicts: UPDATE_ATTEMPTS });
    expect((await stored(firing.id)).value.responder.state).toBe("new");
  });
});

describe("closing an incident by hand", () => {
  it("resolves it with who and why, its resolution queued in the same write", async () => {
    await saved(firing);
    const r = await closeIncident({ store, clock, policy }, firing.id, { by: "sam", note: "caller retired" });
    expect(r).toMatchObject({ status: "closed", incident: { state: "resolved", resolvedAt: NOW } });
    const now = (await stored(firing.id)).value;
    expect(now.responder).toMatchObject({ state: "closed", by: "sam", note: "caller retired", closedByHand: true });
    expect(now.outbox.map((n) => `${n.kind}→${n.channel}`)).toEqual(["resolved→teams"]);
  });

  it("refuses a second close, keeping the first", async () => {
    await saved(firing);
    await closeIncident({ store, clock, policy }, firing.id, { by: "sam", note: "done" });
    expect(await closeIncident({ store, clock, policy }, firing.id, { by: "kim", note: "done too" })).toMatchObject({
      status: "refused",
    });
    expect((await stored(firing.id)).value.responder.by).toBe("sam");
  });
});

describe("reading incidents for the API", () => {
  it("lists active ones first, then the most severe, then the newest, and says when more matched", async () => {
    const sev1 = anIncident({ id: "00000000000000b1", severity: "SEV-1", openedAt: at(1) });
    const newer = anIncident({ id: "00000000000000b2", openedAt: at(9) });
    const done = anIncident({ id: "00000000000000b3", severity: "SEV-1", state: "resolved", resolvedAt: at(20) });
    await saved(firing, sev1, newer, done);
    const all = await listIncidents({ store }, { activeOnly: false, limit: 3 });
    expect(all.incidents.map((i) => i.id)).toEqual([sev1.id, newer.id, firing.id]);
    expect(all).toMatchObject({ truncated: true, matched: 4, unreadable: [] });
    const active = await listIncidents({ store }, { activeOnly: true, limit: 10 });
    expect(active).toMatchObject({ truncated: false, matched: 3 });
  });

  it("gets one incident by ID, or says it is missing", async () => {
    await saved(firing);
    expect(await getIncident({ store }, firing.id)).toMatchObject({ status: "found", incident: { id: firing.id } });
    expect(await getIncident({ store }, "0123456789abcdef")).toEqual({ status: "missing" });
  });
});
