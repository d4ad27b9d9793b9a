import { appException } from "../../emulator/records/app-insights.js";
import type { RecordEntryInput } from "../../scenario/format-v2.js";
import { APP_TABLES, monitorConfig, scenario, siteIdentityWrite, truth, type CorpusStory } from "./config.js";
import { between, binShare, binsBetween, IDENTITIES, iso, MINUTE, OFFICE, siteId, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, type Caller } from "./traffic.js";

const NOTIFY = IDENTITIES.notify;
const PORTAL = IDENTITIES.portal;
const KV = VAULTS.shared;
const APP = "func-notify";
const SITE = siteId("rg-shared-prod", APP);
const FUNCTION = "SendNotification";

/**
 * What the App Service identity endpoint answers for a client ID that is not attached to the app,
 * as Azure.Identity quotes it (Azure/azure-sdk-for-net#43691; the same text as detached-uami's).
 */
const UAMI_NOT_FOUND =
  'ManagedIdentityCredential authentication failed: Service request failed. Status: 400 (Bad Request) Content: {"statusCode":400,"message":"Unable to load the proper Managed Identity.","correlationId":"5d0c6f3e-8a21-4b7e-9c54-2f1a7e9b0c36"}';

/** The exception a failed invocation leaves in AppExceptions: the host's wrapper outside, the credential's error innermost. */
function exceptionColumns(at: number): Record<string, unknown> {
  const { TimeGenerated: _time, ...columns } = appException({
    at: new Date(at),
    appRoleName: APP,
    type: "Azure.Identity.AuthenticationFailedException",
    outerMessage: `Exception while executing function: Functions.${FUNCTION}`,
    innermostMessage: UAMI_NOT_FOUND,
    operationName: FUNCTION,
  });
  return columns;
}

/**
 * The Functions playbook's H1 ("expected user identity absent") when the app logs nothing itself.
 * On Thursday 2026-03-26 at 09:30 a Terraform apply by terraform-ci@contoso.com rewrites
 * func-notify's site without its userAssignedIdentities block (Microsoft.Web/sites/write),
 * detaching id-func-notify. func-notify's code catches no credential error and writes no trace:
 * each invocation that needs a secret throws, and the Functions host records the exception in
 * AppExceptions (Functions analyze-telemetry-data.md: what functions throw goes to exceptions, not
 * traces), the credential's "Unable to load the proper Managed Identity." innermost. Its Key Vault
 * reads go out without a token (401, no caller; the App Insights dependency call fails with no
 * retry). The first 401 is at 09:31; at 10:12 the platform team re-applies the identity block
 * (another site write) and the last 401 is at 10:12. app-portal reads the same vault unaffected.
 */
export function exceptionOnlyCredential(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-26T${hhmm}`);
  const historyFrom = utc("2026-03-24T00:00");
  const end = at("11:15");
  const detached = at("09:30");
  const firstDenied = at("09:31");
  const reattached = at("10:12");
  const lastDenied = at("10:12");
  const tokenless = between(firstDenied, lastDenied + MINUTE);

  const notify: Caller = { key: "notify/kv-shared-prod", peak: 110, shape: OFFICE };
  const portal: Caller = { key: "portal/kv-shared-prod", peak: 35, shape: OFFICE, notFound: 0.1 };

  const tm = new Telemetry();
  const s = {
    notifyGet: tm.kvSeries("notify-get", KV, NOTIFY),
    anonymousGet: tm.kvSeries("anonymous-get", KV, undefined),
    portalGet: tm.kvSeries("portal-get", KV, PORTAL),
    notifyKv: tm.dependencySeries("notify-to-kv", APP, KV.host, "Azure Key Vault", "keyvault"),
    notifyEmail: tm.dependencySeries(
      "notify-to-acs",
      APP,
      "acs-notify-prod.europe.communication.azure.com",
      "HTTP",
      "other",
    ),
  };
  const exceptions: RecordEntryInput[] = [];
  for (const t of binsBetween(historyFrom, end)) {
    const n = requests(notify, t);
    const down = binShare(t, tokenless);
    // Queue-triggered: a message whose invocation threw is redelivered, so failed reads count 1.5 times.
    const failed = Math.round(n * down * 1.5);
    const ok = Math.round(n * (1 - down));
    tm.kv(t, s.notifyGet, { succeeded: ok });
    tm.kv(t, s.anonymousGet, { unauthorized: failed });
    tm.dependency(t, s.notifyKv, { succeeded: ok, unauthorized: failed });
    tm.dependency(t, s.notifyEmail, { succeeded: Math.round(ok * 0.8) });
    // One exception per failed invocation, in the bin of its failed read.
    if (failed > 0)
      exceptions.push({ kind: "raw", table: "AppExceptions", at: iso(t), count: failed, columns: exceptionColumns(t) });
    tm.kv(t, s.portalGet, healthy(portal, t));
  }

  return scenario({
    name: "exception-only-credential",
    description:
      "A Terraform apply at 09:30 UTC detaches id-func-notify from func-notify (Microsoft.Web/sites/write). func-notify logs no trace: each failing invocation's " +
      "credential error ('Unable to load the proper Managed Identity.') is only in AppExceptions, and its Key Vault reads go out without a token (401, no caller) " +
      "from 09:31. The identity block is re-applied at 10:12; the last 401 is at 10:12. app-portal reads the same vault unaffected.",
    start: at("09:10"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: APP, identities: [NOTIFY], critical: false, hasFallback: false },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
      ]),
    },
    telemetry: tm,
    activity: [
      siteIdentityWrite(detached, SITE, "terraform-ci@contoso.com"),
      siteIdentityWrite(reattached, SITE, "terraform-ci@contoso.com"),
    ],
    clients: [
      { app: APP, vault: KV, appInsights: true, instances: 2 },
      { app: PORTAL.name, vault: KV, appInsights: false, instances: 3 },
    ],
    coldStarts: [
      { at: detached, app: APP },
      { at: reattached, app: APP },
    ],
    noise: exceptions,
    incidents: [
      truth({
        name: "notify-uami-detached-exceptions-only",
        onset: firstDenied,
        recovered: lastDenied,
        hypothesis: "H1",
        severity: "SEV-2",
        vault: KV.name,
        identity: NOTIFY.name,
        note: "func-notify is not critical (notifications wait in the queue and go out late), but it has lost access outright until the identity is re-attached",
      }),
    ],
  });
}
