import { describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import fc from "fast-check";
import { randomBytes } from "node:crypto";
import { createTableStateStore } from "../../src/adapters/table-store.js";
import { createTableSilenceStore } from "../../src/adapters/silence-store.js";
import { createTableBaselineStore } from "../../src/adapters/baseline-store.js";
import { createVaultSnapshotStore } from "../../src/adapters/arm/snapshot-store.js";
import { learnBaseline } from "../../src/core/baselines/index.js";
import type { Heartbeat, Incident } from "../../src/core/model/index.js";
import { fingerprint } from "../../src/core/model/incidents.js";
import { callerOnVault } from "../../src/core/model/subject.js";
import type { Silence } from "../../src/core/notify/silence.js";
import type { StateStore, Stored } from "../../src/core/ports/ports.js";
import { createMemoryState, type MemoryState } from "../../tools/standin/memory-state.js";
import { aNotice } from "../fixtures/notices.js";
import { anIncident, at, KEY } from "../fixtures/incidents.js";
import { aVaultSnapshot, VAULT as CP_VAULT } from "../controlplane/fixtures.js";
import { endOf, steady } from "../core/baselines/series.js";
import { runs } from "../fixtures/property.js";

/**
 * The state ports' contract, run against the in-memory stand-in and the Azure Tables adapters on
 * Azurite alike: the tests that use the stand-in instead of Azurite are only as good as this
 * agreement, so any case where the two behave differently fails here.
 */

/** Each implementation as a fresh, empty set of state stores. */
const implementations: { name: string; fresh: () => MemoryState }[] = [
  { name: "in memory", fresh: createMemoryState },
  {
    name: "Azure Tables on Azurite",
    fresh: () => {
      const prefix = `c${randomBytes(5).toString("hex")}`;
      const conn = inject("tableConnectionString");
      const table = (name: string) =>
        TableClient.fromConnectionString(conn, `${prefix}${name}`, { allowInsecureConnection: true });
      return {
        store: createTableStateStore(table("Incidents"), table("Monitor"), table("Notices")),
        silences: createTableSilenceStore(table("Silences")),
        baselines: createTableBaselineStore(table("Baselines")),
        snapshots: createVaultSnapshotStore(table("ControlPlane")),
      };
    },
  },
];

/** A resolved incident whose resolution is still queued for Teams, after two failed tries. */
function withPending(o: Partial<Incident> = {}): Incident {
  const i = anIncident({ state: "resolved", resolvedAt: at(30), updatedAt: at(30), ...o });
  return {
    ...i,
    outbox: [
      {
        ...aNotice("resolved", i),
        channel: "teams",
        attempts: 2,
        lastError: "server: 502",
        claimedUntil: at(31),
        nextAttemptAt: at(32),
      },
    ],
  };
}

/** An incident of another caller on the same vault (another fingerprint). */
function another(n: number, o: Partial<Incident> = {}): Incident {
  const key = { ...KEY, callerObjectId: `cccccccc-0000-0000-0000-${String(n).padStart(12, "0")}` };
  return anIncident({ id: fingerprint("kv-auth-denied", key), subject: callerOnVault(key), ...o });
}

function saved(result: { status: string; etag?: string }): string {
  if (result.status !== "saved" || !result.etag) throw new Error(`expected a save, got ${JSON.stringify(result)}`);
  return result.etag;
}

const ids = (stored: readonly Stored<Incident>[]) => stored.map((s) => s.value.id).sort();

const aSilence = (o: Partial<Silence> = {}): Silence => ({
  id: "3f6c2a1e-9b8d-4c7a-8e5f-1a2b3c4d5e6f",
  matchers: { vault: "kv-app", severities: ["SEV-3", "SEV-4"] },
  startsAt: at(0),
  endsAt: at(120),
  createdBy: "alex@contoso.com",
  comment: "planned rotation",
  createdAt: at(-5),
  expiredAt: undefined,
  ...o,
});

const aSnapshot = aVaultSnapshot;

const beat: Heartbeat = {
  tickAt: at(5),
  signalStatus: "partial",
  problem: "limit",
  seriesObserved: 4,
  openIncidents: 1,
  undelivered: 2,
  requests: 2,
  slos: [
    {
      name: "orders",
      kind: "identity-vault",
      status: "firing",
      firing: "page-fast",
      budgetRemaining: 0.4,
      hoursToExhaustion: 20,
    },
  ],
  controlPlane: undefined,
  signals: {
    "kv-requests": { status: "degraded", problem: "limit" },
    changes: { status: "no-data", problem: undefined },
  },
};

describe.each(implementations)("the state stores ($name)", ({ fresh }) => {
  describe("incidents", () => {
    it("reads back what was created, with the ETag the create returned", async () => {
      const { store } = fresh();
      const incident = withPending();
      const etag = saved(await store.save(incident, undefined));
      expect(await store.get(incident.id)).toEqual({ status: "found", stored: { value: incident, etag } });
      expect(await store.get("ffffffffffffffff")).toEqual({ status: "missing" });
    });

    it("replaces a record only with the ETag it was read with, and gives it a new ETag", async () => {
      const { store } = fresh();
      const first = saved(await store.save(anIncident(), undefined));
      const second = saved(await store.save(anIncident({ severity: "SEV-1" }), first));
      expect(second).not.toBe(first);
      // The first ETag is stale now: a run that read before the update cannot overwrite it.
      expect(await store.save(anIncident({ severity: "SEV-3" }), first)).toEqual({ status: "conflict" });
      expect(await store.get(anIncident().id)).toMatchObject({
        status: "found",
        stored: { value: { severity: "SEV-1" }, etag: second },
      });
    });

    it("lets only one of two runs create the same incident", async () => {
      const { store } = fresh();
      const results = await Promise.all([store.save(anIncident(), undefined), store.save(anIncident(), undefined)]);
      expect(results.map((r) => r.status).sort()).toEqual(["conflict", "saved"]);
    });

    it("refuses a create where a record exists, even a finished one, and leaves that record as it was", async () => {
      const { store } = fresh();
      const finished = anIncident({ state: "resolved", resolvedAt: at(30), updatedAt: at(30), occurrence: 3 });
      const etag = saved(await store.save(finished, undefined));
      // Whether a new episode may take the row over is the caller's decision (core/lifecycle/take-over.ts).
      expect(await store.save(anIncident({ openedAt: at(200) }), undefined)).toEqual({ status: "conflict" });
      expect(await store.get(finished.id)).toEqual({ status: "found", stored: { value: finished, etag } });
    });

    it("fails a conditional write to a record that is not there, rather than creating it", async () => {
      const { store } = fresh();
      const etag = saved(await store.save(another(1), undefined));
      await expect(store.save(anIncident(), etag)).rejects.toThrow();
      expect(await store.get(anIncident().id)).toEqual({ status: "missing" });
    });

    it("loads the active incidents, those with notices to deliver and those changed since the date, nothing else", async () => {
      const { store } = fresh();
      const open = anIncident();
      const settled = another(1, { state: "resolved", resolvedAt: at(30), updatedAt: at(30) });
      const pending = withPending({ id: another(2).id, subject: another(2).subject });
      const recent = another(3, { state: "resolved", resolvedAt: at(50), updatedAt: at(50) });
      const onTheDate = another(4, { state: "resolved", resolvedAt: at(40), updatedAt: at(40) });
      for (const i of [open, settled, pending, recent, onTheDate]) saved(await store.save(i, undefined));
      const loaded = await store.loadActive(at(40));
      expect(loaded.unreadable).toEqual([]);
      expect(ids(loaded.incidents)).toEqual([open.id, pending.id, recent.id, onTheDate.id].sort());
      // What is loaded is what is stored, each with the ETag a write must present.
      for (const s of loaded.incidents)
        expect(await store.get(s.value.id)).toEqual({ status: "found", stored: { value: s.value, etag: s.etag } });
    });

    it("lists every incident or the active ones, the same ones at a limit", async () => {
      const { store } = fresh();
      const throttled = anIncident({ rule: "kv-throttled", id: fingerprint("kv-throttled", KEY) });
      const all = [
        anIncident(),
        another(1, { state: "resolved", resolvedAt: at(30) }),
        another(2),
        another(3, { state: "resolved", resolvedAt: at(30) }),
        throttled,
      ];
      for (const i of all) saved(await store.save(i, undefined));
      const every = await store.list({ activeOnly: false, limit: 10 });
      expect(every.incidents.map((i) => i.id).sort()).toEqual(all.map((i) => i.id).sort());
      const active = await store.list({ activeOnly: true, limit: 10 });
      expect(active.incidents.map((i) => i.id).sort()).toEqual([anIncident().id, another(2).id, throttled.id].sort());
      // Rows come by rule, then fingerprint: a limit keeps the first of them.
      const byKey = [...all].sort((a, b) => `${a.rule} ${a.id}`.localeCompare(`${b.rule} ${b.id}`));
      expect((await store.list({ activeOnly: false, limit: 3 })).incidents).toEqual(byKey.slice(0, 3));
      expect((await store.list({ activeOnly: true, limit: 1 })).incidents).toHaveLength(1);
    });

    it("keeps its own copy: changing an incident after saving or loading it changes nothing stored", async () => {
      const { store } = fresh();
      const incident = withPending();
      const etag = saved(await store.save(incident, undefined));
      incident.outbox[0]!.attempts = 99;
      incident.counts.failures = 0;
      const loaded = await store.get(incident.id);
      if (loaded.status !== "found") throw new Error("not found");
      loaded.stored.value.outbox.length = 0;
      loaded.stored.value.changes.push(at(99));
      expect(await store.get(incident.id)).toEqual({ status: "found", stored: { value: withPending(), etag } });
    });

    it("keeps the heartbeat, the last one written", async () => {
      const { store } = fresh();
      expect(await store.loadHeartbeat()).toBeUndefined();
      await store.saveHeartbeat(beat);
      expect(await store.loadHeartbeat()).toEqual(beat);
      const next = { ...beat, tickAt: at(6), signalStatus: "complete" as const, problem: undefined };
      await store.saveHeartbeat(next);
      expect(await store.loadHeartbeat()).toEqual(next);
    });
  });

  describe("silences", () => {
    it("saves, finds and lists silences, writes conditionally and keeps expired ones", async () => {
      const { silences } = fresh();
      const silence = aSilence();
      const other = aSilence({ id: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", matchers: { rule: "kv-throttled" } });
      const etag = saved(await silences.save(silence, undefined));
      saved(await silences.save(other, undefined));
      expect(await silences.save(aSilence({ comment: "again" }), undefined)).toEqual({ status: "conflict" });
      expect(await silences.get(silence.id)).toEqual({ status: "found", stored: { value: silence, etag } });
      expect(await silences.get("9d3c5b1a-0000-4000-8000-000000000000")).toEqual({ status: "missing" });

      const expired = { ...silence, expiredAt: at(60) };
      const next = saved(await silences.save(expired, etag));
      expect(await silences.save({ ...silence, comment: "stale" }, etag)).toEqual({ status: "conflict" });
      const listed = await silences.list();
      expect(listed.unreadable).toEqual([]);
      expect(listed.silences).toHaveLength(2);
      expect(listed.silences).toContainEqual({ value: expired, etag: next });
      expect(listed.silences.map((s) => s.value)).toContainEqual(other);
    });
  });

  describe("baselines", () => {
    it("loads what was saved, last write winning, and the time history was last read", async () => {
      const { baselines } = fresh();
      expect(await baselines.load()).toEqual({ baselines: new Map(), historyReadAt: undefined });
      const a = learnBaseline("kv-auth-denied|a", steady(3, 200, 0.01, 7), [], endOf(3));
      const b = learnBaseline("kv-auth-denied|b", steady(3, 50, 0.05, 8), [], endOf(3));
      // Series keys hold ARM IDs, with characters table keys may not.
      const keyA = `kv-auth-denied|${KEY.vaultResourceId}|${KEY.callerObjectId}`;
      await baselines.save(keyA, a);
      await baselines.save("kv-auth-denied|b", a);
      await baselines.save("kv-auth-denied|b", b);
      await baselines.saveHistoryReadAt(at(0));
      await baselines.saveHistoryReadAt(at(60));
      expect(await baselines.load()).toEqual({
        baselines: new Map([
          [keyA, a],
          ["kv-auth-denied|b", b],
        ]),
        historyReadAt: at(60),
      });
    });
  });

  describe("vault snapshots", () => {
    it("round-trips a snapshot and writes it only with the ETag read", async () => {
      const { snapshots } = fresh();
      const etag = saved(await snapshots.save(aSnapshot(), undefined));
      expect(await snapshots.save(aSnapshot({ takenAt: at(6) }), undefined)).toEqual({ status: "conflict" });
      expect(await snapshots.loadAll()).toEqual({
        snapshots: new Map([[CP_VAULT, { value: aSnapshot(), etag }]]),
        unreadable: [],
      });
      const next = saved(await snapshots.save(aSnapshot({ takenAt: at(10) }), etag));
      expect(await snapshots.save(aSnapshot({ takenAt: at(11) }), etag)).toEqual({ status: "conflict" });
      expect((await snapshots.loadAll()).snapshots.get(CP_VAULT)).toEqual({
        value: aSnapshot({ takenAt: at(10) }),
        etag: next,
      });
    });
  });
});

/** One step of a run against the incident store; `of` picks one of three fingerprints. */
type Step =
  | {
      op: "save";
      of: number;
      /** The ETag last seen of this incident, the first seen of it, none, or the last seen of another one. */
      etag: "current" | "first" | "none" | "another's";
      resolvedAt: number | undefined;
      pending: boolean;
    }
  | { op: "loadActive"; since: number }
  | { op: "list"; activeOnly: boolean; limit: number }
  | { op: "get"; of: number };

const anyStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant("save" as const),
    of: fc.nat({ max: 2 }),
    etag: fc.constantFrom("current" as const, "none" as const, "first" as const, "another's" as const),
    resolvedAt: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
    pending: fc.boolean(),
  }),
  fc.record({ op: fc.constant("loadActive" as const), since: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ op: fc.constant("list" as const), activeOnly: fc.boolean(), limit: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant("get" as const), of: fc.nat({ max: 2 }) }),
);

