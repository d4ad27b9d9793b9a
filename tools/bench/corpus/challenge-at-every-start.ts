import type { ActivityInput } from "./timeline.js";
import { APP_TABLES, monitorConfig, scenario, type CorpusStory } from "./config.js";
import { BIN, binsBetween, IDENTITIES, iso, OFFICE, SHOPPING, siteId, SUBSCRIPTION, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, type Caller } from "./traffic.js";

const ORDERS = IDENTITIES.orders;
const PORTAL = IDENTITIES.portal;
const ORDERS_APP = "func-orders";
/** func-orders' App Service plan: scaling it out or in is a write to the plan (its sku capacity). */
const PLAN = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-orders-prod/providers/Microsoft.Web/serverfarms/asp-orders-prod`;

/** Cold instances read every secret again: this many times the usual reads in the start's bin, then in the next. */
const BURST = [3, 1.8] as const;

/**
 * A healthy morning with many Key Vault clients starting: every Key Vault SDK client's first
 * request goes without a token and gets 401 with a challenge, by design, and the client sends it
 * again with a token at once (../shared/reference/azure-log-shapes.md; Azure/azure-sdk-for-python#23252,
 * Azure/azure-sdk-for-js#31279). Key Vault logs each as operation Authentication, 401, no
 * identity; Application Insights records a failed 401 dependency call followed by its retry in
 * the same operation. On Tuesday 2026-03-31 ahead of a sale, the orders team scales
 * func-orders' plan from 4 to 12 instances at 09:40 (eight cold instances from 09:41), deploys
 * func-orders at 10:30 (all twelve restart), and scales back to 4 at 11:30; app-portal's three
 * instances restart for platform maintenance at 12:10. Every start sends its challenges, and
 * nothing is wrong.
 */
export function challengeAtEveryStart(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-31T${hhmm}`);
  const historyFrom = utc("2026-03-29T00:00");
  const end = at("13:00");
  const scaleOut = at("09:40");
  const deploy = at("10:30");
  const scaleIn = at("11:30");
  const portalRestart = at("12:10");
  const starts = [
    { app: ORDERS_APP, at: scaleOut + 60_000, instances: 8 },
    { app: ORDERS_APP, at: deploy, instances: 12 },
    { app: PORTAL.name, at: portalRestart, instances: 3 },
  ];
  const burst = (app: string, t: number) => {
    const s = starts.find((x) => x.app === app && t >= x.at - (x.at % BIN) && t < x.at - (x.at % BIN) + 2 * BIN);
    return !s ? 1 : t < s.at - (s.at % BIN) + BIN ? BURST[0] : BURST[1];
  };

  const orders: Caller = { key: "orders/kv-orders-prod", peak: 240, shape: SHOPPING };
  const portal: Caller = { key: "portal/kv-portal-prod", peak: 70, shape: OFFICE, notFound: 0.2 };

  const tm = new Telemetry();
  const s = {
    ordersGet: tm.kvSeries("orders-get", VAULTS.orders, ORDERS),
    ordersKv: tm.dependencySeries("orders-to-kv", ORDERS_APP, VAULTS.orders.host, "Azure Key Vault", "keyvault"),
    portalGet: tm.kvSeries("portal-get", VAULTS.portal, PORTAL),
    portalKv: tm.dependencySeries("portal-to-kv", PORTAL.name, VAULTS.portal.host, "Azure Key Vault", "keyvault"),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const o = healthy(orders, t);
    const ok = Math.round((o.succeeded ?? 0) * burst(ORDERS_APP, t));
    tm.kv(t, s.ordersGet, { succeeded: ok });
    tm.dependency(t, s.ordersKv, { succeeded: ok });
    const p = healthy(portal, t);
    const pOk = Math.round((p.succeeded ?? 0) * burst(PORTAL.name, t));
    tm.kv(t, s.portalGet, { succeeded: pOk, other: p.other ?? 0 });
    tm.dependency(t, s.portalKv, { succeeded: pOk, otherFailures: p.other ?? 0 });
  }

  const planWrite = (when: number): ActivityInput => ({
    at: iso(when),
    operation: "Microsoft.Web/serverfarms/write",
    scope: PLAN,
    caller: "orders-team@contoso.com",
  });
  return scenario({
    name: "challenge-at-every-start",
    description:
      "A healthy morning with many cold starts: func-orders' plan scales from 4 to 12 instances at 09:40 UTC, func-orders is deployed at 10:30 (twelve restarts) " +
      "and scaled back to 4 at 11:30, and app-portal's three instances restart at 12:10. Every Key Vault client sends the SDK's token-less challenge when it " +
      "starts: a 401 Authentication with no identity on the vault, and a 401 dependency call retried with a token in the same operation. Nothing to page on.",
    start: at("09:00"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: ORDERS_APP, identities: [ORDERS], critical: true, hasFallback: false },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
      ]),
    },
    telemetry: tm,
    activity: [planWrite(scaleOut), planWrite(scaleIn)],
    clients: [
      { app: ORDERS_APP, vault: VAULTS.orders, appInsights: true, instances: 4 },
      { app: PORTAL.name, vault: VAULTS.portal, appInsights: true, instances: 3 },
    ],
    coldStarts: starts,
    noise: [
      // The maintenance restart is an action on the site, not a configuration change.
      {
        kind: "activity",
        at: iso(portalRestart - 60_000),
        operation: "Microsoft.Web/sites/restart/action",
        scope: siteId("rg-portal-prod", PORTAL.name),
        caller: "AppServiceMaintenance",
      },
    ],
    incidents: [],
  });
}
