import type { Incident } from "../../core/model/index.js";
import type { StateStore } from "../../core/ports/ports.js";

export type IncidentLookup = { status: "found"; incident: Incident } | { status: "missing" } | { status: "unreadable" };

/** One incident by its ID (its fingerprint), or why there is none to show. */
export async function getIncident(deps: { store: Pick<StateStore, "get"> }, id: string): Promise<IncidentLookup> {
  const found = await deps.store.get(id);
  return found.status === "found" ? { status: "found", incident: found.stored.value } : found;
}
