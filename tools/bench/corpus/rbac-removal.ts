import { AUDIT_TABLES, controlPlaneConfig, roleChange, scenario, snapshot, truth, type CorpusStory } from "./config.js";
import { binShare, binsBetween, IDENTITIES, OFFICE, SHOPPING, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, split, type Caller } from "./traffic.js";

const ORDERS = IDENTITIES.orders;
const BILLING = IDENTITIES.billing;
const KV = VAULTS.orders;

/** When the orders role deletion happens: deleted, first 403, restored, last 403, and the history. */
export interface OrdersRoleDeletionTimes {
  historyFrom: number;
  end: number;
  deleted: number;
  firstDenied: number;
  restored: number;
  lastDenied: number;
}

/**
 * The orders role deletion on kv-orders-prod, whatever its times: id-func-orders' reads denied
 * from the first 403, fading out over the propagation window after the restore, func-billing
 * unaffected; the activity log, Resource Manager's snapshots and the apps' Key Vault clients that
 * go with it. rbac-removal tells it at 01:00; schema-drift tells it while the monitor goes blind.
 */
export function ordersRoleDeletion(t: OrdersRoleDeletionTimes) {
  // Propagation: after the restore, front-ends pick the assignment up one by one, so the share of
  // denied calls falls from all to none between the restore and the last denial (11 minutes in the
  // playbook's timeline).
  const deniedShare = (ms: number) =>
    ms < t.firstDenied || ms >= t.lastDenied
      ? 0
      : ms < t.restored
        ? 1
        : 1 - (ms - t.restored) / (t.lastDenied - t.restored);

  const orders: Caller = { key: "orders/kv-orders-prod", peak: 240, shape: SHOPPING };
  const billing: Caller = { key: "billing/kv-orders-prod", peak: 40, shape: OFFICE, notFound: 0.15 };

  const tm = new Telemetry();
  const ordersGet = tm.kvSeries("orders-get", KV, ORDERS);
  const billingGet = tm.kvSeries("billing-get", KV, BILLING);
  for (const bin of binsBetween(t.historyFrom, t.end)) {
    // Orders are queue-triggered: a denied message is redelivered, so denied calls count 1.5 times.
    const { ok, failed } = split(requests(orders, bin), binShare(bin, deniedShare), 1.5);
    tm.kv(bin, ordersGet, { succeeded: ok, forbiddenRbac: failed });
    tm.kv(bin, billingGet, healthy(billing, bin));
  }

  const granted = [
    { vault: KV, principalId: ORDERS.objectId },
    { vault: KV, principalId: BILLING.objectId },
  ];
  const vaults = [{ vault: KV, properties: { enableRbacAuthorization: true } }];
  return {
    tables: AUDIT_TABLES,
    settings: {
      CRITICAL_IDENTITIES: [ORDERS.name],
      CONTROL_PLANE_CONFIG: controlPlaneConfig(
        [KV],
        [
          { identity: ORDERS, expect: [KV] },
          { identity: BILLING, expect: [KV] },
        ],
      ),
    },
    telemetry: tm,
    activity: [
      roleChange(t.deleted, "delete", KV, ORDERS.objectId, "deploy-pipeline@contoso.com"),
      roleChange(t.restored, "write", KV, ORDERS.objectId, "oncall@contoso.com"),
    ],
    controlPlane: [
      snapshot(t.historyFrom, vaults, granted),
      snapshot(
        t.deleted,
        vaults,
        granted.filter((g) => g.principalId !== ORDERS.objectId),
      ),
      snapshot(t.restored, vaults, granted),
    ],
    clients: [
      { app: "func-orders", vault: KV, appInsights: false, instances: 3 },
      { app: BILLING.name, vault: KV, appInsights: false, instances: 2 },
    ],
  };
}

/**
 * The built-in incident as a file (Functions playbook, "Host startup correlation" timeline): the
 * deploy pipeline deletes id-func-orders' Key Vault Secrets User on kv-orders-prod at 01:00, the
 * first 403 is at 01:03, on-call restores the assignment at 01:14, and the 403s fade out over the
 * propagation window until 01:25. func-billing reads the same vault throughout, unaffected.
 */
export function rbacRemoval(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-04T${hhmm}`);
  const firstDenied = at("01:03");
  const lastDenied = at("01:25");
  const story = ordersRoleDeletion({
    historyFrom: utc("2026-03-02T00:00"),
    end: at("03:00"),
    deleted: at("01:00"),
    firstDenied,
    restored: at("01:14"),
    lastDenied,
  });
  return scenario({
    name: "rbac-removal",
    description:
      "Key Vault Secrets User for id-func-orders on kv-orders-prod is deleted by the deploy pipeline at 01:00 UTC; the first 403 comes at 01:03, " +
      "on-call restores the assignment at 01:14 and the 403s fade out during propagation until 01:25. func-billing reads the same vault, unaffected.",
    start: at("00:50"),
    end: at("03:00"),
    ...story,
    incidents: [
      truth({
        name: "orders-secrets-user-deleted",
        cause: at("01:00"),
        onset: firstDenied,
        recovered: lastDenied,
        hypothesis: "H2",
        severity: "SEV-1",
        vault: KV.name,
        identity: ORDERS.name,
        note: "the role was deleted (H2); the restore's propagation window (H3) is part of the recovery, not the cause",
      }),
    ],
  });
}
