import type { Baseline } from "../../src/core/baselines/index.js";
import type { VaultSnapshot } from "../../src/core/controlplane/drift.js";
import type { SnapshotStore, StoredSnapshot } from "../../src/core/controlplane/ports.js";
import type { Heartbeat, Incident } from "../../src/core/model/index.js";
import type { Silence } from "../../src/core/notify/silence.js";
import type { BaselineStore, Lookup, SilenceStore, StateStore } from "../../src/core/ports/ports.js";
import { memoryTable } from "./memory-table.js";

/**
 * The monitor's state in memory, behind the same ports as the Azure Tables adapters and with
 * their write rules (memory-table.ts): for tests that drive ticks, claims and the outbox without
 * Azurite and without waiting on anything. test/adapters/state-store.contract.test.ts runs the
 * same cases against these and the Tables adapters, so the two cannot drift apart unnoticed.
 */
export interface MemoryState {
  store: StateStore;
  silences: SilenceStore;
  baselines: BaselineStore;
  snapshots: SnapshotStore;
}

/** Fresh, empty state: incidents with the heartbeat, silences, baselines and vault snapshots. */
export function createMemoryState(): MemoryState {
  return {
    store: createMemoryStateStore(),
    silences: createMemorySilenceStore(),
    baselines: createMemoryBaselineStore(),
    snapshots: createMemorySnapshotStore(),
  };
}

/**
 * Incidents keyed as the Tables rows are (rule, then fingerprint), so listings come in the same
 * order and `limit` keeps the same ones; the selections are the adapter's filters.
 */
export function createMemoryStateStore(): StateStore {
  const incidents = memoryTable<Incident>(structuredClone);
  let heartbeat: Heartbeat | undefined;
  return {
    async loadActive(since) {
      const selected = incidents
        .rows()
        .filter(
          (s) =>
            s.value.state !== "resolved" || s.value.outbox.length > 0 || s.value.updatedAt.getTime() >= since.getTime(),
        );
      return { incidents: selected, unreadable: [] };
    },
    async list({ activeOnly, limit }) {
      const all = incidents.rows().map((s) => s.value);
      return { incidents: all.filter((i) => !activeOnly || i.state !== "resolved").slice(0, limit), unreadable: [] };
    },
    async get(id): Promise<Lookup<Incident>> {
      // As the adapter's RowKey filter: the first partition that holds the ID.
      const stored = incidents.rows().find((s) => s.value.id === id);
      return stored ? { status: "found", stored } : { status: "missing" };
    },
    async save(incident, etag) {
      return incidents.write({ partition: incident.rule, row: incident.id }, incident, etag);
    },
    async loadHeartbeat() {
      return heartbeat && structuredClone(heartbeat);
    },
    async saveHeartbeat(h) {
      heartbeat = structuredClone(h);
    },
  };
}

/** Silences by ID, kept after they expire as the Tables adapter keeps them. */
export function createMemorySilenceStore(): SilenceStore {
  const silences = memoryTable<Silence>(structuredClone);
  const key = (id: string) => ({ partition: "silence", row: id });
  return {
    async list() {
      return { silences: silences.rows(), unreadable: [] };
    },
    async get(id): Promise<Lookup<Silence>> {
      const stored = silences.get(key(id));
      return stored ? { status: "found", stored } : { status: "missing" };
    },
    async save(silence, etag) {
      return silences.write(key(silence.id), silence, etag);
    },
  };
}

/** Baselines as the JSON text the Tables adapter stores, so what is loaded is what JSON keeps. */
export function createMemoryBaselineStore(): BaselineStore {
  const baselines = new Map<string, string>();
  let historyReadAt: Date | undefined;
  return {
    async load() {
      const loaded = new Map<string, Baseline>([...baselines].map(([k, json]) => [k, JSON.parse(json) as Baseline]));
      return { baselines: loaded, historyReadAt: historyReadAt && new Date(historyReadAt) };
    },
    async save(key, baseline) {
      baselines.set(key, JSON.stringify(baseline));
    },
    async saveHistoryReadAt(at) {
      historyReadAt = new Date(at);
    },
  };
}

/** One snapshot per vault, keyed by its lower-case ID as the Tables adapter's row key is. */
export function createMemorySnapshotStore(): SnapshotStore {
  const snapshots = memoryTable<VaultSnapshot>(structuredClone);
  return {
    async loadAll() {
      const all = new Map<string, StoredSnapshot>(snapshots.rows().map((s) => [s.value.vaultResourceId, s]));
      return { snapshots: all, unreadable: [] };
    },
    async save(snapshot, etag) {
      return snapshots.write({ partition: "vault", row: snapshot.vaultResourceId.toLowerCase() }, snapshot, etag);
    },
  };
}
