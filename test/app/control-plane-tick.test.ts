import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rbacRemovalScenario, ORDERS, SUBSCRIPTION, VAULT_ID } from "../../tools/standin/scenarios/rbac-removal.js";
import { startArmStandIn, type ArmStandIn } from "../../tools/standin/arm.js";
import { redirectTo } from "../../tools/standin/redirect.js";
import { checkHealth } from "../../src/app/check-health.js";
import { freshPrefix, recordingLogger, startStack, type Stack } from "../harness/stack.js";
import { manualClock, replay } from "../harness/replay.js";

const scenario = rbacRemovalScenario(new Date("2026-11-20T00:00:00Z"));
const WORKSPACE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-vaultwatch`;
const SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";

const CONFIG = JSON.stringify({
  workspaces: [WORKSPACE],
  vaults: [{ resourceId: VAULT_ID }],
  principals: [
    { name: ORDERS.name, objectId: ORDERS.objectId, expect: [{ vault: VAULT_ID, role: "Key Vault Secrets User" }] },
  ],
  audiences: [],
});

let stack: Stack;
let arm: ArmStandIn;
beforeAll(async () => {
  stack = await startStack({
    traffic: scenario.traffic,
    activity: scenario.activity,
    tables: ["AzureDiagnostics", "AzureActivity"],
    ingestionDelayMinutes: 2,
    env: { CONTROL_PLANE_CONFIG: CONFIG },
  });
  // The vault sends AuditEvent to the workspace; the role assignment has been deleted.
  arm = await startArmStandIn({
    callerClientId: stack.settings.managedIdentityClientId!,
    state: {
      vaults: [{ id: VAULT_ID }],
      diagnosticSettings: {
        [VAULT_ID.toLowerCase()]: [
          { name: "to-law", workspaceId: WORKSPACE, logs: [{ category: "AuditEvent", enabled: true }] },
        ],
      },
      roleAssignments: [],
    },
  });
});
afterAll(async () => {
  await arm.close();
  await stack.close();
});

describe("the control-plane check inside a tick", () => {
  it("finds the missing role, feeds it to the diagnosis, and makes health unhealthy", async () => {
    const clock = manualClock(scenario.start);
    const rt = stack.runtime(
      { clock: clock.now, armHttpClient: redirectTo(arm.url) },
      { STATE_TABLE_PREFIX: freshPrefix() },
    );
    const reports = await replay([rt], clock, new Date("2026-11-20T01:08:00Z"), recordingLogger());
    // The denials join the control-plane finding's thread: the first notice that lists them.
    const opened = reports
      .flatMap((r) => r.delivered)
      .find((n) => n.snapshot.rule === "kv-auth-denied" || n.group?.members.some((m) => m.rule === "kv-auth-denied"));
    expect(opened?.snapshot.diagnosis?.top[0]).toMatchObject({ id: "H2", verdict: "likely" });
    expect(opened?.snapshot.diagnosis?.top[0]?.confirming).toContain(
      `${ORDERS.name} holds no role that grants the action on kv-orders-prod or a parent scope (control-plane check)`,
    );

    const health = await checkHealth(rt);
    expect(health.status).toBe("unhealthy");
    expect(health.controlPlane?.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "role-missing", severity: "SEV-2" })]),
    );
    expect(health.controlPlane?.vaults).toEqual([
      expect.objectContaining({ config: "read", coverage: "covered", permissionModel: "rbac" }),
    ]);
    expect(arm.requests.length).toBeGreaterThan(0);
  });

  it("opens its own incident for the missing role, with the fix in the card, and resolves it once the role is back", async () => {
    const clock = manualClock(new Date("2026-11-20T01:40:00Z"));
    const rt = stack.runtime(
      { clock: clock.now, armHttpClient: redirectTo(arm.url) },
      { STATE_TABLE_PREFIX: freshPrefix() },
    );
    const before = stack.standIn.teamsPosts.length;
    const first = await replay([rt], clock, new Date("2026-11-20T01:41:00Z"), recordingLogger());
    const opened = first.flatMap((r) => r.delivered).filter((n) => n.snapshot.rule === "control-plane");
    expect(opened.map((n) => `${n.kind} ${n.snapshot.severity}`)).toEqual(["opened SEV-2"]);
    const card = JSON.stringify(stack.standIn.teamsPosts.slice(before));
    expect(card).toContain("SEV-2: Control-plane drift on kv-orders-prod");
    expect(card).toContain(
      `az role assignment create --assignee-object-id ${ORDERS.objectId} --assignee-principal-type ServicePrincipal --role \\"Key Vault Secrets User\\" --scope ${VAULT_ID.toLowerCase()}`,
    );

    arm.state.roleAssignments.push({ scope: VAULT_ID, roleDefinitionGuid: SECRETS_USER, principalId: ORDERS.objectId });
    const after = await replay([rt], clock, new Date("2026-11-20T01:42:00Z"), recordingLogger());
    expect(
      after
        .flatMap((r) => r.delivered)
        .filter((n) => n.snapshot.rule === "control-plane")
        .map((n) => n.kind),
    ).toEqual(["resolved"]);
    const health = await checkHealth(rt);
    expect(health.controlPlane?.findings.filter((f) => f.kind === "role-missing")).toEqual([]);
    arm.state.roleAssignments.length = 0;
  });

  it("reports a monitor without Reader as a monitor problem, never as a vault problem", async () => {
    arm.state.readerScopes = [`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-somewhere-else`];
    try {
      const clock = manualClock(new Date("2026-11-20T01:40:00Z"));
      const rt = stack.runtime(
        { clock: clock.now, armHttpClient: redirectTo(arm.url) },
        { STATE_TABLE_PREFIX: freshPrefix() },
      );
      const log = recordingLogger();
      const reports = await replay([rt], clock, new Date("2026-11-20T01:41:00Z"), log);
      const health = await checkHealth(rt);
      expect(health.controlPlane?.monitorProblems.join("\n")).toMatch(/Reader/);
      expect(health.controlPlane?.findings.filter((f) => f.kind === "role-missing")).toEqual([]);
      expect(reports.flatMap((r) => r.delivered).filter((n) => n.snapshot.rule === "control-plane")).toEqual([]);
      expect(health.status).toBe("degraded");
      expect(log.lines.some((l) => l.startsWith("warn: control plane:"))).toBe(true);
    } finally {
      arm.state.readerScopes = undefined;
    }
  });

  it("keeps a control-plane incident open while the monitor cannot see its vault", async () => {
    const clock = manualClock(new Date("2026-11-20T01:40:00Z"));
    const rt = stack.runtime(
      { clock: clock.now, armHttpClient: redirectTo(arm.url) },
      { STATE_TABLE_PREFIX: freshPrefix() },
    );
    const log = recordingLogger();
    const opened = await replay([rt], clock, new Date("2026-11-20T01:41:00Z"), log);
    expect(
      opened
        .flatMap((r) => r.delivered)
        .filter((n) => n.snapshot.rule === "control-plane")
        .map((n) => n.kind),
    ).toEqual(["opened"]);
    arm.state.readerScopes = [`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-somewhere-else`];
    try {
      const blind = await replay([rt], clock, new Date("2026-11-20T01:43:00Z"), log);
      expect(blind.flatMap((r) => r.delivered).filter((n) => n.snapshot.rule === "control-plane")).toEqual([]);
      expect((await checkHealth(rt)).targets).toEqual([
        expect.objectContaining({ problem: "Control-plane drift", vault: "kv-orders-prod" }),
      ]);
    } finally {
      arm.state.readerScopes = undefined;
    }
  });
});
