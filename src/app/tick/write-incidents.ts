import type { Incident } from "../../core/model/index.js";
import type { Logger, Stored } from "../../core/ports/ports.js";
import { decideTick } from "../../core/tick.js";
import { UPDATE_ATTEMPTS } from "../common/update-with-retry.js";
import type { IncidentFailure } from "../delivery/deliver.js";
import { saveIncident } from "../incidents/save-incident.js";
import type { TickDeps } from "./deps.js";
import type { TickPlan } from "./decide.js";

/** What writing the tick's incidents left. */
export interface IncidentsWritten {
  /** The incidents as they now stand in the store, with their ETags: delivery works from these. */
  current: Map<string, Stored<Incident>>;
  /** Writes another writer beat (each was decided again over what it left). */
  conflicts: number;
  failures: IncidentFailure[];
}

/**
 * Writes each decided incident with the ETag it was read with. A 412 means another writer (a
 * responder's acknowledgement or close, an overlapping run, a delivery's record) changed the row
 * between our read and our write, and nothing of ours was written. Dropping the decision then
 * would lose it for good when the evidence behind it does not last: severity reads the current
 * share of denied calls (model/severity.ts), so a path blocked at this tick and working at the
 * next escalates at this tick or never. So the row is read again and the core decides again, from
 * this tick's observation, over what the other writer left: their change is kept and ours is
 * decided afresh (nothing told twice, since `notified` is read back too). As many tries as an API
 * update makes (update-with-retry.ts); an incident still beaten after them is reported as failing.
 * A write that throws is not retried here: the SDK has retried it, and the store is failing.
 */
export async function writeIncidents(
  deps: Pick<TickDeps, "store">,
  loaded: readonly Stored<Incident>[],
  plan: Pick<TickPlan, "decision" | "input">,
  log: Logger,
): Promise<IncidentsWritten> {
  const current = new Map<string, Stored<Incident>>(loaded.map((s) => [s.value.id, s]));
  const failures: IncidentFailure[] = [];
  const fail = (incidentId: string, message: string) => {
    failures.push({ incidentId, step: "commit", message });
    // Delivery must not work from a version the store no longer holds.
    current.delete(incidentId);
  };
  let conflicts = 0;
  let pending: readonly Incident[] = plan.decision.changed;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const beaten: string[] = [];
    for (const next of pending) {
      let result: Awaited<ReturnType<typeof saveIncident>>;
      try {
        result = await saveIncident(deps.store, next, current.get(next.id)?.etag);
      } catch (error) {
        // One incident's write must not stop the others' nor the delivery of what it already queued:
        // it keeps its stored version (delivery may yet shrink it) and is decided again next tick.
        const message = messageOf(error);
        failures.push({ incidentId: next.id, step: "commit", message });
        log.error(`incident ${next.id} could not be written (${message}); it is decided again on the next tick`);
        continue;
      }
      if (result.status === "conflict") {
        conflicts++;
        beaten.push(next.id);
        continue;
      }
      current.set(next.id, { value: next, etag: result.etag });
    }
    if (beaten.length === 0) break;
    if (attempt >= UPDATE_ATTEMPTS) {
      for (const id of beaten) {
        fail(id, `changed by another writer at each of ${UPDATE_ATTEMPTS} writes`);
        log.error(
          `incident ${id} was changed by another writer at each of ${UPDATE_ATTEMPTS} writes; it is decided again on the next tick`,
        );
      }
      break;
    }
    const reread = new Set<string>();
    for (const id of beaten) {
      log.warn(`incident ${id} was changed by another writer; read again and decided again from this tick's data`);
      try {
        const found = await deps.store.get(id);
        if (found.status === "found") current.set(id, found.stored);
        else if (found.status === "missing") current.delete(id);
        else {
          fail(id, "changed by another writer, and its record now cannot be read");
          continue;
        }
        reread.add(id);
      } catch (error) {
        fail(id, `changed by another writer, and could not be read again (${messageOf(error)})`);
      }
    }
    const again = decideTick({ ...plan.input, incidents: [...current.values()].map((s) => s.value) });
    // The incidents read again, and any other this decision now changes (a group's thread holder
    // told of a member the other writer acknowledged); the rest were written as decided.
    // One whose write failed is left alone: it is decided again next tick.
    const failed = new Set(failures.map((f) => f.incidentId));
    pending = again.changed.filter((i) => {
      if (reread.has(i.id)) return true;
      const written = current.get(i.id);
      return !failed.has(i.id) && written !== undefined && !sameRecord(i, written.value);
    });
  }
  return { current, conflicts, failures };
}

/** Whether a decision would write nothing new: a record's JSON is what the row stores of it. */
function sameRecord(a: Incident, b: Incident): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function messageOf(error: unknown): string {
  return (error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)).slice(0, 300);
}
