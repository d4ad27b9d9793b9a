import type { ActivityEvent, AuditEvent, TrafficModel } from "../workspace.js";

/**
 * The built-in incident, after the playbooks' timeline: a Key Vault role assignment is removed
 * at 01:00, the first 403 arrives at 01:03, the role is restored at 01:14, and failures fade out
 * over the propagation window until 01:20. Times are UTC on the day the replay starts.
 */
export const SUBSCRIPTION = "4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61";
export const VAULT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-orders-prod/providers/Microsoft.KeyVault/vaults/kv-orders-prod`;

/** Key Vault Secrets User, a built-in role. */
const SECRETS_USER = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;

export const ORDERS = {
  name: "id-func-orders",
  objectId: "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93",
  appId: "c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14",
  resourceId: `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-orders-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-func-orders`,
};

export const BILLING = {
  name: "func-billing",
  objectId: "2e9b7c4d-6a1f-4e3b-8d5c-9f0a1b2c3d4e",
  appId: "5f6a7b8c-9d0e-4f1a-2b3c-4d5e6f7a8b9c",
  resourceId: `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-billing-prod/providers/Microsoft.Web/sites/func-billing`,
};

/** `count` SecretGet calls by `who` in `minute` answered `status`, on kv-orders-prod unless `vault` says otherwise. */
export function secretGets(
  who: typeof ORDERS,
  minute: Date,
  status: number,
  count: number,
  vault: string = VAULT_ID,
): AuditEvent {
  return {
    minute,
    vaultResourceId: vault,
    callerObjectId: who.objectId,
    callerAppId: who.appId,
    callerResourceId: who.resourceId,
    operation: "SecretGet",
    status,
    count,
  };
}

export interface ScenarioMoment {
  at: Date;
  text: string;
}

export interface Scenario {
  name: string;
  /** Where the replay's clock starts. */
  start: Date;
  traffic: TrafficModel;
  /** What happened in the world, for the narrator; the monitor never reads it. */
  moments: ScenarioMoment[];
  /** Control-plane changes, as AzureActivity records them. */
  activity: ActivityEvent[];
  /** Identities the scenario's operator marks critical (CRITICAL_IDENTITIES). */
  criticalIdentities: string[];
  /** What Azure Resource Manager shows, for the control-plane check. */
  controlPlane: {
    workspaceResourceId: string;
    vaultResourceId: string;
    /** The role assignment the incident is about, and when it is missing. */
    assignment: {
      principalId: string;
      principalName: string;
      roleDefinitionGuid: string;
      role: string;
      removedAt: Date;
      restoredAt: Date;
    };
  };
}

const MINUTE = 60_000;

/** The RBAC-removal incident on the UTC day of `day`. */
export function rbacRemovalScenario(day: Date): Scenario {
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  const at = (h: number, m: number) => new Date(midnight + (h * 60 + m) * MINUTE);
  const removed = at(1, 3).getTime();
  const restored = at(1, 14).getTime();
  const propagated = at(1, 20).getTime();

  const traffic: TrafficModel = {
    eventsForMinute(minute) {
      const t = minute.getTime();
      const n = Math.floor(t / MINUTE);
      const events: AuditEvent[] = [];
      const orders = (status: number, count: number): AuditEvent => secretGets(ORDERS, minute, status, count);
      const base = 20 + jitter(n, 5);
      if (t >= removed && t < restored) {
        // Denied calls are retried by the SDK, so the request rate rises while access is gone.
        events.push(orders(403, Math.round(base * 1.5)));
      } else if (t >= restored && t < propagated) {
        const failingShare = (propagated - t) / (propagated - restored);
        const failing = Math.round(base * failingShare);
        if (failing > 0) events.push(orders(403, failing));
        events.push(orders(200, base - failing));
      } else {
        events.push(orders(200, base));
      }
      events.push({
        minute,
        vaultResourceId: VAULT_ID,
        callerObjectId: BILLING.objectId,
        callerAppId: BILLING.appId,
        callerResourceId: BILLING.resourceId,
        operation: "SecretGet",
        status: 200,
        count: 6 + jitter(n + 7, 3),
      });
      // The first call of an SDK client carries no token and gets 401 with a challenge: benign.
      events.push({
        minute,
        vaultResourceId: VAULT_ID,
        callerObjectId: "",
        callerAppId: "",
        callerResourceId: "",
        operation: "Authentication",
        status: 401,
        count: 2,
      });
      // A secret that does not exist yet: 404s are not an access problem.
      if (n % 7 === 0) {
        events.push({
          minute,
          vaultResourceId: VAULT_ID,
          callerObjectId: BILLING.objectId,
          callerAppId: BILLING.appId,
          callerResourceId: BILLING.resourceId,
          operation: "SecretGet",
          status: 404,
          count: 1,
        });
      }
      return events;
    },
  };

  return {
    name: "rbac-removal",
    start: at(0, 50),
    traffic,
    criticalIdentities: [ORDERS.name],
    controlPlane: {
      workspaceResourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-vaultwatch`,
      vaultResourceId: VAULT_ID,
      assignment: {
        principalId: ORDERS.objectId,
        principalName: ORDERS.name,
        roleDefinitionGuid: "4633458b-17de-408a-b874-0445c86b69e6",
        role: "Key Vault Secrets User",
        removedAt: at(1, 0),
        restoredAt: at(1, 14),
      },
    },
    activity: [
      {
        at: at(1, 0),
        operation: "Microsoft.Authorization/roleAssignments/delete",
        scope: VAULT_ID,
        principalId: ORDERS.objectId,
        roleDefinitionId: SECRETS_USER,
        caller: "deploy-pipeline@contoso.com",
      },
      {
        at: at(1, 14),
        operation: "Microsoft.Authorization/roleAssignments/write",
        scope: VAULT_ID,
        principalId: ORDERS.objectId,
        roleDefinitionId: SECRETS_USER,
        caller: "oncall@contoso.com",
      },
    ],
    moments: [
      {
        at: at(1, 0),
        text: `role assignment "Key Vault Secrets User" for ${ORDERS.name} on kv-orders-prod is deleted (AzureActivity: Microsoft.Authorization/roleAssignments/delete by deploy-pipeline)`,
      },
      { at: at(1, 3), text: `${ORDERS.name} gets its first 403 from kv-orders-prod (SecretGet)` },
      { at: at(1, 14), text: `the role assignment is restored; propagation takes a few minutes` },
      { at: at(1, 20), text: `the last 403: ${ORDERS.name} reads its secrets again` },
    ],
  };
}

/** A small deterministic wobble, so counts look like traffic and replays are repeatable. */
function jitter(n: number, range: number): number {
  const x = Math.sin(n * 12.9898) * 43758.5453;
  return Math.floor((x - Math.floor(x)) * range);
}
