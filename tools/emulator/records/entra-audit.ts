import { AAD_TENANT_ID } from "./environment.js";
import { azureIpOf, guidOf, intOf } from "./hash.js";
import type { RawRecord } from "./raw-record.js";

/**
 * Microsoft Entra ID audit-log records of a group membership change, as the tenant's diagnostic
 * setting exports them to the workspace's `AuditLogs` table. Sources:
 * - columns and types: MicrosoftDocs/azure-reference-other
 *   `azure-monitor-ref/tables/includes/auditlogs-include.md`;
 * - the record's content: Microsoft Graph's directoryAudit resource (learn.microsoft.com/graph/api/resources/directoryaudit):
 *   activityDisplayName "Add member to group" / "Remove member from group", category
 *   "GroupManagement", loggedByService "Core Directory", result "success", operationType,
 *   initiatedBy with either a `user` (id, userPrincipalName, ipAddress) or an `app` (appId,
 *   displayName, servicePrincipalId), and targetResources whose modifiedProperties carry values as
 *   JSON text, quoted ("\"grp-x\"");
 * - where the member and the group are: the member is the target of its own type (User,
 *   ServicePrincipal — a managed identity is a service principal — or Group), whose
 *   modifiedProperties name the group in "Group.ObjectID" and "Group.DisplayName"; the group is the
 *   target of type Group, with its object ID and, often, no display name. Microsoft's Sentinel
 *   rule "Guest accounts added in Entra ID Groups other than the ones specified"
 *   (Azure/Azure-Sentinel, Solutions/Microsoft Entra ID/Analytic Rules/
 *   GuestAccountsAddedinAADGroupsOtherThanTheOnesSpecified.yaml) reads them so. An addition
 *   carries the group in `newValue`, a removal in `oldValue` (the value before the change).
 */

export type MembershipChange = "add" | "remove";

/** The operation names Entra ID logs (Microsoft Entra audit log activities, GroupManagement). */
export const MEMBERSHIP_OPERATIONS: Record<MembershipChange, string> = {
  add: "Add member to group",
  remove: "Remove member from group",
};

export interface GroupMembershipChange {
  at: Date;
  change: MembershipChange;
  /** The member's object ID: for a managed identity, its service principal's object ID. */
  memberObjectId: string;
  /** ServicePrincipal (a managed identity or an app), User, or a nested Group. */
  memberType?: "ServicePrincipal" | "User" | "Group";
  /** The member's display name: a managed identity's name, a user's name. */
  memberName?: string;
  /** A user's sign-in name; Entra logs it for users only. */
  memberUpn?: string;
  groupObjectId: string;
  groupName: string;
  /** Who made the change: a user's UPN ("alice@contoso.com"), or an app's display name. */
  initiatedBy: string;
  correlationId?: string;
  /** "failure" for a change Entra ID refused (the monitor reads only successful ones). */
  result?: "success" | "failure";
}

/** A modified property's value as Entra ID writes it: JSON text of a string, so quoted. */
const quoted = (v: string) => JSON.stringify(v);

function initiator(by: string): Record<string, unknown> {
  if (by.includes("@"))
    return {
      user: {
        id: guidOf("entra-user", by.toLowerCase()),
        displayName: null,
        userPrincipalName: by,
        ipAddress: azureIpOf("admin", by.toLowerCase()),
        roles: [],
      },
    };
  return {
    app: {
      appId: null,
      displayName: by,
      servicePrincipalId: guidOf("entra-app", by.toLowerCase()),
      servicePrincipalName: null,
    },
  };
}

/** The one `AuditLogs` record Entra ID writes for a member added to or removed from a group. */
export function groupMembershipRecord(c: GroupMembershipChange): RawRecord {
  const operation = MEMBERSHIP_OPERATIONS[c.change];
  const correlationId =
    c.correlationId ?? guidOf("entra-correlation", c.change, c.memberObjectId, c.groupObjectId, c.at.getTime());
  const before = c.change === "remove";
  const property = (displayName: string, value: string) => ({
    displayName,
    oldValue: before ? quoted(value) : null,
    newValue: before ? null : quoted(value),
  });
  const memberType = c.memberType ?? "ServicePrincipal";
  const member = {
    id: c.memberObjectId,
    displayName: c.memberName ?? null,
    type: memberType,
    modifiedProperties: [
      property("Group.ObjectID", c.groupObjectId),
      property("Group.DisplayName", c.groupName),
      property("Group.WellKnownObjectName", ""),
    ],
    administrativeUnits: [],
    ...(memberType === "User" ? { userPrincipalName: c.memberUpn ?? null } : {}),
  };
  const group = {
    id: c.groupObjectId,
    displayName: null,
    type: "Group",
    modifiedProperties: [],
    administrativeUnits: [],
    groupType: "azureAD",
  };
  const initiatedBy = initiator(c.initiatedBy);
  return {
    TimeGenerated: c.at.toISOString(),
    AADOperationType: before ? "Unassign" : "Assign",
    AADTenantId: AAD_TENANT_ID,
    ActivityDateTime: c.at.toISOString(),
    ActivityDisplayName: operation,
    AdditionalDetails: [],
    Category: "GroupManagement",
    CorrelationId: correlationId,
    DurationMs: 0,
    Id: `Directory_${correlationId}_${String(intOf(10000, 99999, "entra-id", correlationId))}_${intOf(100000000, 999999999, "entra-seq", correlationId)}`,
    Identity: c.initiatedBy,
    InitiatedBy: initiatedBy,
    Level: "Informational",
    Location: "EU",
    LoggedByService: "Core Directory",
    OperationName: operation,
    OperationVersion: "1.0",
    Resource: "Microsoft.aadiam",
    ResourceGroup: "Microsoft.aadiam",
    ResourceId: `/tenants/${AAD_TENANT_ID}/providers/Microsoft.aadiam`,
    ResourceProvider: "Microsoft.aadiam",
    Result: c.result ?? "success",
    ResultDescription: "",
    ResultReason: "",
    ResultSignature: "None",
    ResultType: (c.result ?? "success") === "success" ? "Success" : "Failure",
    SourceSystem: "Azure AD",
    // The member first, then the group: the order community queries index them by
    // (TargetResources[0] the member, [1] the group); the monitor's query finds each by its type.
    TargetResources: [member, group],
    Type: "AuditLogs",
  };
}
