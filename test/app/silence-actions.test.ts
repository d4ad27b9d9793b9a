import { beforeEach, describe, expect, it } from "vitest";
import { createSilence, type SilenceRequest } from "../../src/app/silences/create.js";
import { expireSilence } from "../../src/app/silences/expire.js";
import { listSilences } from "../../src/app/silences/list.js";
import type { SilenceStore } from "../../src/core/ports/ports.js";
import { createMemorySilenceStore } from "../../tools/standin/memory-state.js";
import { at } from "../fixtures/incidents.js";

let silences: SilenceStore;
let now: Date;
const clock = () => now;
// The in-memory stand-in keeps the Tables adapter's write rules (test/adapters/state-store.contract.test.ts).
beforeEach(() => {
  silences = createMemorySilenceStore();
  now = at(30);
});

const deploy = (o: Partial<SilenceRequest> = {}): SilenceRequest => ({
  matchers: { vault: "kv-app" },
  startsAt: at(30),
  endsAt: at(150),
  comment: "rotating the app's role assignments",
  ...o,
});
// As sign-in names them: the name and the Entra object ID.
const alice = { name: "alice@contoso.com", objectId: "0a1b2c3d-0000-4000-8000-00000000a11c" };
const bob = { name: "bob@contoso.com", objectId: "0a1b2c3d-0000-4000-8000-000000000b0b" };

const ids = (...list: string[]) => {
  const left = [...list];
  return () => left.shift() ?? "ffffffff-ffff-4fff-8fff-ffffffffffff";
};

describe("creating a silence", () => {
  it("stores it as asked, created now by the signed-in person, and refuses an ID that is taken", async () => {
    const newId = () => "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b";
    const r = await createSilence({ silences, newId }, deploy(), alice, now);
    expect(r).toEqual({
      status: "created",
      silence: {
        id: newId(),
        ...deploy(),
        createdBy: "alice@contoso.com",
        createdByObjectId: alice.objectId,
        createdAt: now,
        expiredAt: undefined,
      },
    });
    expect(await silences.get(newId())).toMatchObject({
      status: "found",
      stored: { value: { createdBy: "alice@contoso.com", createdByObjectId: alice.objectId } },
    });
    expect(await createSilence({ silences, newId }, deploy(), bob, now)).toEqual({
      status: "exists",
      id: newId(),
    });
  });
});

describe("expiring a silence", () => {
  it("ends it now for whoever expired it and keeps the record; a second expiry writes nothing", async () => {
    const newId = ids("11111111-1111-4111-8111-111111111111");
    await createSilence({ silences, newId }, deploy(), alice, now);
    now = at(45);
    const r = await expireSilence({ silences, clock }, "11111111-1111-4111-8111-111111111111", bob);
    expect(r).toMatchObject({
      status: "expired",
      at: at(45),
      silence: {
        expiredAt: at(45),
        expiredBy: "bob@contoso.com",
        expiredByObjectId: bob.objectId,
        createdBy: "alice@contoso.com",
        comment: deploy().comment,
      },
    });
    now = at(50);
    // The first expiry is the record: a later one by someone else changes neither who nor when.
    const again = await expireSilence({ silences, clock }, "11111111-1111-4111-8111-111111111111", alice);
    expect(again).toMatchObject({
      status: "already-expired",
      at: at(50),
      silence: { expiredAt: at(45), expiredBy: "bob@contoso.com" },
    });
  });

  it("keeps what someone else wrote between its read and its write", async () => {
    const id = "22222222-2222-4222-8222-222222222222";
    await createSilence({ silences, newId: ids(id) }, deploy(), alice, now);
    let raced = false;
    const racing: SilenceStore = {
      ...silences,
      async get(key) {
        const found = await silences.get(key);
        if (!raced && found.status === "found") {
          raced = true;
          await silences.save({ ...found.stored.value, comment: "extended by bob" }, found.stored.etag);
        }
        return found;
      },
    };
    const r = await expireSilence({ silences: racing, clock }, id, alice);
    expect(r).toMatchObject({
      status: "expired",
      conflicts: 1,
      silence: { comment: "extended by bob", expiredAt: now },
    });
  });

  it("says when there is no such silence", async () => {
    expect(await expireSilence({ silences, clock }, "33333333-3333-4333-8333-333333333333", alice)).toEqual({
      status: "missing",
      conflicts: 0,
    });
  });
});

describe("listing silences", () => {
  it("keeps the statuses asked for: active before scheduled, newest first within each", async () => {
    const newId = ids(
      "aaaaaaaa-0000-4000-8000-000000000001",
      "aaaaaaaa-0000-4000-8000-000000000002",
      "aaaaaaaa-0000-4000-8000-000000000003",
      "aaaaaaaa-0000-4000-8000-000000000004",
    );
    await createSilence({ silences, newId }, deploy({ startsAt: at(60) }), alice, at(10));
    await createSilence({ silences, newId }, deploy(), alice, at(20));
    await createSilence({ silences, newId }, deploy(), alice, at(25));
    await createSilence({ silences, newId }, deploy({ startsAt: at(0), endsAt: at(20) }), alice, at(5));
    const r = await listSilences({ silences, clock }, ["active", "scheduled"]);
    expect(r.at).toEqual(now);
    expect(r.silences.map((s) => s.id.slice(-1))).toEqual(["3", "2", "1"]);
    expect((await listSilences({ silences, clock }, ["expired"])).silences.map((s) => s.id.slice(-1))).toEqual(["4"]);
  });
});
