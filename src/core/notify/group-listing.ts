import type { GroupListing, GroupMember, Incident } from "../model/index.js";
import type { MonitorSpec } from "../spec/monitor-spec.js";
import { type AppCall, appFor } from "../model/spec-lookup.js";
import { callerName, vaultName } from "../model/names.js";
import { appOf, callerOf, vaultOf } from "../model/subject.js";

/** How one incident is listed in its group's notices: its names, app, numbers and state. */
export function memberOf(
  i: Incident,
  muted: boolean,
  spec: MonitorSpec,
  legacyCritical: readonly string[] = [],
  calls: readonly AppCall[] = [],
): GroupMember {
  const vault = vaultOf(i.subject);
  const caller = callerOf(i.subject);
  const named = caller && (caller.callerObjectId || caller.callerAppId || caller.callerResourceId);
  const finding = i.triggers.find((t) => t.kind === "control-plane");
  return {
    id: i.id,
    rule: i.rule,
    state: i.state,
    severity: i.severity,
    vault: vault ? vaultName(vault).name : undefined,
    identity: named ? callerName(caller).label : undefined,
    app: appOf(i.subject) ?? appFor(caller && { ...caller, vaultResourceId: vault }, spec, legacyCritical, calls)?.name,
    failures: i.counts.failures,
    total: i.counts.total,
    finding: finding?.kind === "control-plane" ? finding.summary : undefined,
    muted,
    // A person closing it is not a recovery: the group's list must not say it recovered.
    ...(i.responder.closedByHand ? { closedBy: i.responder.by ?? "someone" } : {}),
  };
}

/**
 * The group's listing: every member, in the order on-call reads them (firing before resolved,
 * most severe first). A control-plane finding names its principal by ID only; when a member's
 * logs name the same principal, the finding is listed under that name.
 */
export function listingOf(
  key: string,
  members: readonly Incident[],
  describe: (i: Incident) => GroupMember,
): GroupListing {
  const names = new Map<string, string>();
  for (const m of members) {
    if (m.subject.kind !== "caller-on-vault") continue;
    const label = callerName(m.subject).label;
    for (const id of [m.subject.callerObjectId, m.subject.callerAppId]) if (id) names.set(id.toLowerCase(), label);
  }
  const listed = members.map((m) => {
    const member = describe(m);
    const principal = m.subject.kind === "control-plane" ? m.subject.principal : undefined;
    const known = principal ? names.get(principal.toLowerCase()) : undefined;
    return known ? { ...member, identity: known } : member;
  });
  listed.sort(
    (a, b) =>
      Number(a.state === "resolved") - Number(b.state === "resolved") ||
      a.severity.localeCompare(b.severity) ||
      a.id.localeCompare(b.id),
  );
  return { key, openedAt: new Date(Math.min(...members.map((m) => m.openedAt.getTime()))), members: listed };
}
