import { APP_TABLES, monitorConfig, scenario, truth, type CorpusStory } from "./config.js";
import { binShare, binsBetween, IDENTITIES, MINUTE, OFFICE, SHOPPING, sparse, utc, VAULTS } from "./shared.js";
import { Telemetry, type DependencyCounts } from "./timeline.js";
import { healthy, requests, type Caller } from "./traffic.js";

const ORDERS = IDENTITIES.orders;
const BILLING = IDENTITIES.billing;
const KV = VAULTS.orders;
const APP = "func-orders";

/**
 * Functions playbook H6 ("Dependency timeout or DNS errors dominate over 401/403"; its example
 * shows Service Bus, blob and Key Vault all timing out together) and the Key Vault guide's
 * private-endpoint DNS section. From 16:20 to 16:58 the hub firewall and DNS forwarders of the
 * orders spoke are degraded after a scale-in: most of func-orders' outgoing calls to the vault,
 * Service Bus and storage time out or cannot connect. The vault answers the few calls that get
 * through; a handful of them resolved the vault's public address through the fallback resolver
 * and are refused by the vault firewall (403). func-billing runs in another spoke, unaffected.
 * The firewall's scale-in is a Microsoft.Network operation the changes query does not read.
 */
export function networkOutage(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-13T${hhmm}`);
  const historyFrom = utc("2026-03-11T00:00");
  const end = at("18:30");
  const outageFrom = at("16:20");
  const outageTo = at("16:58");
  // The share of func-orders' calls that get no answer: half as the firewall starts failing,
  // most at its worst, fewer as instances come back, none once it is healthy.
  const unanswered = (ms: number) =>
    ms < outageFrom || ms >= outageTo ? 0 : ms < at("16:24") ? 0.5 : ms < at("16:50") ? 0.8 : 0.4;

  const orders: Caller = { key: "orders/kv-orders-prod", peak: 240, shape: SHOPPING };
  const billing: Caller = { key: "billing/kv-orders-prod", peak: 40, shape: OFFICE, notFound: 0.15 };

  const tm = new Telemetry();
  const s = {
    ordersGet: tm.kvSeries("orders-get", KV, ORDERS),
    billingGet: tm.kvSeries("billing-get", KV, BILLING),
    ordersKv: tm.dependencySeries("orders-to-kv", APP, KV.host, "Azure Key Vault", "keyvault"),
    ordersBus: tm.dependencySeries(
      "orders-to-servicebus",
      APP,
      "sb-orders-prod.servicebus.windows.net",
      "Azure Service Bus",
      "servicebus",
    ),
    ordersBlob: tm.dependencySeries(
      "orders-to-blob",
      APP,
      "stordersprod.blob.core.windows.net",
      "Azure blob",
      "storage",
    ),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const n = requests(orders, t);
    const lost = binShare(t, unanswered);
    const kv = calls(n, lost, sparse(`${orders.key}/firewall`, t, lost > 0 ? 1.5 : 0));
    tm.kv(t, s.ordersGet, { succeeded: kv.succeeded, forbiddenFirewall: kv.forbidden });
    tm.dependency(t, s.ordersKv, kv);
    tm.dependency(t, s.ordersBus, calls(Math.round(n * 1.4), lost, 0));
    tm.dependency(t, s.ordersBlob, calls(Math.round(n * 0.5), lost, 0));
    tm.kv(t, s.billingGet, healthy(billing, t));
  }

  return scenario({
    name: "network-outage",
    description:
      "From 16:20 to 16:58 UTC the orders spoke's hub firewall and DNS forwarders are degraded: most of func-orders' calls to kv-orders-prod, Service Bus and " +
      "storage time out or fail to connect; a handful reach the vault's public endpoint and get 403 from its firewall. func-billing is unaffected.",
    start: at("16:00"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: APP, identities: [ORDERS], critical: true, hasFallback: false },
        { name: BILLING.name, identities: [BILLING], critical: true, hasFallback: true },
      ]),
    },
    telemetry: tm,
    clients: [
      { app: APP, vault: KV, appInsights: true, instances: 3 },
      { app: BILLING.name, vault: KV, appInsights: false, instances: 2 },
    ],
    incidents: [
      truth({
        name: "orders-spoke-network-outage",
        onset: outageFrom,
        recovered: outageTo - MINUTE,
        hypothesis: "H6",
        severity: "SEV-1",
        vault: KV.name,
        identity: ORDERS.name,
        note: "the order pipeline is mostly down whatever the cause; the 403s are symptoms of the outage, not an access change",
      }),
    ],
  });
}

/**
 * The calls of one dependency in a bin where a share `lost` of them get no answer. The SDKs retry
 * a timed-out or refused call (three times, with back-off), so each lost call is attempted
 * about 2.5 times. Of the attempts without an answer 55% time out, 40% fail to connect and 5% get
 * a 502/503 from the firewall. `forbidden` answered calls were refused by the vault.
 */
function calls(
  n: number,
  lost: number,
  forbidden: number,
): Required<Pick<DependencyCounts, "succeeded" | "forbidden" | "timeouts" | "connectionFailures" | "serverErrors">> {
  const unanswered = Math.round(n * lost * 2.5);
  const timeouts = Math.round(unanswered * 0.55);
  const serverErrors = Math.round(unanswered * 0.05);
  const answered = n - Math.round(n * lost);
  return {
    succeeded: Math.max(0, answered - forbidden),
    forbidden: Math.min(forbidden, answered),
    timeouts,
    serverErrors,
    connectionFailures: unanswered - timeouts - serverErrors,
  };
}
