import type { ScenarioFileInput } from "../../tools/scenario/format.js";

/** Names for small scenarios written in tests: one vault, one user-assigned identity. */
export const SUB = "4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61";
export const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-orders-prod/providers/Microsoft.KeyVault/vaults/kv-orders-prod`;
export const WORKSPACE = `/subscriptions/${SUB}/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-vaultwatch`;
export const ORDERS = {
  objectId: "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93",
  appId: "c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14",
  clientId: "c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14",
  resourceId: `/subscriptions/${SUB}/resourcegroups/rg-orders-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-func-orders`,
};
export const SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
export const DAY = Date.UTC(2026, 2, 2);
const MINUTE = 60_000;

/** `hh:mm` on the scenario's day (negative hours reach into the day before). */
export function at(hhmm: string, dayOffset = 0): string {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return new Date(DAY + dayOffset * 86_400_000 + (h * 60 + m) * MINUTE).toISOString();
}

/** What one bin of the orders identity looks like: succeeded and denied requests. */
export type Traffic = (binStart: number) => {
  succeeded: number;
  forbiddenRbac?: number;
  forbiddenPolicy?: number;
  unauthorized?: number;
};

/**
 * A scenario of the orders identity reading secrets, from a day before 00:30 to `end`: 60
 * requests per bin unless `traffic` says otherwise for a bin.
 */
export function ordersScenario(o: {
  name?: string;
  start?: string;
  end: string;
  traffic?: Traffic;
  extra?: Partial<ScenarioFileInput>;
}): ScenarioFileInput {
  const timeline: NonNullable<ScenarioFileInput["timeline"]> = [];
  const from = DAY - 86_400_000;
  const to = Date.parse(o.end);
  for (let t = from; t < to; t += 5 * MINUTE) {
    const counts = o.traffic?.(t) ?? { succeeded: 60 };
    timeline.push({ at: new Date(t).toISOString(), "kv-requests": [{ series: "orders", counts }] });
  }
  return {
    format: "vaultwatch/scenario/v1",
    name: o.name ?? "orders",
    start: o.start ?? at("00:30"),
    end: o.end,
    workspace: { resourceId: WORKSPACE },
    series: {
      orders: {
        signal: "kv-requests",
        dims: {
          vaultResourceId: VAULT.toLowerCase(),
          callerObjectId: ORDERS.objectId,
          callerAppId: ORDERS.appId,
          callerResourceId: ORDERS.resourceId,
          source: "AzureDiagnostics",
          operation: "SecretGet",
        },
      },
    },
    timeline,
    ...o.extra,
  };
}

/** Denies every request of the orders identity from `from` to `to` (hh:mm on the day). */
export function deniedBetween(from: string, to: string): Traffic {
  const a = Date.parse(at(from));
  const b = Date.parse(at(to));
  return (t) => (t >= a && t < b ? { succeeded: 0, forbiddenRbac: 90 } : { succeeded: 60 });
}

/** The playbook's change at 01:00: the pipeline deletes id-func-orders' Key Vault Secrets User on the vault. */
export const ROLE_DELETED = {
  at: at("01:00"),
  operation: "Microsoft.Authorization/roleAssignments/delete",
  scope: VAULT,
  principalId: ORDERS.objectId,
  roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER}`,
  caller: "deploy-pipeline@contoso.com",
};
