import type { Leg } from "./leg.js";
import { project } from "./leg.js";

/** The Entra ID activities that change who is in a group (Microsoft Entra audit log activities, GroupManagement). */
const MEMBERSHIP_OPERATIONS = '("Add member to group", "Remove member from group")';

/**
 * Group membership changes of service principals (a managed identity is one) from Microsoft Entra
 * ID's audit log, exported to the workspace as `AuditLogs`, over the changes leg's look-back:
 * a role held through a group is lost when the identity leaves the group, with no AzureActivity
 * event at all. Entra ID logs one record per change: TargetResources holds the member (of its own
 * type: User, ServicePrincipal or Group), whose modifiedProperties name the group in
 * "Group.ObjectID" and "Group.DisplayName" as quoted JSON text (newValue for an addition, oldValue
 * for a removal), and the group (type Group, its object ID, often no display name). Microsoft's
 * Sentinel rules read them so (Azure/Azure-Sentinel, Solutions/Microsoft Entra ID/Analytic Rules/
 * GuestAccountsAddedinAADGroupsOtherThanTheOnesSpecified.yaml); columns: azure-reference-other
 * auditlogs-include.md. The rule's `mv-apply` over TargetResources is written here as a choice
 * between the first two targets by type, since Entra ID logs exactly two for these activities.
 * Users' memberships are left out: they are most of a tenant's group changes, and the monitor
 * watches workload identities.
 */
export function groupMembershipLeg(binMinutes: string): Leg {
  return {
    signal: "group-membership",
    table: "AuditLogs",
    source: [
      "AuditLogs",
      "| where TimeGenerated >= changesStart and TimeGenerated < windowEnd",
      `| where OperationName in~ ${MEMBERSHIP_OPERATIONS}`,
      '| where Result =~ "success"',
      '| extend GroupFirst = tostring(TargetResources[0].type) =~ "Group"',
      "| extend MemberTarget = iff(GroupFirst, TargetResources[1], TargetResources[0]), GroupTarget = iff(GroupFirst, TargetResources[0], TargetResources[1])",
      '| where tostring(MemberTarget.type) =~ "ServicePrincipal"',
    ].join("\n"),
    aggregate: [
      "| extend Props = tostring(MemberTarget.modifiedProperties)",
      // The first quoted value after the property's name: its newValue or its oldValue, whichever is set.
      `| extend GroupId = tolower(coalesce(tostring(GroupTarget.id), extract(@'"Group\\.ObjectID"[^}]*?"\\\\"([0-9A-Fa-f-]{36})\\\\""', 1, Props)))`,
      `| extend GroupName = coalesce(extract(@'"Group\\.DisplayName"[^}]*?"\\\\"([^"\\\\]+)\\\\""', 1, Props), tostring(GroupTarget.displayName))`,
      "| extend Initiator = coalesce(tostring(InitiatedBy.user.userPrincipalName), tostring(InitiatedBy.app.displayName), tostring(InitiatedBy.app.servicePrincipalId))",
      '| extend Change = iff(OperationName =~ "Remove member from group", "removed", "added")',
      `| summarize Events = count(), First = min(TimeGenerated), Last = max(TimeGenerated) by BinStart = bin(TimeGenerated, ${binMinutes}), Change, MemberId = tolower(tostring(MemberTarget.id)), GroupId, GroupName, Initiator`,
      project(
        "group-membership",
        {
          change: "Change",
          memberObjectId: "MemberId",
          groupObjectId: "GroupId",
          groupName: "GroupName",
          initiatedBy: "Initiator",
        },
        { events: "Events" },
        { firstAt: "First", lastAt: "Last" },
      ),
    ].join("\n"),
  };
}
