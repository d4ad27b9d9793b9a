import { diagnosticSettingChange } from "../../emulator/records/activity.js";
import type { RecordEntryInput } from "../../scenario/format-v2.js";
import { APP_TABLES, monitorConfig, scenario, truth, type CorpusStory } from "./config.js";
import { between, binShare, binsBetween, IDENTITIES, iso, MINUTE, OFFICE, SHOPPING, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, type Caller } from "./traffic.js";

const BILLING = IDENTITIES.billing;
const ORDERS = IDENTITIES.orders;
const KV = VAULTS.billing;
const OTHER_KV = VAULTS.orders;
const ORDERS_APP = "func-orders";
/** The vault's one diagnostic setting, sending AuditEvent to the workspace. */
const SETTING = "kv-billing-prod-audit";

/** One activity-log change to the setting, as the activity record builder writes it. */
function settingChange(at: number, action: "delete" | "write", caller: string): RecordEntryInput {
  const c = diagnosticSettingChange({ at: new Date(at), vault: KV.id, setting: SETTING, caller, action });
  return {
    kind: "activity",
    at: iso(at),
    operation: c.operation,
    scope: c.scope,
    caller: c.caller,
    resourceId: c.resourceId!,
  };
}

/**
 * A deleted diagnostic setting (the workspace-side blind spot of docs/adr/0014-vault-silence.md).
 * On Wednesday 2026-03-25 at 10:20 a cost-reduction script run by finops-automation@contoso.com
 * deletes kv-billing-prod's only diagnostic setting, taking it for a duplicate
 * (MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE on the setting's ID). From then on the vault
 * logs nothing to the workspace, although func-billing keeps reading it as always (its
 * Application Insights dependency calls show them succeeding). kv-orders-prod keeps logging.
 * On-call re-creates the setting at 11:35 (DIAGNOSTICSETTINGS/WRITE); the vault's AuditEvent
 * rows are back from 11:40.
 */
export function diagnosticSettingDeleted(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-25T${hhmm}`);
  const historyFrom = utc("2026-03-23T00:00");
  const end = at("12:30");
  const deleted = at("10:20");
  const recreated = at("11:35");
  const logsBack = at("11:40");
  const unlogged = between(deleted, logsBack);

  const billing: Caller = { key: "billing/kv-billing-prod", peak: 60, shape: OFFICE, notFound: 0.1 };
  const orders: Caller = { key: "orders/kv-orders-prod", peak: 240, shape: SHOPPING };

  const tm = new Telemetry();
  const s = {
    billingGet: tm.kvSeries("billing-get", KV, BILLING),
    billingKv: tm.dependencySeries("billing-to-kv", BILLING.name, KV.host, "Azure Key Vault", "keyvault"),
    ordersGet: tm.kvSeries("orders-get", OTHER_KV, ORDERS),
    ordersKv: tm.dependencySeries("orders-to-kv", ORDERS_APP, OTHER_KV.host, "Azure Key Vault", "keyvault"),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const b = healthy(billing, t);
    // The calls happen all along; only the vault's log of them is missing while no setting sends it.
    const logged = 1 - binShare(t, unlogged);
    tm.kv(t, s.billingGet, {
      succeeded: Math.round((b.succeeded ?? 0) * logged),
      other: Math.round((b.other ?? 0) * logged),
    });
    tm.dependency(t, s.billingKv, { succeeded: b.succeeded ?? 0, otherFailures: b.other ?? 0 });
    const o = healthy(orders, t);
    tm.kv(t, s.ordersGet, o);
    tm.dependency(t, s.ordersKv, { succeeded: o.succeeded ?? 0 });
  }

  return scenario({
    name: "diagnostic-setting-deleted",
    description:
      "At 10:20 UTC finops-automation@contoso.com deletes kv-billing-prod's only diagnostic setting (kv-billing-prod-audit); the vault logs nothing to the " +
      "workspace from then on while func-billing keeps reading it. On-call re-creates the setting at 11:35 and the vault's AuditEvent rows are back from 11:40. " +
      "kv-orders-prod keeps logging throughout.",
    start: at("10:00"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: BILLING.name, identities: [BILLING], critical: true, hasFallback: true },
        { name: ORDERS_APP, identities: [ORDERS], critical: true, hasFallback: false },
      ]),
    },
    telemetry: tm,
    clients: [
      { app: BILLING.name, vault: KV, appInsights: true, instances: 2 },
      { app: ORDERS_APP, vault: OTHER_KV, appInsights: true, instances: 3 },
    ],
    noise: [
      settingChange(deleted, "delete", "finops-automation@contoso.com"),
      settingChange(recreated, "write", "oncall@contoso.com"),
    ],
    incidents: [
      truth({
        name: "kv-billing-audit-setting-deleted",
        subject: "monitor",
        onset: deleted,
        recovered: logsBack - MINUTE,
        hypothesis: "none",
        severity: "SEV-3",
        vault: KV.name,
        note: "the monitor cannot see kv-billing-prod while no setting sends its AuditEvent; func-billing works throughout, so nobody is affected but the watch",
      }),
    ],
  });
}
