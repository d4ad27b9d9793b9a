import { removalsFromHolders } from "./group-facts.js";
import { type Rule, UNKNOWN } from "./rule.js";
import { utcTime } from "../../common/utc.js";
import { beforeOnset, normalizeId } from "./words.js";

/**
 * H2 through group membership: a role held by an Entra ID group is lost by every member the group
 * loses, and no role assignment changes (so AzureActivity shows nothing). Entra ID's audit log
 * records the removal (AuditLogs "Remove member from group": queries/signals/group-membership.ts).
 * When the control plane says which groups hold the role (the role assignments' principal type
 * "Group"), a removal explains the denials only if the caller has left every one of them and holds
 * no assignment of its own; when it does not say, the removal's timing is the evidence.
 */

export const GROUP_RULES: Rule[] = [
  {
    id: "removed-from-group-before-onset",
    hypothesis: "H2",
    effect: "confirms",
    // As strong as a role assignment deleted before onset (role.ts): the same loss, made in Entra ID.
    weight: 4,
    reads: ["group-membership", "kv-requests"],
    checks: "the caller's removals from Entra ID groups before the failures",
    test: (f) => {
      if (!f.kv) return UNKNOWN;
      // A group conveys RBAC roles: it explains RBAC denials, not access-policy or firewall ones.
      if (f.kv.counts.forbiddenRbac === 0) return undefined;
      if (!f.groups) return UNKNOWN;
      const through = f.roleThrough;
      const left = through ? removalsFromHolders(f.groups, through) : f.groups.removedBeforeOnset;
      const removal = left?.[0];
      if (!removal || !f.kv.onsetAt) return undefined;
      const holds = through?.groupObjectIds.map(normalizeId).includes(removal.groupObjectId)
        ? `: the group holds the role on ${f.vaultName} (control-plane check)`
        : "";
      const back = removal.addedBack
        ? `; added back at ${utcTime(removal.addedBack.at)} by ${removal.addedBack.by}`
        : "";
      return `${f.caller} removed from group ${removal.groupName} at ${utcTime(removal.at)} by ${removal.by}, ${beforeOnset(removal.at, f.kv.onsetAt, f.kv.onset)}${holds}${back}`;
    },
  },
];
