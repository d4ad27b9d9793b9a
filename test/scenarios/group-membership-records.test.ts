import { describe, expect, it } from "vitest";
import type { RecordEntryInput } from "../../tools/scenario/format-v2.js";
import { at, load, ORDERS, problemsOf, recordsOf, v2 } from "./fixtures.js";

/**
 * A scenario carries Entra ID's group membership changes as `group-membership` records: the
 * AuditLogs record Entra ID writes, built from the member, the group and who made the change.
 */

const GROUP = "3a9c5e1b-7d4f-4a2e-8c6b-0e2a4c6e8a52";
const removal: RecordEntryInput = {
  kind: "group-membership",
  change: "remove",
  principalId: ORDERS.objectId,
  memberName: "id-func-orders",
  groupObjectId: GROUP,
  groupName: "grp-kv-orders-readers",
  caller: "alice@contoso.com",
  at: at("01:21"),
};

describe("group-membership records", () => {
  it("become Entra ID's AuditLogs record: the member with the group in its old values, the group, and who", () => {
    const world = load(v2([removal, { ...removal, change: "add", caller: "Access reviews", at: at("01:40") }]));
    expect(world.workspace.tables).toContain("AuditLogs");
    const [removed, added] = recordsOf(world, "AuditLogs").map((r) => r.record);
    expect(removed).toMatchObject({
      TimeGenerated: at("01:21"),
      OperationName: "Remove member from group",
      ActivityDisplayName: "Remove member from group",
      Category: "GroupManagement",
      LoggedByService: "Core Directory",
      Result: "success",
      InitiatedBy: { user: { userPrincipalName: "alice@contoso.com" } },
      TargetResources: [
        {
          id: ORDERS.objectId,
          displayName: "id-func-orders",
          type: "ServicePrincipal",
          modifiedProperties: expect.arrayContaining([
            { displayName: "Group.ObjectID", oldValue: `"${GROUP}"`, newValue: null },
            { displayName: "Group.DisplayName", oldValue: '"grp-kv-orders-readers"', newValue: null },
          ]),
        },
        { id: GROUP, type: "Group" },
      ],
    });
    // An addition carries the group in the new values; an app that made it is named as an app.
    expect(added).toMatchObject({
      OperationName: "Add member to group",
      InitiatedBy: { app: { displayName: "Access reviews" } },
      TargetResources: [
        {
          modifiedProperties: expect.arrayContaining([
            { displayName: "Group.ObjectID", oldValue: null, newValue: `"${GROUP}"` },
          ]),
        },
        { id: GROUP },
      ],
    });
  });

  it("are refused without the group, naming the field", () => {
    const { groupObjectId: _, ...withoutGroup } = removal;
    expect(problemsOf(v2([withoutGroup]))).toContain(
      "$.records[0].groupObjectId: missing; group-membership records need groupObjectId",
    );
  });
});
