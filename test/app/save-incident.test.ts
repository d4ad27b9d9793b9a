import { beforeEach, describe, expect, it } from "vitest";
import { saveIncident } from "../../src/app/incidents/save-incident.js";
import type { StateStore } from "../../src/core/ports/ports.js";
import { createMemoryStateStore } from "../../tools/standin/memory-state.js";
import { aNotice } from "../fixtures/notices.js";
import { anIncident, at } from "../fixtures/incidents.js";

let store: StateStore;
// The in-memory stand-in keeps the Tables adapter's write rules (test/adapters/state-store.contract.test.ts).
beforeEach(() => {
  store = createMemoryStateStore();
});

/** The fingerprint firing again long after its last episode: the tick did not load that one. */
const again = anIncident({ openedAt: at(200), episode: at(200).getTime().toString(36), deliveredCount: 0 });

describe("writing a tick's decision about an incident", () => {
  it("takes over a finished record older than the flap window, counting the occurrence and the delivered notices", async () => {
    await store.save(
      anIncident({ state: "resolved", resolvedAt: at(30), updatedAt: at(30), occurrence: 3, deliveredCount: 2 }),
      undefined,
    );
    expect(await saveIncident(store, again, undefined)).toMatchObject({ status: "saved" });
    const [stored] = (await store.loadActive(at(200))).incidents;
    expect(stored!.value).toMatchObject({ state: "firing", occurrence: 4, deliveredCount: 2, openedAt: at(200) });
  });

  it("never takes over a record that still holds notices to deliver, nor one still firing", async () => {
    const queued = anIncident({ state: "resolved", resolvedAt: at(30), updatedAt: at(30) });
    await store.save(
      {
        ...queued,
        outbox: [
          {
            ...aNotice("resolved", queued),
            channel: "teams",
            attempts: 2,
            lastError: "server: 502",
            claimedUntil: undefined,
            nextAttemptAt: at(32),
          },
        ],
      },
      undefined,
    );
    expect(await saveIncident(store, again, undefined)).toEqual({ status: "conflict" });
    const found = await store.get(again.id);
    expect(found.status === "found" && [found.stored.value.state, found.stored.value.outbox.length]).toEqual([
      "resolved",
      1,
    ]);

    await store.save({ ...anIncident({ id: "00000000000000f1" }) }, undefined);
    expect(await saveIncident(store, { ...again, id: "00000000000000f1" }, undefined)).toEqual({
      status: "conflict",
    });
  });

  it("keeps a write with an ETag conditional: a stale one is a conflict, never a take-over", async () => {
    const created = await saveIncident(store, anIncident({ state: "resolved", resolvedAt: at(30) }), undefined);
    if (created.status !== "saved") throw new Error("create failed");
    expect(await saveIncident(store, anIncident({ severity: "SEV-1" }), created.etag)).toMatchObject({
      status: "saved",
    });
    expect(await saveIncident(store, again, created.etag)).toEqual({ status: "conflict" });
    const found = await store.get(again.id);
    expect(found.status === "found" && found.stored.value.severity).toBe("SEV-1");
  });
});
