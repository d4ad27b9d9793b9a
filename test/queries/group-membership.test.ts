import { describe, expect, it } from "vitest";
import { LogStore } from "../../tools/emulator/store.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { azureDiagnosticsAudit } from "../../tools/emulator/records/key-vault.js";
import { activityRecords } from "../../tools/emulator/records/activity.js";
import { groupMembershipRecord, type GroupMembershipChange } from "../../tools/emulator/records/entra-audit.js";
import type { RawRecord } from "../../tools/emulator/records/raw-record.js";
import { emulatedSignals } from "../harness/emulated-source.js";
import { KEY } from "../fixtures/incidents.js";

/**
 * The group-membership signal, from raw Entra ID audit records through the monitor's own query
 * and the real LogsQueryClient: removals and additions of a managed identity, with the group, who
 * made them and when; nothing else Entra ID logs; and a workspace without AuditLogs answers the
 * rest of its signals and says this one is unknown.
 */

const NOW = new Date("2026-03-24T10:40:00Z");
const MIN = 60_000;
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * MIN);

const IDENTITY = "2e9b7c4d-6a1f-4e3b-8d5c-9f0a1b2c3d4e";
const GROUP = { objectId: "6b1d3f5a-8c2e-4a7b-9d0f-1e3a5c7b9d24", name: "grp-billing-readers" };

function store(withAuditLogs = true): LogStore {
  const s = new LogStore({ delays: fixedDelays(1) });
  s.declare("AzureDiagnostics");
  s.declare("AzureActivity");
  if (withAuditLogs) s.declare("AuditLogs");
  // Key Vault traffic and one routine activity-log event, so those tables have data.
  for (let m = 60; m > 0; m -= 5)
    s.add("AzureDiagnostics", azureDiagnosticsAudit({ ...KEY, at: ago(m), operation: "SecretGet", status: 200 }), {
      count: 10,
    });
  for (const r of activityRecords({
    at: ago(50),
    operation: "Microsoft.Storage/storageAccounts/listKeys/action",
    scope:
      "/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61/resourceGroups/rg-platform/providers/Microsoft.Storage/storageAccounts/stplatform",
    caller: "deploy-pipeline@contoso.com",
  }))
    s.add("AzureActivity", r);
  return s;
}

const change = (c: Partial<GroupMembershipChange> & Pick<GroupMembershipChange, "at" | "change">): RawRecord =>
  groupMembershipRecord({
    memberObjectId: IDENTITY,
    memberName: "func-billing",
    groupObjectId: GROUP.objectId,
    groupName: GROUP.name,
    initiatedBy: "alice@contoso.com",
    ...c,
  });

async function membership(s: LogStore) {
  const set = await emulatedSignals(s, { config: { appInsights: { mode: "none" }, sloPeriods: [] } }).fetch(NOW);
  return { set, signal: set.signals["group-membership"] };
}

describe("group membership changes, read from Entra ID's AuditLogs by the monitor's query", () => {
  it("reads a managed identity's removal and its return: the group, who, and when", async () => {
    const s = store();
    s.add("AuditLogs", change({ at: new Date("2026-03-24T10:21:07Z"), change: "remove" }));
    s.add(
      "AuditLogs",
      change({ at: new Date("2026-03-24T10:36:30Z"), change: "add", initiatedBy: "oncall@contoso.com" }),
    );
    const { signal } = await membership(s);

    expect(signal.status).toBe("ok");
    expect(signal.coverage).toEqual({ AuditLogs: 2 });
    const rows = [...signal.rows].sort((a, b) => a.firstAt.getTime() - b.firstAt.getTime());
    expect(rows).toEqual([
      {
        binStart: new Date("2026-03-24T10:20:00Z"),
        dims: {
          change: "removed",
          memberObjectId: IDENTITY,
          groupObjectId: GROUP.objectId,
          groupName: GROUP.name,
          initiatedBy: "alice@contoso.com",
        },
        counts: { events: 1 },
        firstAt: new Date("2026-03-24T10:21:07Z"),
        lastAt: new Date("2026-03-24T10:21:07Z"),
      },
      {
        binStart: new Date("2026-03-24T10:35:00Z"),
        dims: {
          change: "added",
          memberObjectId: IDENTITY,
          groupObjectId: GROUP.objectId,
          groupName: GROUP.name,
          initiatedBy: "oncall@contoso.com",
        },
        counts: { events: 1 },
        firstAt: new Date("2026-03-24T10:36:30Z"),
        lastAt: new Date("2026-03-24T10:36:30Z"),
      },
    ]);
  });

  it("finds member and group by their type, whichever target comes first, and names an app that made the change", async () => {
    const s = store();
    const record = change({ at: ago(15), change: "remove", initiatedBy: "Access reviews" });
    const [member, group] = record.TargetResources as unknown[];
    s.add("AuditLogs", { ...record, TargetResources: [group, member] });
    const { signal } = await membership(s);

    expect(signal.rows.map((r) => r.dims)).toEqual([
      {
        change: "removed",
        memberObjectId: IDENTITY,
        groupObjectId: GROUP.objectId,
        groupName: GROUP.name,
        initiatedBy: "Access reviews",
      },
    ]);
  });

  it("leaves out users' memberships, refused changes, other activities and changes before the look-back", async () => {
    const s = store();
    s.add(
      "AuditLogs",
      change({
        at: ago(20),
        change: "add",
        memberType: "User",
        memberObjectId: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
        memberUpn: "bob@contoso.com",
      }),
    );
    s.add("AuditLogs", change({ at: ago(18), change: "remove", result: "failure" }));
    s.add("AuditLogs", { ...change({ at: ago(16), change: "add" }), OperationName: "Add owner to group" });
    // The changes leg's look-back is two hours (DEFAULT_CONFIG.changesMinutes).
    s.add("AuditLogs", change({ at: ago(3 * 60), change: "remove" }));
    const { signal } = await membership(s);

    expect(signal.status).toBe("no-data");
    expect(signal.rows).toEqual([]);
    expect(signal.coverage).toEqual({ AuditLogs: 0 });
  });

  it("without AuditLogs in the workspace, the signal is unavailable with the fix, and the query still answers the rest", async () => {
    const { set, signal } = await membership(store(false));

    expect(signal.status).toBe("unavailable");
    expect(signal.problem).toMatch(
      /no AuditLogs data in the workspace in the last 24 hours: send Microsoft Entra ID's AuditLogs/,
    );
    expect(set.signals["kv-requests"].status).toBe("ok");
    expect(set.signals.changes.status).toBe("no-data");
  });
});
