import type { Incident } from "../../core/model/index.js";
import type { StateStore } from "../../core/ports/ports.js";
import { type Change, type UpdateResult, updateWithRetry } from "../common/update-with-retry.js";

/** What a responder action reads and writes through, and the time it is done at. */
export interface ResponderDeps {
  store: Pick<StateStore, "get" | "save">;
  clock: () => Date;
}

/** A responder action that did not land: refused (with the reason), not found, not readable, or kept changing. */
export type NotLanded =
  | { status: "refused"; reason: string; conflicts: number }
  | { status: "missing" | "unreadable" | "conflict"; conflicts: number };

/**
 * Reads incident `id`, decides with `change` at the clock's time and writes with the read's ETag.
 * The timer may rewrite the incident between the read and the write; the ETag catches that, and
 * the action is decided again on a fresh read. The notice itself goes out on the next tick,
 * through the outbox.
 */
export function respondTo(
  deps: ResponderDeps,
  id: string,
  change: (incident: Incident, now: Date) => Change<Incident, string>,
): Promise<UpdateResult<Incident, string>> {
  return updateWithRetry(
    { load: () => deps.store.get(id), save: (incident, etag) => deps.store.save(incident, etag) },
    (incident) => change(incident, deps.clock()),
  );
}

/** The ends of an update other than a write or nothing to write, as a responder action reports them. */
export function notLanded(r: Exclude<UpdateResult<Incident, string>, { status: "updated" | "unchanged" }>): NotLanded {
  return r.status === "refused"
    ? { status: "refused", reason: r.reason, conflicts: r.conflicts }
    : { status: r.status, conflicts: r.conflicts };
}
