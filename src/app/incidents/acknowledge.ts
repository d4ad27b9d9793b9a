import { type Actor, acknowledge } from "../../core/lifecycle/responder.js";
import type { Incident } from "../../core/model/index.js";
import { keep, refuse, write } from "../common/update-with-retry.js";
import { type NotLanded, notLanded, type ResponderDeps, respondTo } from "./responder-action.js";

/** "already-acknowledged": someone was first; the record keeps them and is not written again. */
export type AcknowledgeResult =
  | { status: "acknowledged" | "already-acknowledged"; incident: Incident; conflicts: number }
  | NotLanded;

/** Acknowledges incident `id` for `by` (the signed-in person), as the core's responder lifecycle allows. */
export async function acknowledgeIncident(
  deps: ResponderDeps,
  id: string,
  ack: { by: Actor; note?: string | undefined },
): Promise<AcknowledgeResult> {
  const r = await respondTo(deps, id, (incident, now) => {
    const o = acknowledge(incident, ack.by, now, ack.note);
    if (o.status === "rejected") return refuse(o.reason);
    return o.status === "acknowledged" ? write(o.incident) : keep;
  });
  if (r.status === "updated") return { status: "acknowledged", incident: r.stored.value, conflicts: r.conflicts };
  if (r.status === "unchanged")
    return { status: "already-acknowledged", incident: r.stored.value, conflicts: r.conflicts };
  return notLanded(r);
}
