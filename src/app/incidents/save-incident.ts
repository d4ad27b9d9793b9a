import { takeOver } from "../../core/lifecycle/take-over.js";
import type { Incident } from "../../core/model/index.js";
import type { SaveResult, StateStore } from "../../core/ports/ports.js";
import { refuse, updateWithRetry, write } from "../common/update-with-retry.js";

/**
 * Writes a decided incident with the ETag it was read with, or creates it when it was not read.
 * A create can find the fingerprint's row taken by an earlier episode the tick did not load
 * (finished longer ago than the flap window); the core decides whether the new episode may take
 * it over, and the replace is conditional on the record read. Anything else is a conflict: the
 * incident is decided again on the next tick.
 */
export async function saveIncident(
  store: Pick<StateStore, "get" | "save">,
  incident: Incident,
  etag: string | undefined,
): Promise<SaveResult> {
  const saved = await store.save(incident, etag);
  if (saved.status === "saved" || etag !== undefined) return saved;
  const replaced = await updateWithRetry(
    { load: () => store.get(incident.id), save: (i, e) => store.save(i, e) },
    (stored) => {
      const t = takeOver(stored, incident);
      return t.status === "taken-over" ? write(t.incident) : refuse(t.reason);
    },
  );
  return replaced.status === "updated" ? { status: "saved", etag: replaced.stored.etag } : { status: "conflict" };
}
