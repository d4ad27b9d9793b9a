import { controlPlaneConfig, roleChange, scenario, snapshot, truth, AUDIT_TABLES, type CorpusStory } from "./config.js";
import { binShare, binsBetween, IDENTITIES, iso, OFFICE, SHOPPING, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, split, type Caller } from "./traffic.js";

const ORDERS = IDENTITIES.orders;
const BILLING = IDENTITIES.billing;
const KV = VAULTS.orders;

/**
 * An access incident the monitor loses sight of halfway through. On Tuesday 2026-04-07 the deploy
 * pipeline deletes id-func-orders' Key Vault Secrets User on kv-orders-prod at 10:00 (rbac-removal's
 * story, later in the day and longer): the first 403 is at 10:03, on-call restores the assignment at
 * 10:40 and the 403s fade out over the propagation window until 10:51. From 10:20 to 11:00 the
 * workspace's answers to vaultwatch's signals query come back with their schema drifted: the
 * `Counts` column is named `counts`, every row otherwise intact. The rows still hold the 403s,
 * but not under the column the monitor reads, so for 40 minutes it cannot trust anything the
 * workspace says about any vault.
 */
export function schemaDrift(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-04-07T${hhmm}`);
  const historyFrom = utc("2026-04-05T00:00");
  const end = at("11:40");
  const deleted = at("10:00");
  const firstDenied = at("10:03");
  const restored = at("10:40");
  const lastDenied = at("10:51");
  const driftFrom = at("10:20");
  const driftUntil = at("11:00");

  // Propagation after the restore, as in rbac-removal: the share of denied calls falls from all to
  // none over the 11 minutes of the Functions playbook's timeline.
  const deniedShare = (ms: number) =>
    ms < firstDenied || ms >= lastDenied ? 0 : ms < restored ? 1 : 1 - (ms - restored) / (lastDenied - restored);

  const orders: Caller = { key: "orders/kv-orders-prod", peak: 240, shape: SHOPPING };
  const billing: Caller = { key: "billing/kv-orders-prod", peak: 40, shape: OFFICE, notFound: 0.15 };

  const tm = new Telemetry();
  const ordersGet = tm.kvSeries("orders-get", KV, ORDERS);
  const billingGet = tm.kvSeries("billing-get", KV, BILLING);
  for (const t of binsBetween(historyFrom, end)) {
    // Queue-triggered: a denied message is redelivered, so denied calls count 1.5 times.
    const { ok, failed } = split(requests(orders, t), binShare(t, deniedShare), 1.5);
    tm.kv(t, ordersGet, { succeeded: ok, forbiddenRbac: failed });
    tm.kv(t, billingGet, healthy(billing, t));
  }

  const granted = [
    { vault: KV, principalId: ORDERS.objectId },
    { vault: KV, principalId: BILLING.objectId },
  ];
  const vaults = [{ vault: KV, properties: { enableRbacAuthorization: true } }];
  return scenario({
    name: "schema-drift",
    description:
      "Key Vault Secrets User for id-func-orders on kv-orders-prod is deleted by the deploy pipeline at 10:00 UTC; the first 403 comes at 10:03, " +
      "on-call restores the assignment at 10:40 and the 403s fade out until 10:51. From 10:20 to 11:00 the workspace's answers to the monitor's " +
      "signals query come back with the Counts column named counts (rows intact): the monitor cannot trust what it is told for 40 minutes.",
    start: at("09:50"),
    end,
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
      roleChange(deleted, "delete", KV, ORDERS.objectId, "deploy-pipeline@contoso.com"),
      roleChange(restored, "write", KV, ORDERS.objectId, "oncall@contoso.com"),
    ],
    controlPlane: [
      snapshot(historyFrom, vaults, granted),
      snapshot(
        deleted,
        vaults,
        granted.filter((g) => g.principalId !== ORDERS.objectId),
      ),
      snapshot(restored, vaults, granted),
    ],
    clients: [
      { app: "func-orders", vault: KV, appInsights: false, instances: 3 },
      { app: BILLING.name, vault: KV, appInsights: false, instances: 2 },
    ],
    answerDrifts: [
      { from: iso(driftFrom), until: iso(driftUntil), kind: "column-renamed", column: "Counts", to: "counts" },
    ],
    incidents: [
      truth({
        name: "orders-secrets-user-deleted",
        cause: deleted,
        onset: firstDenied,
        recovered: lastDenied,
        hypothesis: "H2",
        severity: "SEV-1",
        vault: KV.name,
        identity: ORDERS.name,
        note: "the role was deleted (H2): the critical order pipeline is blocked with no fallback, whether or not the monitor can see it meanwhile",
      }),
      truth({
        name: "signals-answer-drifted",
        subject: "monitor",
        onset: driftFrom,
        recovered: driftUntil,
        hypothesis: "none",
        severity: "SEV-2",
        note: "every answer about every vault is unreadable for 40 minutes (Counts renamed): the monitor is blind, which must page, saying the answer cannot be read, not that the vault is quiet",
      }),
    ],
  });
}
