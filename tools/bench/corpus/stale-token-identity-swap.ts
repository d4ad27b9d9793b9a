import {
  APP_TABLES,
  controlPlaneConfig,
  monitorConfig,
  scenario,
  siteIdentityWrite,
  snapshot,
  truth,
  type CorpusStory,
} from "./config.js";
import {
  between,
  binShare,
  binsBetween,
  IDENTITIES,
  iso,
  MINUTE,
  ORDERS_READERS_GROUP,
  SHOPPING,
  siteId,
  utc,
  VAULTS,
} from "./shared.js";
import { Telemetry } from "./timeline.js";
import { requests, split, type Caller } from "./traffic.js";

const OLD = IDENTITIES.orders;
const NEW = IDENTITIES.orders2026;
const KV = VAULTS.orders;
const APP = "func-orders";
const SITE = siteId("rg-orders-prod", APP);

/**
 * Functions playbook H3 ("RBAC propagation delay or stale token cache": failures clear after
 * delay/restart) and the Container Apps playbook's token-caching hypothesis ("Error appears after
 * identity swap ... Restarting the replica ... fixes the problem"). The platform team's identity
 * rotation swaps func-orders from id-func-orders to id-func-orders-2026 at 02:00
 * (Microsoft.Web/sites/write; the app restarts with it). The new identity reads kv-orders-prod
 * through grp-kv-orders-readers, which has held Key Vault Secrets User on the vault for weeks, but
 * the pipeline adds it to the group only at 02:03, in Entra ID (not in AzureActivity). The token
 * func-orders got at 02:01 predates the membership and is cached, so every read is denied (403,
 * RBAC) while the app keeps getting tokens. On-call restarts func-orders at 02:24; it fetches a
 * fresh token and the 403s stop. Service Bus, granted to the new identity directly, works throughout.
 */
export function staleTokenIdentitySwap(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-18T${hhmm}`);
  const historyFrom = utc("2026-03-16T00:00");
  const end = at("03:30");
  const swapped = at("02:00");
  const firstDenied = at("02:01");
  const lastDenied = at("02:24");
  const denied = between(firstDenied, lastDenied + MINUTE);

  const orders: Caller = { key: "orders/kv-orders-prod", peak: 240, shape: SHOPPING };

  const tm = new Telemetry();
  const s = {
    oldGet: tm.kvSeries("orders-get", KV, OLD),
    newGet: tm.kvSeries("orders-2026-get", KV, NEW),
    ordersKv: tm.dependencySeries("orders-to-kv", APP, KV.host, "Azure Key Vault", "keyvault"),
    ordersBus: tm.dependencySeries(
      "orders-to-servicebus",
      APP,
      "sb-orders-prod.servicebus.windows.net",
      "Azure Service Bus",
      "servicebus",
    ),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const n = requests(orders, t);
    // Calls before the swap's minute go out as the old identity, the rest as the new one.
    const oldShare = binShare(t, (ms) => (ms < swapped + MINUTE ? 1 : 0));
    const oldCalls = Math.round(n * oldShare);
    // Queue-triggered: a denied message is redelivered, so denied reads count 1.5 times.
    const fresh = split(n - oldCalls, oldShare < 1 ? binShare(t, denied) / (1 - oldShare) : 0, 1.5);
    tm.kv(t, s.oldGet, { succeeded: oldCalls });
    tm.kv(t, s.newGet, { succeeded: fresh.ok, forbiddenRbac: fresh.failed });
    tm.dependency(t, s.ordersKv, { succeeded: oldCalls + fresh.ok, forbidden: fresh.failed });
    tm.dependency(t, s.ordersBus, { succeeded: Math.round(n * 1.4) });
  }

  const vaults = [{ vault: KV }];
  const grants = [
    { vault: KV, principalId: OLD.objectId },
    { vault: KV, principalId: ORDERS_READERS_GROUP.objectId, principalType: "Group" as const },
  ];
  return scenario({
    name: "stale-token-identity-swap",
    description:
      "At 02:00 UTC func-orders is swapped to the user-assigned identity id-func-orders-2026 (Microsoft.Web/sites/write). Its access comes from a group it joins only " +
      "at 02:03, after func-orders got its token: every read is denied (403) while tokens keep coming. A restart at 02:24 fetches a fresh token; the last 403 is at 02:24.",
    start: at("01:45"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([{ name: APP, identities: [OLD, NEW], critical: true, hasFallback: false }]),
      CONTROL_PLANE_CONFIG: controlPlaneConfig(
        [KV],
        [
          { identity: OLD, expect: [KV] },
          { identity: NEW, expect: [KV], groupObjectIds: [ORDERS_READERS_GROUP.objectId] },
        ],
      ),
    },
    telemetry: tm,
    activity: [siteIdentityWrite(swapped, SITE, "platform-pipeline@contoso.com")],
    controlPlane: [snapshot(historyFrom, vaults, grants)],
    clients: [{ app: APP, vault: KV, appInsights: true, instances: 3 }],
    coldStarts: [
      { at: swapped, app: APP },
      { at: lastDenied, app: APP },
    ],
    // On-call's restart is an ARM action (AzureActivity), not one of the changes the monitor reads.
    noise: [
      {
        kind: "activity",
        at: iso(lastDenied),
        operation: "Microsoft.Web/sites/restart/action",
        scope: SITE,
        caller: "oncall@contoso.com",
      },
    ],
    incidents: [
      truth({
        name: "orders-stale-token-after-identity-swap",
        cause: swapped,
        onset: firstDenied,
        recovered: lastDenied,
        hypothesis: "H3",
        severity: "SEV-1",
        vault: KV.name,
        identity: NEW.name,
        note: "the role was in place (through the group) all along; the token predated the membership and a restart cleared it",
      }),
    ],
  });
}
