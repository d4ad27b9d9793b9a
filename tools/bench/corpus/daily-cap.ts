import { dailyCapReached } from "../../emulator/records/operation.js";
import type { RecordEntryInput } from "../../scenario/format-v2.js";
import { APP_TABLES, monitorConfig, scenario, truth, type CorpusStory } from "./config.js";
import { binsBetween, IDENTITIES, iso, OFFICE, SHOPPING, utc, VAULTS, WORKSPACE_RESOURCE_ID } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, type Caller } from "./traffic.js";

const ORDERS = IDENTITIES.orders;
const BILLING = IDENTITIES.billing;
const ORDERS_KV = VAULTS.orders;
const BILLING_KV = VAULTS.billing;
const ORDERS_APP = "func-orders";

/**
 * The workspace's daily cap (learn.microsoft.com/azure/azure-monitor/logs/daily-cap, "How the
 * daily cap works"): once reached, collection of billable data stops "for the rest of the day",
 * an event is written to the Operation table, and "data collection resumes at the reset time",
 * an hour of the day that differs per workspace and cannot be configured. On Tuesday 2026-03-24
 * func-orders' 09:00 release leaves debug logging on; its traces fill the day's cap at 13:40.
 * From then on nothing billable reaches the workspace — Key Vault's AuditEvent, Application
 * Insights — while every app keeps working; the activity log and the Operation table are free and
 * keep arriving. The workspace's reset hour is 15:00, when ingestion resumes. No Key Vault
 * incident happens meanwhile (none would be visible anyway).
 */
export function dailyCap(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-24T${hhmm}`);
  const historyFrom = utc("2026-03-22T00:00");
  const end = at("16:30");
  const release = at("09:00");
  const capReached = at("13:40");
  const reset = at("15:00");

  const orders: Caller = { key: "orders/kv-orders-prod", peak: 240, shape: SHOPPING };
  const billing: Caller = { key: "billing/kv-billing-prod", peak: 60, shape: OFFICE, notFound: 0.1 };

  const tm = new Telemetry();
  const s = {
    ordersGet: tm.kvSeries("orders-get", ORDERS_KV, ORDERS),
    billingGet: tm.kvSeries("billing-get", BILLING_KV, BILLING),
    ordersKv: tm.dependencySeries("orders-to-kv", ORDERS_APP, ORDERS_KV.host, "Azure Key Vault", "keyvault"),
    billingKv: tm.dependencySeries("billing-to-kv", BILLING.name, BILLING_KV.host, "Azure Key Vault", "keyvault"),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const o = healthy(orders, t);
    tm.kv(t, s.ordersGet, o);
    tm.dependency(t, s.ordersKv, { succeeded: o.succeeded ?? 0 });
    const b = healthy(billing, t);
    tm.kv(t, s.billingGet, b);
    tm.dependency(t, s.billingKv, { succeeded: b.succeeded ?? 0, otherFailures: b.other ?? 0 });
  }

  const { TimeGenerated: _time, ...capColumns } = dailyCapReached(new Date(capReached), WORKSPACE_RESOURCE_ID);
  const noise: RecordEntryInput[] = [
    // The debug traces that fill the cap: what the release left switched on.
    {
      kind: "app-trace",
      appRoleName: ORDERS_APP,
      message: "Executing 'Functions.ProcessOrder' (Reason='New ServiceBus message detected', Id=debug)",
      severityLevel: 0,
      at: iso(release),
      every: 1,
      until: iso(end),
      count: 400,
    },
    { kind: "raw", table: "Operation", at: iso(capReached), columns: capColumns },
  ];

  return scenario({
    name: "daily-cap",
    description:
      "func-orders' 09:00 UTC release leaves debug logging on and the workspace reaches its daily cap at 13:40 (Operation: OverQuota). Billable data " +
      "(Key Vault AuditEvent, Application Insights) is not collected until the workspace's daily reset at 15:00, while every app keeps working; " +
      "the activity log is free and keeps arriving. The monitor is blind from 13:40 to 15:00.",
    start: at("13:00"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: ORDERS_APP, identities: [ORDERS], critical: true, hasFallback: false },
        { name: BILLING.name, identities: [BILLING], critical: true, hasFallback: true },
      ]),
    },
    telemetry: tm,
    clients: [
      { app: ORDERS_APP, vault: ORDERS_KV, appInsights: true, instances: 3 },
      { app: BILLING.name, vault: BILLING_KV, appInsights: true, instances: 2 },
    ],
    coldStarts: [{ at: release, app: ORDERS_APP }],
    noise,
    stops: [{ from: iso(capReached), until: iso(reset) }],
    incidents: [
      truth({
        name: "workspace-daily-cap",
        subject: "monitor",
        onset: capReached,
        recovered: reset,
        hypothesis: "none",
        severity: "SEV-2",
        note: "the monitor sees no Key Vault data from the cap to the reset: every vault is unwatched, which must page and name the daily cap",
      }),
    ],
  });
}
