import {
  AUDIT_TABLES,
  controlPlaneConfig,
  monitorConfig,
  roleChange,
  scenario,
  snapshot,
  type CorpusStory,
} from "./config.js";
import { between, binShare, binsBetween, IDENTITIES, INVOICES_IDENTITY, OFFICE, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, split, type Caller } from "./traffic.js";

const INVOICES = INVOICES_IDENTITY;
const BILLING = IDENTITIES.billing;
const KV = VAULTS.billing;
const APP = "func-invoices";

/**
 * Functions playbook H3 ("RBAC propagation delay", decision flow: "Allow 5-10 minutes, then
 * re-test") for an identity that never had access: a role granted for the first time. On
 * Wednesday 2026-04-22 the billing team ships a new app, func-invoices, with a new user-assigned
 * identity, id-func-invoices. The deploy pipeline grants it Key Vault Secrets User on
 * kv-billing-prod at 10:20 and starts the app at 10:21; the assignment has not reached Key Vault's
 * front-ends yet, so its reads are denied (403, RBAC) until 10:27 — six minutes, inside the
 * playbook's window — and succeed from then on. Its queue trigger retries a denied message, so
 * denied reads count 1.5 times. func-billing reads the same vault all day, unaffected.
 */
export function firstGrantPropagating(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-04-22T${hhmm}`);
  const historyFrom = utc("2026-04-20T00:00");
  const end = at("12:00");
  const granted = at("10:20");
  const firstCall = at("10:21");
  const lastDenied = at("10:27");
  const denied = between(firstCall, lastDenied);

  const billing: Caller = { key: "billing/kv-billing-prod", peak: 60, shape: OFFICE, notFound: 0.2 };
  // A new app: its instances read every secret as they start, then refresh their cache.
  const invoices: Caller = { key: "invoices/kv-billing-prod", peak: 30, shape: OFFICE };

  const tm = new Telemetry();
  const s = {
    billingGet: tm.kvSeries("billing-get", KV, BILLING),
    invoicesGet: tm.kvSeries("invoices-get", KV, INVOICES),
  };
  for (const t of binsBetween(historyFrom, end)) {
    tm.kv(t, s.billingGet, healthy(billing, t));
    // The bin of the first call holds only the minutes from it on.
    const running = binShare(t, (ms) => (ms >= firstCall ? 1 : 0));
    if (running === 0) continue;
    const { ok, failed } = split(Math.round(requests(invoices, t) * running), binShare(t, denied) / running, 1.5);
    tm.kv(t, s.invoicesGet, { succeeded: ok, forbiddenRbac: failed });
  }

  const grants = [{ vault: KV, principalId: BILLING.objectId }];
  const vaults = [{ vault: KV, properties: { enableRbacAuthorization: true } }];
  return scenario({
    name: "first-grant-propagating",
    description:
      "A new app, func-invoices, with a new user-assigned identity id-func-invoices: the deploy pipeline grants it Key Vault Secrets User on kv-billing-prod at 10:20 UTC " +
      "(its first access ever) and starts the app at 10:21. Its reads are denied (403, RBAC) while the assignment propagates, until 10:27, then succeed. " +
      "func-billing reads the same vault, unaffected. Nothing to page on: the playbook's wait of 5-10 minutes, not an incident.",
    start: at("10:00"),
    end,
    tables: AUDIT_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: BILLING.name, identities: [BILLING], critical: true, hasFallback: true },
        { name: APP, identities: [INVOICES], critical: true, hasFallback: false },
      ]),
      // The expectations as written before the new app: its grant is not in them yet.
      CONTROL_PLANE_CONFIG: controlPlaneConfig([KV], [{ identity: BILLING, expect: [KV] }]),
    },
    telemetry: tm,
    activity: [roleChange(granted, "write", KV, INVOICES.objectId, "deploy-pipeline@contoso.com")],
    controlPlane: [
      snapshot(historyFrom, vaults, grants),
      snapshot(granted, vaults, [...grants, { vault: KV, principalId: INVOICES.objectId }]),
    ],
    clients: [
      { app: BILLING.name, vault: KV, appInsights: false, instances: 2 },
      { app: APP, vault: KV, appInsights: false, instances: 2, from: firstCall },
    ],
    coldStarts: [{ at: firstCall, app: APP }],
    incidents: [],
  });
}