/**
 * What `steps` answer on `store`, each ETag written as the order it was first seen in: two stores
 * that agree give the same transcript, whatever their ETags look like.
 */
async function transcript(store: StateStore, steps: readonly Step[]): Promise<unknown[]> {
  const seen = new Map<string, number>();
  const name = (etag: string | undefined) => {
    if (etag === undefined) return undefined;
    if (!seen.has(etag)) seen.set(etag, seen.size);
    return `etag ${seen.get(etag)}`;
  };
  const etags = new Map<string, string[]>();
  const remember = (s: Stored<Incident>) => {
    if (s.etag) etags.set(s.value.id, [...(etags.get(s.value.id) ?? []), s.etag]);
  };
  const incident = (of: number) => another(of);
  const out: unknown[] = [];
  for (const step of steps) {
    if (step.op === "save") {
      const i = incident(step.of);
      const resolved =
        step.resolvedAt === undefined ? {} : { state: "resolved" as const, resolvedAt: at(step.resolvedAt) };
      const next = step.pending
        ? withPending({ id: i.id, subject: i.subject, ...resolved, updatedAt: at(step.resolvedAt ?? 45) })
        : { ...i, ...resolved, updatedAt: at(step.resolvedAt ?? 45) };
      const known = etags.get(i.id) ?? [];
      const others = [...etags].filter(([id]) => id !== i.id).flatMap(([, e]) => e);
      const etag = { none: undefined, first: known[0], current: known.at(-1), "another's": others.at(-1) }[step.etag];
      try {
        const result = await store.save(next, etag);
        if (result.status === "saved") remember({ value: next, etag: result.etag });
        out.push({ ...result, ...(result.status === "saved" ? { etag: name(result.etag) } : {}) });
      } catch {
        out.push("failed");
      }
    } else if (step.op === "get") {
      const found = await store.get(incident(step.of).id);
      if (found.status === "found") remember(found.stored);
      out.push(found.status === "found" ? { ...found.stored, etag: name(found.stored.etag) } : found);
    } else if (step.op === "loadActive") {
      const loaded = await store.loadActive(at(step.since));
      loaded.incidents.forEach(remember);
      out.push({ ...loaded, incidents: loaded.incidents.map((s) => ({ ...s, etag: name(s.etag) })) });
    } else {
      out.push(await store.list(step));
    }
  }
  return out;
}

describe("the incident store in memory and on Azure Tables", () => {
  // A failure names the seed and path of the shortest run that tells them apart: fixtures/property.ts says how to replay it.
  it("answer any run of writes and reads alike", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyStep, { minLength: 1, maxLength: 10 }), async (steps) => {
        const [memory, tables] = implementations.map((i) => i.fresh().store);
        expect(await transcript(memory!, steps)).toEqual(await transcript(tables!, steps));
      }),
      runs(20),
    );
  });
});
