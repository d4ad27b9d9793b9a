import type { Lookup, SaveResult, Stored } from "../../core/ports/ports.js";

/**
 * Tries of one update: the first and three more after ETag conflicts. A conflict means another
 * writer (the timer's decision, a delivery run's claim or record, another API call) wrote the same
 * row between our read and our write; a handful of them touch one row at a time, so three fresh
 * reads outlast a burst, and more would only keep an API caller waiting while the row keeps moving.
 */
export const UPDATE_ATTEMPTS = 4;

/**
 * What a change makes of the value as it now stands: a new value to write, nothing to write (it
 * already says so), or a refusal with the reason. Pure: it is applied again to every fresh read.
 */
export type Change<T, R> = { kind: "write"; value: T } | { kind: "keep" } | { kind: "refuse"; reason: R };

export const write = <T>(value: T): Change<T, never> => ({ kind: "write", value });
export const keep: Change<never, never> = { kind: "keep" };
export const refuse = <R>(reason: R): Change<never, R> => ({ kind: "refuse", reason });

/**
 * How an update ended. `conflicts` counts the writes another writer beat, whatever the end (the
 * callers log each one); "conflict" is the end after `UPDATE_ATTEMPTS` of them. A change that
 * cannot refuse (`R` is never) has no "refused" end.
 */
export type UpdateResult<T, R> =
  | { status: "updated"; stored: { value: T; etag: string }; conflicts: number }
  | { status: "unchanged"; stored: Stored<T>; conflicts: number }
  | ([R] extends [never] ? never : { status: "refused"; reason: R; stored: Stored<T>; conflicts: number })
  | { status: "missing" | "unreadable" | "conflict"; conflicts: number };

/** Where the value lives: a read with its ETag and a write conditional on one. */
export interface UpdateTarget<T> {
  load(): Promise<Lookup<T>>;
  save(value: T, etag: string | undefined): Promise<SaveResult>;
}

/**
 * Load → apply `change` → save with the ETag read; on a conflict, load again and apply the change
 * to what the other writer left, so their change is kept and ours is decided afresh. `from` is a
 * value the caller already holds: the first try applies the change to it without reading.
 */
export async function updateWithRetry<T, R>(
  target: UpdateTarget<T>,
  change: (current: T) => Change<T, R>,
  from?: Stored<T>,
): Promise<UpdateResult<T, R>> {
  let current = from;
  for (let conflicts = 0; ; conflicts++) {
    if (current === undefined) {
      const found = await target.load();
      if (found.status !== "found") return { status: found.status, conflicts };
      current = found.stored;
    }
    const next = change(current.value);
    // A refusal carries an `R`, so `R` is not never here and the "refused" end exists.
    if (next.kind === "refuse")
      return { status: "refused", reason: next.reason, stored: current, conflicts } as UpdateResult<T, R>;
    if (next.kind === "keep") return { status: "unchanged", stored: current, conflicts };
    const saved = await target.save(next.value, current.etag);
    if (saved.status === "saved")
      return { status: "updated", stored: { value: next.value, etag: saved.etag }, conflicts };
    if (conflicts + 1 >= UPDATE_ATTEMPTS) return { status: "conflict", conflicts: conflicts + 1 };
    current = undefined;
  }
}
