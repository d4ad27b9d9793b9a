import { APP_TABLES, monitorConfig, scenario, truth, type CorpusStory } from "./config.js";
import { binsBetween, daily, IDENTITIES, MINUTE, OFFICE, unit, utc, VAULTS, type DailyShape } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, type Caller } from "./traffic.js";

const PORTAL = IDENTITIES.portal;
const NOTIFY = IDENTITIES.notify;
const KV = VAULTS.portal;

/** Key Vault's GET limit per vault: 2,000 transactions per 10 seconds (the Key Vault managed-identity troubleshooting guide, "HTTP 429 — Throttled"). */
const LIMIT_PER_MINUTE = 2000 * 6;
/** Page views per minute at app-portal's busiest weekday hour (about 100 a second). */
const PAGE_VIEWS_PER_MINUTE = 6000;
/** Secrets the uncached page path reads on every page view (tenant API key, signing key, feature key). */
const READS_PER_PAGE = 3;
/** Cache refreshes are per instance, not per page: the instance count follows the day, but only halfway. */
const CACHED: DailyShape = { ...OFFICE, night: 0.55 };

/**
 * Key Vault guide, "Throttling under load": "Applications that hit the vault on every single
 * request, instead of caching the retrieved secret, eventually trigger throttling errors". Release
 * 2026.03.17 of app-portal, rolled out instance by instance from 11:00 to 11:10, drops the secret
 * cache from the page path: every page view reads three secrets. kv-portal-prod's limit is
 * exceeded as soon as most instances run the release, and more so towards the afternoon peak. The
 * SDK retries 429s (honouring Retry-After), so throttled reads are attempted again. The hotfix
 * restoring the cache rolls out from 13:20 to 13:26. Access never changes: load, not permission.
 */
export function throttlingHotPath(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-17T${hhmm}`);
  const historyFrom = utc("2026-03-15T00:00");
  const end = at("14:30");
  // The share of instances running without the cache, ramping over each rollout.
  const ramp = (from: number, to: number, ms: number) => Math.min(1, Math.max(0, (ms - from) / (to - from)));
  const uncached = (ms: number) => ramp(at("11:00"), at("11:10"), ms) - ramp(at("13:20"), at("13:26"), ms);

  const cached: Caller = { key: "portal/kv-portal-prod", peak: 60, shape: CACHED, notFound: 0.1 };
  const notify: Caller = { key: "notify/kv-shared-prod", peak: 110, shape: OFFICE };

  // Per minute: reads wanted, the limit's share of them served, the rest throttled and retried.
  const minute = (ms: number) => {
    const pages =
      PAGE_VIEWS_PER_MINUTE * daily(ms, OFFICE) * (0.95 + 0.1 * unit("portal/pages", Math.floor(ms / MINUTE)));
    const wanted = uncached(ms) * pages * READS_PER_PAGE + (1 - uncached(ms)) * (requests(cached, ms) / 5);
    // Key Vault enforces the limit over sliding 10-second windows, so a saturated minute serves a
    // little under the nominal limit.
    const served = Math.min(wanted, LIMIT_PER_MINUTE * (0.96 + 0.03 * unit("portal/served", Math.floor(ms / MINUTE))));
    // A throttled read is retried up to three times; about 1.5 retries each before one is served or the page gives up.
    const throttled = (wanted - served) * 2.5;
    return { served, throttled };
  };
  const throttledMinutes = binsBetween(historyFrom, end)
    .flatMap((t) => [0, 1, 2, 3, 4].map((m) => t + m * MINUTE))
    .filter((ms) => minute(ms).throttled >= 1);

  const tm = new Telemetry();
  const s = {
    portalGet: tm.kvSeries("portal-get", KV, PORTAL),
    portalKv: tm.dependencySeries("portal-to-kv", PORTAL.name, KV.host, "Azure Key Vault", "keyvault"),
    notifyGet: tm.kvSeries("notify-get", VAULTS.shared, NOTIFY),
  };
  for (const t of binsBetween(historyFrom, end)) {
    if (uncached(t) === 0 && uncached(t + 4 * MINUTE) === 0) {
      const c = healthy(cached, t);
      tm.kv(t, s.portalGet, c);
      tm.dependency(t, s.portalKv, { succeeded: c.succeeded ?? 0, otherFailures: c.other ?? 0 });
    } else {
      let served = 0;
      let throttled = 0;
      for (let m = 0; m < 5; m++) {
        const r = minute(t + m * MINUTE);
        served += r.served;
        throttled += r.throttled;
      }
      tm.kv(t, s.portalGet, { succeeded: Math.round(served), throttled: Math.round(throttled) });
      tm.dependency(t, s.portalKv, { succeeded: Math.round(served), throttled: Math.round(throttled) });
    }
    tm.kv(t, s.notifyGet, healthy(notify, t));
  }

  return scenario({
    name: "throttling-hot-path",
    description:
      "app-portal's release (rolled out 11:00-11:10 UTC) reads three secrets on every page view instead of caching them; kv-portal-prod's limit of 2,000 GETs per " +
      "10 seconds is exceeded and Key Vault answers 429 until the hotfix restoring the cache rolls out (13:20-13:26). Nobody's access changes.",
    start: at("10:45"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
        { name: "func-notify", identities: [NOTIFY], critical: false, hasFallback: false },
      ]),
    },
    telemetry: tm,
    clients: [
      { app: PORTAL.name, vault: KV, appInsights: true, instances: 4 },
      { app: "func-notify", vault: VAULTS.shared, appInsights: false, instances: 2 },
    ],
    // Both rollouts replace app-portal's four instances one at a time.
    coldStarts: ["11:00", "11:03", "11:06", "11:09", "13:20", "13:22", "13:24", "13:26"].map((hhmm) => ({
      at: at(hhmm),
      app: PORTAL.name,
      instances: 1,
    })),
    incidents: [
      truth({
        name: "portal-uncached-secret-reads-throttled",
        onset: throttledMinutes[0]!,
        recovered: throttledMinutes[throttledMinutes.length - 1]!,
        hypothesis: "none",
        severity: "SEV-2",
        vault: KV.name,
        identity: PORTAL.name,
        note: "load on the vault, not an access fault: about half of the portal's reads are throttled at the business-hours peak, so pages slow down and some fail",
      }),
    ],
  });
}
