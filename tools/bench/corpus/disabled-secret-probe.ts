import { APP_TABLES, monitorConfig, scenario, type CorpusStory } from "./config.js";
import { binsBetween, IDENTITIES, iso, OFFICE, utc, VAULTS, type DailyShape } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, type Caller } from "./traffic.js";

const PORTAL = IDENTITIES.portal;
const KV = VAULTS.portal;
const APP = PORTAL.name;

/** Cache refreshes follow the instance count, which follows the day only halfway (as in healthy-week). */
const CACHED: DailyShape = { ...OFFICE, night: 0.55 };

/** app-portal's instances, each running the health check. */
const INSTANCES = 3;
/** The health check runs once a minute on each instance: five reads of the old secret per instance per bin. */
const PROBES_PER_BIN = 5 * INSTANCES;

/**
 * A 403 that is no access problem (Key Vault Not Working?, soft delete and object state; Key Vault
 * answers "Operation get is not allowed on a disabled secret.", inner code SecretDisabled,
 * Azure/azure-sdk-for-js issue 24756). On Thursday 2026-04-23 at 08:00 the security team rotates
 * app-portal's SMTP password and disables the old secret, as their runbook says (a Bicep deploy
 * that sets the old secret's `attributes.enabled` to false: `Microsoft.KeyVault/vaults/secrets/write`
 * in the activity log, which no change query reads: it grants and denies nobody). app-portal's
 * health check still reads the old secret by name once a minute on each of its three instances:
 * from 08:00 every one of those reads is a 403 SecretDisabled (the caller is authorized — Key
 * Vault logs it with isRbacAuthorized true — but the object cannot be read), fifteen a bin, all
 * day, while app-portal's own reads of its other secrets succeed as usual. The health check
 * reports "degraded" on a dashboard nobody pages on; nothing is wrong with app-portal's access.
 */
export function disabledSecretProbe(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-04-23T${hhmm}`);
  const historyFrom = utc("2026-04-21T00:00");
  const end = at("14:00");
  const disabled = at("08:00");

  const portal: Caller = { key: "portal/kv-portal-prod", peak: 60, shape: CACHED, notFound: 0.1 };

  const tm = new Telemetry();
  const s = {
    portalGet: tm.kvSeries("portal-get", KV, PORTAL),
    portalKv: tm.dependencySeries("portal-to-kv", APP, KV.host, "Azure Key Vault", "keyvault"),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const h = healthy(portal, t);
    // The v1 mapping writes `forbiddenOther` as Key Vault's disabled-secret 403 (tools/scenario/v1-mapping.ts).
    const probes = t >= disabled ? PROBES_PER_BIN : 0;
    tm.kv(t, s.portalGet, { ...h, forbiddenOther: probes });
    tm.dependency(t, s.portalKv, { succeeded: h.succeeded ?? 0, otherFailures: h.other ?? 0, forbidden: probes });
  }

  return scenario({
    name: "disabled-secret-probe",
    description:
      "The security team disables app-portal's old SMTP secret at 08:00 UTC after a rotation; app-portal's health check keeps reading it once a minute on each of its " +
      "three instances, so kv-portal-prod logs fifteen 403s a bin ('Operation get is not allowed on a disabled secret.', the caller authorized) for six hours beside " +
      "app-portal's ordinary reads. An identity-vault SLO covers app-portal on kv-portal-prod. Nothing to page on: the object's state, not the caller's access.",
    start: at("07:30"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: {
        ...monitorConfig([{ name: APP, identities: [PORTAL], critical: true, hasFallback: false }]),
        slos: [
          {
            name: "portal-secret-reads",
            kind: "identity-vault",
            identity: PORTAL.name,
            vault: KV.name,
            objective: 99.9,
          },
        ],
      },
    },
    telemetry: tm,
    activity: [
      {
        at: iso(disabled),
        operation: "Microsoft.KeyVault/vaults/secrets/write",
        scope: `${KV.id}/secrets/smtp-password-2025`,
        caller: "secops@contoso.com",
      },
    ],
    clients: [{ app: APP, vault: KV, appInsights: true, instances: INSTANCES }],
    coldStarts: [],
    incidents: [],
  });
}
