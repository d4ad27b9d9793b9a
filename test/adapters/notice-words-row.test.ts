import { describe, expect, it } from "vitest";
import type { TableClient } from "@azure/data-tables";
import { fromEntity, type NoticeBody, noticeBody, toEntity } from "../../src/adapters/incident-entity.js";
import { createNoticeStore } from "../../src/adapters/notice-store.js";
import { renderText } from "../../src/core/render/text.js";
import type { GroupMember, Incident, PendingNotification } from "../../src/core/model/index.js";
import { snapshotOf } from "../../src/core/model/incidents.js";
import { anIncident, at } from "../fixtures/incidents.js";

/**
 * A queued notice is rendered on a later tick from what was stored: what makes its words true (the
 * severity a rise came from, who closed a group member by hand) must survive the store.
 */
describe("a queued notice read back from the store", () => {
  const member = (id: string, o: Partial<GroupMember>): GroupMember => ({
    id,
    rule: "kv-auth-denied",
    state: "resolved",
    severity: "SEV-2",
    vault: "kv-app",
    identity: id,
    app: undefined,
    failures: 0,
    total: 10,
    finding: undefined,
    muted: false,
    ...o,
  });

  /** The incident row and its notices' bodies written and read back, the bodies through the notices table's reader. */
  async function stored(i: Incident): Promise<Incident | undefined> {
    const rows = new Map<string, Record<string, unknown>>();
    // Only what the notice store calls; Azurite round trips are in state-store.contract.test.ts.
    const table = {
      upsertEntity: async (e: Record<string, unknown>) => void rows.set(`${e.partitionKey}/${e.rowKey}`, e),
      listEntities: async function* () {
        yield* rows.values();
      },
    } as unknown as TableClient;
    const store = createNoticeStore(table);
    await store.write(
      i.id,
      i.outbox.map((n) => ({ id: n.id, decidedAt: n.decidedAt, body: noticeBody(n) })),
    );
    const bodies = new Map<string, NoticeBody | undefined>(
      (await store.readIncident(i.id)).map((b) => [b.noticeId, b.body]),
    );
    return fromEntity({ ...toEntity(i), etag: 'W/"1"' }, (id) => bodies.get(id));
  }

  const queued = (o: Partial<PendingNotification>, i: Incident): PendingNotification => ({
    id: `${i.id}-${i.episode}-${o.kind}`,
    dedupKey: `vaultwatch-${i.id}-${i.episode}`,
    kind: "opened",
    decidedAt: at(20),
    snapshot: snapshotOf(i),
    channel: "teams",
    attempts: 1,
    lastError: "HTTP 503",
    claimedUntil: undefined,
    nextAttemptAt: at(21),
    ...o,
  });

  it("still says SEV-2 → SEV-1 for a severity rise", async () => {
    const i = anIncident({ severity: "SEV-1" });
    const read = await stored({ ...i, outbox: [queued({ kind: "escalated", raisedFrom: "SEV-2" }, i)] });
    const [n] = read?.outbox ?? [];
    expect(n?.raisedFrom).toBe("SEV-2");
    expect(renderText(n!, [], 15)).toMatch(/^== SEV-2 → SEV-1 SEVERITY RAISED /);
  });

  it("still lists a group member closed by hand as closed by hand, with who closed it", async () => {
    const i = anIncident();
    const group = {
      key: `vaultwatch-${i.id}-${i.episode}`,
      openedAt: at(0),
      members: [member("id-a", { state: "firing", failures: 10 }), member("id-b", { closedBy: "sam" })],
    };
    const read = await stored({ ...i, outbox: [queued({ kind: "updated", group }, i)] });
    const [n] = read?.outbox ?? [];
    expect(n?.group?.members.map((m) => m.closedBy)).toEqual([undefined, "sam"]);
    expect(renderText(n!, [], 15)).toContain("  closed by hand id-b on kv-app (by sam)");
  });
});
