import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScenario } from "../../tools/scenario/load.js";
import { replayScenario, startReplayHost, type ReplayHost, type ReplayResult } from "../../tools/replay/replay.js";
import type { ScenarioFileInput } from "../../tools/scenario/format.js";
import { at, deniedBetween, ORDERS, ordersScenario, ROLE_DELETED, SECRETS_USER, VAULT, WORKSPACE } from "./builder.js";

// One host for the file: the managed-identity credential keeps its endpoint process-wide.
let host: ReplayHost;
beforeAll(async () => {
  host = await startReplayHost();
});
afterAll(async () => {
  await host.close();
});

const replay = (s: ScenarioFileInput): Promise<ReplayResult> =>
  replayScenario(parseScenario(JSON.stringify(s)).world, { host });
const minutes = (iso: string) => iso.slice(11, 16);

/** The playbook's RBAC removal: deleted 01:00, denials in the bins from 01:00 to 01:15, restored 01:14. */
const rbacRemoval = ordersScenario({
  end: at("02:30"),
  traffic: deniedBetween("01:00", "01:15"),
  extra: {
    settings: { CRITICAL_IDENTITIES: ["id-func-orders"] },
    activity: [
      ROLE_DELETED,
      {
        at: at("01:14"),
        operation: "Microsoft.Authorization/roleAssignments/write",
        scope: VAULT,
        principalId: ORDERS.objectId,
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER}`,
        caller: "oncall@contoso.com",
      },
    ],
    truth: {
      incidents: [
        { name: "role removed", onset: at("01:03"), recovered: at("01:15"), hypothesis: "H2", severity: "SEV-1" },
      ],
    },
  },
});

describe("vaultwatch replay", () => {
  it("pages the RBAC removal once its first denied bin is visible, names the deleted role, and resolves after the confirmation period", async () => {
    const { lines, ticks } = await replay(rbacRemoval);
    // The 01:00 bin ends at 01:05 and is visible 3 minutes later; the next 5-minute tick is 01:10.
    const fired = lines.filter((l) => l.event === "fired");
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      rule: "kv-auth-denied",
      hypothesis: "H2",
      vault: "kv-orders-prod",
      identity: "id-func-orders",
      severity: "SEV-1",
    });
    expect(minutes(fired[0]!.at)).toBe("01:10");
    expect(fired[0]!.summary).toContain("deleted at 01:00 UTC by deploy-pipeline@contoso.com");
    const resolved = lines.filter((l) => l.event === "resolved");
    expect(resolved.map((l) => l.incident)).toEqual([fired[0]!.incident]);
    // The last denied bin (01:10) is visible at 01:18; 15 clean minutes later it may resolve.
    expect(Date.parse(resolved[0]!.at)).toBeGreaterThanOrEqual(Date.parse(at("01:30")));
    expect(Date.parse(resolved[0]!.at)).toBeLessThanOrEqual(Date.parse(at("01:45")));
    // One tick every 5 minutes from 00:30 to 02:30.
    expect(ticks).toHaveLength(25);
    expect(ticks[0]!.at.toISOString()).toBe(at("00:30"));
  });

  it("is silent on healthy traffic, and each tick costs the same one query after the first", async () => {
    const { lines, ticks } = await replay(ordersScenario({ end: at("02:00") }));
    expect(lines).toEqual([]);
    // The first tick also asks which tables exist (tables are remembered for an hour).
    expect(ticks[0]!.requests).toBe(2);
    expect(new Set(ticks.slice(1, 12).map((t) => t.requests))).toEqual(new Set([1]));
  });

  it("never reads the ground truth: the same world with another truth replays to the same notifications", async () => {
    const other = {
      ...rbacRemoval,
      truth: {
        incidents: [
          {
            name: "something else",
            onset: at("00:40"),
            recovered: at("00:50"),
            hypothesis: "H6" as const,
            severity: "SEV-4" as const,
          },
        ],
      },
    };
    const [a, b] = [await replay(rbacRemoval), await replay(other)];
    expect(b.lines).toEqual(a.lines);
  });

  it("follows Resource Manager through the control-plane snapshots: a missing role assignment is reported before any request fails", async () => {
    const assignment = { scope: VAULT, roleDefinitionGuid: SECRETS_USER, principalId: ORDERS.objectId };
    const s = ordersScenario({
      end: at("01:30"),
      traffic: deniedBetween("01:05", "01:20"),
      extra: {
        settings: {
          CONTROL_PLANE_CONFIG: {
            workspaces: [WORKSPACE],
            vaults: [{ resourceId: VAULT }],
            principals: [
              {
                name: "id-func-orders",
                objectId: ORDERS.objectId,
                expect: [{ vault: VAULT, role: "Key Vault Secrets User" }],
              },
            ],
            audiences: ["key-vault"],
          },
        },
        controlPlane: [
          { at: at("00:00"), vaults: [{ id: VAULT }], roleAssignments: [assignment] },
          { at: at("01:00"), vaults: [{ id: VAULT }], roleAssignments: [] },
          { at: at("01:20"), vaults: [{ id: VAULT }], roleAssignments: [assignment] },
        ],
      },
    });
    const { lines } = await replay(s);
    const drift = lines.find((l) => l.rule === "control-plane" && l.event === "fired");
    expect(drift).toBeDefined();
    expect(minutes(drift!.at)).toBe("01:00");
    expect(drift!.summary).toContain("Key Vault Secrets User");
    // The denials that follow are the same cause: they join the finding's thread rather than page
    // again, and the role's return is told on that thread too.
    expect(lines.filter((l) => l.event === "fired")).toEqual([drift]);
    expect(lines.some((l) => l.event === "updated" && l.at >= at("01:20"))).toBe(true);
  });

  it("answers token probes as the scenario says: an identity that stops getting tokens is a finding until it gets them again", async () => {
    const s = ordersScenario({
      end: at("01:30"),
      extra: {
        settings: {
          CONTROL_PLANE_CONFIG: {
            workspaces: [WORKSPACE],
            vaults: [{ resourceId: VAULT }],
            principals: [{ name: "id-func-orders", objectId: ORDERS.objectId, clientId: ORDERS.clientId, expect: [] }],
            audiences: ["key-vault"],
            probeTimeoutSeconds: 2,
          },
        },
        controlPlane: [{ at: at("00:00"), vaults: [{ id: VAULT }], roleAssignments: [] }],
        probes: [
          { at: at("00:50"), clientId: ORDERS.clientId, outcome: "identity-not-found" },
          { at: at("01:10"), clientId: ORDERS.clientId, outcome: "ok" },
        ],
      },
    });
    const { lines } = await replay(s);
    const fired = lines.filter((l) => l.event === "fired");
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ rule: "control-plane", hypothesis: "H1" });
    expect(minutes(fired[0]!.at)).toBe("00:50");
    expect(fired[0]!.summary).toMatch(/cannot get a token/);
    const resolved = lines.find((l) => l.event === "resolved");
    expect(resolved && minutes(resolved.at) >= "01:10").toBe(true);
  });
});
