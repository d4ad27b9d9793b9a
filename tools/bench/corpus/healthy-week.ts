import {
  APP_TABLES,
  controlPlaneConfig,
  monitorConfig,
  roleChange,
  scenario,
  siteIdentityWrite,
  snapshot,
  type Grant,
  type CorpusStory,
} from "./config.js";
import {
  BIN,
  binsBetween,
  DAY,
  HOUR,
  IDENTITIES,
  iso,
  MINUTE,
  OFFICE,
  ROLE,
  roleDefinitionId,
  SHOPPING,
  siteId,
  sparse,
  unit,
  utc,
  VAULTS,
  type DailyShape,
  type Identity,
  type Vault,
} from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, type Caller } from "./traffic.js";

const { orders: ORDERS, ordersCanary: CANARY, billing: BILLING, portal: PORTAL, reports: REPORTS } = IDENTITIES;

/** Cache refreshes follow the instance count, which follows the day only halfway. */
const CACHED: DailyShape = { ...OFFICE, night: 0.55 };

/** A deploy or restart of an app: its instances start cold and read all their secrets again. */
interface Restart {
  at: number;
  app: "orders" | "billing" | "portal";
}

/**
 * A week with nothing wrong, for false positives: four apps, five identities, four vaults, with
 * daily and weekly seasonality, weekday deploys (each a short burst of secret reads as instances
 * start cold, and a few 401s without a caller), two platform restarts at the weekend, and two new
 * identities granted access mid-week that start calling once their role is in place.
 */
