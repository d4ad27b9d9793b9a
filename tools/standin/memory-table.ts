import type { SaveResult, Stored } from "../../src/core/ports/ports.js";

/**
 * One table of rows in memory, with the write rules of Azure Tables as the adapters use them:
 * every write gives the row a new ETag; a create (no ETag) of a row that exists is a conflict
 * (Tables' 409); a replace with an ETag other than the row's is a conflict (412); a replace of a
 * row that is not there fails as Tables' 404 does, with an error, since the adapters pass that on.
 * Values are copied on the way in and on the way out, so nobody holds a reference to a stored row.
 */
export interface MemoryTable<T> {
  /** Every row in key order (Tables returns rows by PartitionKey, then RowKey). */
  rows(): Stored<T>[];
  get(key: RowKey): Stored<T> | undefined;
  /** Creates (no ETag) or replaces only the row with that ETag. */
  write(key: RowKey, value: T, etag: string | undefined): SaveResult;
  /** Creates or replaces whatever is there: last writer wins. */
  upsert(key: RowKey, value: T): void;
}

/** A row's place in its table: Tables keys each row by these two strings. */
export interface RowKey {
  partition: string;
  row: string;
}

/** A table whose rows are copied with `copy` on every write and read. */
export function memoryTable<T>(copy: (value: T) => T): MemoryTable<T> {
  const rows = new Map<string, { key: RowKey; value: T; etag: string }>();
  let writes = 0;
  // A weak ETag in the form Tables uses; the counter makes every write's ETag new.
  const nextEtag = () => `W/"memory-${++writes}"`;
  const id = (k: RowKey) => `${k.partition}\u0000${k.row}`;
  const out = (r: { value: T; etag: string }): Stored<T> => ({ value: copy(r.value), etag: r.etag });
  const store = (key: RowKey, value: T): string => {
    const etag = nextEtag();
    rows.set(id(key), { key: { ...key }, value: copy(value), etag });
    return etag;
  };

  return {
    rows() {
      // "\u0000" sorts before every character a key holds, so this is (partition, row) order.
      return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => out(r));
    },
    get(key) {
      const r = rows.get(id(key));
      return r ? out(r) : undefined;
    },
    write(key, value, etag) {
      const existing = rows.get(id(key));
      if (etag === undefined) {
        if (existing) return { status: "conflict" };
        return { status: "saved", etag: store(key, value) };
      }
      if (!existing) throw new Error(`ResourceNotFound: ${key.partition}/${key.row} does not exist`);
      if (existing.etag !== etag) return { status: "conflict" };
      return { status: "saved", etag: store(key, value) };
    },
    upsert(key, value) {
      store(key, value);
    },
  };
}
