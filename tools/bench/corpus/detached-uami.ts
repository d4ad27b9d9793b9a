import { FUNCTIONS_TABLES, monitorConfig, scenario, siteIdentityWrite, truth, type CorpusStory } from "./config.js";
import { between, binShare, binsBetween, IDENTITIES, MINUTE, OFFICE, sparse, siteId, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, type Caller } from "./traffic.js";

const PAYMENTS = IDENTITIES.payments;
const PORTAL = IDENTITIES.portal;
const KV = VAULTS.payments;
const APP = "func-payments";
const SITE = siteId("rg-payments-prod", APP);
const TRIGGER = "PaymentsQueueTrigger";

/**
 * The Functions playbook's H1 trace for a user-assigned identity the app no longer has: the App
 * Service identity endpoint answers 400 "Unable to load the proper Managed Identity." for a client
 * ID that is not attached, and Azure.Identity quotes it (Azure/azure-sdk-for-net#43691).
 */
const ENDPOINT_400 = `Service request failed. Status: 400 (Bad Request) Content: {"statusCode":400,"message":"Unable to load the proper Managed Identity.","correlationId":"bf68136a-73f7-4ca4-9903-9ee8af3ab2ee"}`;
const UAMI_NOT_FOUND = `ManagedIdentityCredential authentication failed: ${ENDPOINT_400}`;
const LISTENER = `The listener for function 'Functions.${TRIGGER}' was unable to start. Azure.Identity.AuthenticationFailedException: ManagedIdentityCredential authentication failed: ${ENDPOINT_400}`;

/** Share of func-payments' Key Vault reads made by the Service Bus trigger; the rest come from its HTTP API and timer. */
const QUEUE_SHARE = 0.6;

/**
 * Functions playbook H1 ("expected user identity absent"; "If only user-assigned identity errors
 * appear, validate that the exact user-assigned identity resource ID is attached to the app") and
 * its listener start-up signal. At 15:10 a platform redeploy of func-payments from a template
 * without its userAssignedIdentities block detaches id-func-payments (Microsoft.Web/sites/write).
 * The host restarts; from 15:11 every token request fails with "Unable to load the proper Managed Identity",
 * the Service Bus trigger's listener cannot start (so queue-driven reads stop and payments pile up
 * in the queue), and the HTTP API and timer call kv-payments-prod without a token (401, no caller).
 * On-call re-attaches the identity at 15:52 (another site write); the last 401 is at 15:52 and the
 * backlog drains over the next twenty minutes.
 */
export function detachedUami(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-20T${hhmm}`);
  const historyFrom = utc("2026-03-18T00:00");
  const end = at("17:00");
  const detached = at("15:10");
  const firstDenied = at("15:11");
  const reattached = at("15:52");
  const lastDenied = at("15:52");
  const tokenless = between(firstDenied, lastDenied + MINUTE);
  // The backlog that piled up while the listener was down, drained at 1.8 times the usual rate.
  const draining = between(lastDenied + MINUTE, at("16:15"));

  const payments: Caller = { key: "payments/kv-payments-prod", peak: 150, shape: OFFICE };
  const portal: Caller = { key: "portal/kv-payments-prod", peak: 25, shape: OFFICE, notFound: 0.05 };

  const tm = new Telemetry();
  const s = {
    paymentsGet: tm.kvSeries("payments-get", KV, PAYMENTS),
    anonymousGet: tm.kvSeries("anonymous-get", KV, undefined),
    portalGet: tm.kvSeries("portal-get", KV, PORTAL),
    paymentsKv: tm.dependencySeries("payments-to-kv", APP, KV.host, "Azure Key Vault", "keyvault"),
    paymentsBus: tm.dependencySeries(
      "payments-to-servicebus",
      APP,
      "sb-payments-prod.servicebus.windows.net",
      "Azure Service Bus",
      "servicebus",
    ),
    paymentsPsp: tm.dependencySeries("payments-to-psp", APP, "api.psp.contoso-payments.net", "HTTP", "other"),
    notFound: tm.traceSeries("payments-uami-not-found", APP, "uami-not-found"),
    listener: tm.startupSeries("payments-listener", APP, TRIGGER),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const n = requests(payments, t);
    const down = binShare(t, tokenless);
    const backlog = binShare(t, draining);
    // While the identity is gone the queue path makes no calls; the HTTP API and timer still try.
    const anonymous = Math.round(n * (1 - QUEUE_SHARE) * down);
    const ok = Math.round(n * (1 - down) * (1 + 0.8 * backlog * QUEUE_SHARE));
    tm.kv(t, s.paymentsGet, { succeeded: ok });
    tm.kv(t, s.anonymousGet, { unauthorized: anonymous });
    tm.dependency(t, s.paymentsKv, { succeeded: ok, unauthorized: anonymous });
    tm.dependency(t, s.paymentsBus, { succeeded: Math.round(ok * QUEUE_SHARE * 1.2) });
    tm.dependency(t, s.paymentsPsp, { succeeded: Math.round(ok * 0.5) });
    tm.trace(t, s.notFound, anonymous, UAMI_NOT_FOUND);
    // The host retries a listener that failed to start about every two minutes.
    tm.startup(t, s.listener, down > 0 ? sparse(`${APP}/listener`, t, 2.5 * down) : 0, LISTENER);
    const p = healthy(portal, t);
    tm.kv(t, s.portalGet, p);
  }

  return scenario({
    name: "detached-uami",
    description:
      "A platform redeploy at 15:10 UTC detaches the user-assigned identity id-func-payments from func-payments (Microsoft.Web/sites/write). From 15:11 tokens fail " +
      "with 'Unable to load the proper Managed Identity', the Service Bus trigger's listener cannot start and the API calls kv-payments-prod without a token (401, no caller). " +
      "On-call re-attaches the identity at 15:52; the last 401 is at 15:52.",
    start: at("14:50"),
    end,
    tables: FUNCTIONS_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: APP, identities: [PAYMENTS], critical: true, hasFallback: false },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
      ]),
    },
    telemetry: tm,
    activity: [
      siteIdentityWrite(detached, SITE, "platform-pipeline@contoso.com"),
      siteIdentityWrite(reattached, SITE, "oncall@contoso.com"),
    ],
    clients: [
      { app: APP, vault: KV, appInsights: true, instances: 2 },
      { app: PORTAL.name, vault: KV, appInsights: false, instances: 3 },
    ],
    coldStarts: [
      { at: detached, app: APP },
      { at: reattached, app: APP },
    ],
    incidents: [
      truth({
        name: "payments-uami-detached",
        onset: firstDenied,
        recovered: lastDenied,
        hypothesis: "H1",
        severity: "SEV-1",
        vault: KV.name,
        identity: PAYMENTS.name,
        note: "the payments trigger pipeline is down (playbook: production trigger pipeline blocked by auth errors is SEV-1)",
      }),
    ],
  });
}
