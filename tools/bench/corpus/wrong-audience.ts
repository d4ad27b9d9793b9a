import { APP_TABLES, monitorConfig, scenario, truth, type CorpusStory } from "./config.js";
import { between, binShare, binsBetween, IDENTITIES, MINUTE, OFFICE, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, split, type Caller } from "./traffic.js";

const NOTIFY = IDENTITIES.notify;
const PORTAL = IDENTITIES.portal;
const KV = VAULTS.shared;
const APP = "func-notify";

/** What Entra ID answers a token request for an audience that does not exist (Functions playbook, H5). */
const AADSTS500011 =
  "ManagedIdentityCredential authentication failed. AADSTS500011: The resource principal named https://vault.azure.com was not found in the tenant named Contoso. " +
  "This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.";

/**
 * Functions playbook H5 ("AADSTS500011 or invalid audience trace errors") and the Container Apps
 * playbook's "Wrong audience in SDK config". Release 2026.03.11 of func-notify, deployed at 14:05,
 * moves its Key Vault reads to a shared token helper that takes the audience from a new setting,
 * set to https://vault.azure.com (a typo for vault.azure.net). Entra ID refuses that audience
 * (AADSTS500011, logged on every attempt); the helper then falls back to its default ARM token,
 * which Key Vault rejects with 401 (the caller is known, the audience is wrong). The first 401 is
 * at 14:06, once the new workers serve; the release is rolled back at 14:48, the last 401 at 14:49.
 * app-portal reads the same vault throughout, unaffected. No AzureActivity record: a code deploy
 * is not a control-plane change.
 */
export function wrongAudience(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-11T${hhmm}`);
  const historyFrom = utc("2026-03-09T00:00");
  const end = at("16:00");
  const firstDenied = at("14:06");
  const lastDenied = at("14:49");
  const denied = between(firstDenied, lastDenied + MINUTE);

  const notify: Caller = { key: "notify/kv-shared-prod", peak: 110, shape: OFFICE };
  const portal: Caller = { key: "portal/kv-shared-prod", peak: 35, shape: OFFICE, notFound: 0.1 };

  const tm = new Telemetry();
  const s = {
    notifyGet: tm.kvSeries("notify-get", KV, NOTIFY),
    portalGet: tm.kvSeries("portal-get", KV, PORTAL),
    notifyKv: tm.dependencySeries("notify-to-kv", APP, KV.host, "Azure Key Vault", "keyvault"),
    notifyEmail: tm.dependencySeries(
      "notify-to-acs",
      APP,
      "acs-notify-prod.europe.communication.azure.com",
      "HTTP",
      "other",
    ),
    portalKv: tm.dependencySeries("portal-to-kv", PORTAL.name, KV.host, "Azure Key Vault", "keyvault"),
    audience: tm.traceSeries("notify-invalid-audience", APP, "invalid-audience"),
  };
  for (const t of binsBetween(historyFrom, end)) {
    // Notifications are queue-triggered: a message whose secret read failed is redelivered.
    const { ok, failed } = split(requests(notify, t), binShare(t, denied), 1.5);
    tm.kv(t, s.notifyGet, { succeeded: ok, unauthorized: failed });
    tm.dependency(t, s.notifyKv, { succeeded: ok, unauthorized: failed });
    // One email per notification that got its secrets (the sender key is one of them).
    tm.dependency(t, s.notifyEmail, { succeeded: Math.round(ok * 0.8) });
    // The helper logs AADSTS500011 each time it asks for the wrong audience: once per failed read.
    tm.trace(t, s.audience, failed, AADSTS500011);
    const p = healthy(portal, t);
    tm.kv(t, s.portalGet, p);
    tm.dependency(t, s.portalKv, { succeeded: p.succeeded ?? 0, otherFailures: p.other ?? 0 });
  }

  return scenario({
    name: "wrong-audience",
    description:
      "func-notify's release at 14:05 UTC requests Key Vault tokens for https://vault.azure.com (a typo): Entra ID answers AADSTS500011 and the helper falls back " +
      "to an ARM token that Key Vault rejects with 401. First 401 at 14:06, rollback at 14:48, last 401 at 14:49. app-portal, on the same vault, is unaffected.",
    start: at("13:45"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: APP, identities: [NOTIFY], critical: false, hasFallback: false },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
      ]),
    },
    telemetry: tm,
    clients: [
      { app: APP, vault: KV, appInsights: true, instances: 2 },
      { app: PORTAL.name, vault: KV, appInsights: true, instances: 3 },
    ],
    // The release and the rollback each restart func-notify's instances.
    coldStarts: [
      { at: at("14:05"), app: APP },
      { at: at("14:48"), app: APP },
    ],
    incidents: [
      truth({
        name: "notify-wrong-token-audience",
        onset: firstDenied,
        recovered: lastDenied,
        hypothesis: "H5",
        severity: "SEV-2",
        vault: KV.name,
        identity: NOTIFY.name,
        note: "func-notify is not critical (notifications wait in the queue), but it has lost access outright until the rollback",
      }),
    ],
  });
}