export function healthyWeek(): CorpusStory {
  const day = (d: number, hhmm: string) => utc(`2026-04-${String(d).padStart(2, "0")}T${hhmm}`);
  const historyFrom = day(11, "00:00");
  const start = day(13, "00:00");
  const end = day(20, "00:00");
  const canaryGranted = day(15, "11:20");
  const reportsOnPortalGranted = day(17, "10:40");

  const restarts: Restart[] = [
    // func-orders ships every weekday at 10:15, func-billing Monday, Wednesday and Friday at
    // 09:05, app-portal Tuesday and Thursday at 14:30; App Service maintenance restarts two apps at the weekend.
    ...[13, 14, 15, 16, 17].map((d) => ({ at: day(d, "10:15"), app: "orders" as const })),
    ...[13, 15, 17].map((d) => ({ at: day(d, "09:05"), app: "billing" as const })),
    ...[14, 16].map((d) => ({ at: day(d, "14:30"), app: "portal" as const })),
    { at: day(18, "03:40"), app: "orders" },
    { at: day(19, "04:10"), app: "portal" },
  ];
  // Cold instances read every secret: three times the usual reads in the restart's bin, 1.8 in the next.
  const burst = (app: Restart["app"], t: number) => {
    const r = restarts.find((x) => x.app === app && t >= x.at - (x.at % BIN) && t < x.at - (x.at % BIN) + 2 * BIN);
    return !r ? 1 : t < r.at - (r.at % BIN) + BIN ? 3 : 1.8;
  };
  const restartedIn = (app: Restart["app"], t: number) =>
    restarts.some((r) => r.app === app && r.at >= t && r.at < t + BIN);

  const callers = {
    orders: { key: "orders/kv-orders-prod", peak: 240, shape: SHOPPING },
    canary: { key: "canary/kv-orders-prod", peak: 12, shape: SHOPPING },
    billing: { key: "billing/kv-billing-prod", peak: 60, shape: OFFICE, notFound: 0.2 },
    billingList: { key: "billing/kv-billing-prod/list", peak: 4, shape: OFFICE },
    billingOnOrders: { key: "billing/kv-orders-prod", peak: 30, shape: OFFICE, notFound: 0.1 },
    portal: { key: "portal/kv-portal-prod", peak: 60, shape: CACHED, notFound: 0.1 },
    reportsOnPortal: { key: "reports/kv-portal-prod", peak: 1, shape: OFFICE },
  } satisfies Record<string, Caller>;

  const tm = new Telemetry();
  const kv = (name: string, v: Vault, who: Identity | undefined, op = "SecretGet") => tm.kvSeries(name, v, who, op);
  const s = {
    orders: kv("orders-get", VAULTS.orders, ORDERS),
    canary: kv("canary-get", VAULTS.orders, CANARY),
    billing: kv("billing-get", VAULTS.billing, BILLING),
    billingList: kv("billing-list", VAULTS.billing, BILLING, "SecretList"),
    billingOnOrders: kv("billing-orders-get", VAULTS.orders, BILLING),
    portal: kv("portal-get", VAULTS.portal, PORTAL),
    reports: kv("reports-get", VAULTS.reports, REPORTS),
    reportsOnPortal: kv("reports-portal-get", VAULTS.portal, REPORTS),
    anonOrders: kv("anonymous-orders", VAULTS.orders, undefined),
    anonBilling: kv("anonymous-billing", VAULTS.billing, undefined),
    anonPortal: kv("anonymous-portal", VAULTS.portal, undefined),
    ordersKv: tm.dependencySeries("orders-to-kv", "func-orders", VAULTS.orders.host, "Azure Key Vault", "keyvault"),
    ordersBus: tm.dependencySeries(
      "orders-to-servicebus",
      "func-orders",
      "sb-orders-prod.servicebus.windows.net",
      "Azure Service Bus",
      "servicebus",
    ),
    portalKv: tm.dependencySeries("portal-to-kv", PORTAL.name, VAULTS.portal.host, "Azure Key Vault", "keyvault"),
  };

  const scaled = (c: Caller, t: number, factor: number) => {
    const h = healthy(c, t);
    return { succeeded: Math.round((h.succeeded ?? 0) * factor), other: h.other ?? 0 };
  };
  for (const t of binsBetween(historyFrom, end)) {
    const orders = scaled(callers.orders, t, burst("orders", t));
    tm.kv(t, s.orders, orders);
    tm.dependency(t, s.ordersKv, { succeeded: orders.succeeded });
    tm.dependency(t, s.ordersBus, { succeeded: Math.round(orders.succeeded * 1.4) });
    // The canary starts calling 40 minutes after its role is granted, when the slot is swapped in.
    if (t >= canaryGranted + 40 * MINUTE) tm.kv(t, s.canary, healthy(callers.canary, t));

    tm.kv(t, s.billing, scaled(callers.billing, t, burst("billing", t)));
    tm.kv(t, s.billingList, scaled(callers.billingList, t, burst("billing", t)));
    tm.kv(t, s.billingOnOrders, scaled(callers.billingOnOrders, t, burst("billing", t)));

    const portal = scaled(callers.portal, t, burst("portal", t));
    tm.kv(t, s.portal, portal);
    tm.dependency(t, s.portalKv, { succeeded: portal.succeeded, otherFailures: portal.other });

    tm.kv(t, s.reports, { succeeded: reportsCalls(t) });
    if (t >= reportsOnPortalGranted + 20 * MINUTE)
      tm.kv(t, s.reportsOnPortal, { succeeded: sparse(callers.reportsOnPortal.key, t, 0.5 * officeHours(t)) });

    // A client's first call after a cold start goes out before its token is ready: a few 401s
    // with no caller per restart (the token-less challenge itself is left out by the query).
    const benign = (app: Restart["app"]) =>
      restartedIn(app, t) ? 2 + Math.floor(unit(`${app}/benign-401`, t) * 4) : 0;
    tm.kv(t, s.anonOrders, { unauthorized: benign("orders") });
    tm.kv(t, s.anonBilling, { unauthorized: benign("billing") });
    tm.kv(t, s.anonPortal, { unauthorized: benign("portal") });
  }

  const vaults = [VAULTS.orders, VAULTS.billing, VAULTS.portal, VAULTS.reports];
  const grants: Grant[] = [
    { vault: VAULTS.orders, principalId: ORDERS.objectId },
    { vault: VAULTS.billing, principalId: BILLING.objectId },
    { vault: VAULTS.orders, principalId: BILLING.objectId },
    { vault: VAULTS.portal, principalId: PORTAL.objectId },
    { vault: VAULTS.reports, principalId: REPORTS.objectId },
  ];
  const withCanary = [...grants, { vault: VAULTS.orders, principalId: CANARY.objectId }];
  const withReportsOnPortal = [...withCanary, { vault: VAULTS.portal, principalId: REPORTS.objectId }];
  const shown = vaults.map((vault) => ({ vault }));
  return scenario({
    name: "healthy-week",
    description:
      "Seven healthy days (Monday 2026-04-13 to Monday 2026-04-20 UTC) after two days of history: func-orders, func-billing, app-portal and func-reports on four vaults, " +
      "with daily and weekly seasonality, weekday deploys (bursts of secret reads and a few 401s without a caller), weekend platform restarts, and two new role " +
      "assignments (id-func-orders-canary on kv-orders-prod, func-reports on kv-portal-prod) whose identities start calling once granted. Nothing to page on.",
    start,
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: "func-orders", identities: [ORDERS, CANARY], critical: true, hasFallback: false },
        { name: BILLING.name, identities: [BILLING], critical: true, hasFallback: true },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
        { name: REPORTS.name, identities: [REPORTS], critical: false, hasFallback: false },
      ]),
      // The expectations as written before the week: the two new grants are not in them yet.
      CONTROL_PLANE_CONFIG: controlPlaneConfig(vaults, [
        { identity: ORDERS, expect: [VAULTS.orders] },
        { identity: BILLING, expect: [VAULTS.billing, VAULTS.orders] },
        { identity: PORTAL, expect: [VAULTS.portal] },
        { identity: REPORTS, expect: [VAULTS.reports] },
      ]),
    },
    telemetry: tm,
    activity: [
      siteIdentityWrite(day(15, "11:10"), siteId("rg-orders-prod", "func-orders-canary"), "platform-team@contoso.com"),
      roleChange(canaryGranted, "write", VAULTS.orders, CANARY.objectId, "platform-team@contoso.com"),
      roleChange(reportsOnPortalGranted, "write", VAULTS.portal, REPORTS.objectId, "reports-team@contoso.com"),
    ],
    controlPlane: [
      snapshot(historyFrom, shown, grants),
      snapshot(canaryGranted, shown, withCanary),
      snapshot(reportsOnPortalGranted, shown, withReportsOnPortal),
    ],
    clients: [
      { app: "func-orders", vault: VAULTS.orders, appInsights: true, instances: 4 },
      {
        app: "func-orders-canary",
        vault: VAULTS.orders,
        appInsights: false,
        instances: 1,
        from: canaryGranted + 40 * MINUTE,
      },
      { app: BILLING.name, vault: VAULTS.billing, appInsights: false, instances: 2 },
      { app: BILLING.name, vault: VAULTS.orders, appInsights: false, instances: 2 },
      { app: PORTAL.name, vault: VAULTS.portal, appInsights: true, instances: 3 },
      { app: REPORTS.name, vault: VAULTS.reports, appInsights: false, instances: 1 },
      {
        app: REPORTS.name,
        vault: VAULTS.portal,
        appInsights: false,
        instances: 1,
        from: reportsOnPortalGranted + 20 * MINUTE,
      },
    ],
    coldStarts: [
      ...restarts.map((r) => ({
        at: r.at,
        app: r.app === "orders" ? "func-orders" : r.app === "billing" ? BILLING.name : PORTAL.name,
      })),
      // The canary slot swapped in, and func-reports' first read of kv-portal-prod: new clients.
      { at: canaryGranted + 40 * MINUTE, app: "func-orders-canary" },
      { at: reportsOnPortalGranted + 20 * MINUTE, app: REPORTS.name },
    ],
    // Someone without the right tries to grant themselves a role: ARM refuses, and the activity
    // log has the Start and the Failed event, neither a change that happened.
    noise: [
      {
        kind: "activity",
        at: iso(day(16, "15:05")),
        operation: "Microsoft.Authorization/roleAssignments/write",
        scope: VAULTS.billing.id,
        principalId: REPORTS.objectId,
        roleDefinitionId: roleDefinitionId(ROLE.secretsUser.guid),
        caller: "reports-team@contoso.com",
        outcome: "Failed",
      },
    ],
    incidents: [],
  });
}

/** func-reports: its hourly job's three reads at the top of every hour, and a few on-demand reports in office hours. */
function reportsCalls(t: number): number {
  const job = t % HOUR === 0 ? 3 : 0;
  return job + sparse("reports/kv-reports-prod/on-demand", t, 0.12 + 0.48 * officeHours(t));
}

/** 1 on weekdays from 07:00 to 18:00 UTC, else 0. */
function officeHours(t: number): number {
  const hour = (t % DAY) / HOUR;
  const weekday = new Date(t).getUTCDay();
  return hour >= 7 && hour < 18 && weekday !== 0 && weekday !== 6 ? 1 : 0;
}
