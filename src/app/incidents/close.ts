import { type Actor, closeByHand } from "../../core/lifecycle/responder.js";
import type { Incident } from "../../core/model/index.js";
import type { NotifyPolicy } from "../../core/model/notify-policy.js";
import { refuse, write } from "../common/update-with-retry.js";
import { type NotLanded, notLanded, type ResponderDeps, respondTo } from "./responder-action.js";

export type CloseResult = { status: "closed"; incident: Incident; conflicts: number } | NotLanded;

/**
 * Closes incident `id` by hand for `by`, with their reason: it resolves, and its resolution notice
 * is queued in the same write (the notify policy routes it).
 */
export async function closeIncident(
  deps: ResponderDeps & { policy: NotifyPolicy },
  id: string,
  close: { by: Actor; note: string },
): Promise<CloseResult> {
  const r = await respondTo(deps, id, (incident, now) => {
    const o = closeByHand(incident, close.by, now, close.note, deps.policy);
    return o.status === "rejected" ? refuse(o.reason) : write(o.incident);
  });
  if (r.status === "updated" || r.status === "unchanged")
    return { status: "closed", incident: r.stored.value, conflicts: r.conflicts };
  return notLanded(r);
}
