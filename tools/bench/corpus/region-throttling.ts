import { APP_TABLES, monitorConfig, scenario, truth, type CorpusStory } from "./config.js";
import {
  binsBetween,
  IDENTITIES,
  iso,
  MINUTE,
  OFFICE,
  ROUND_THE_CLOCK,
  SHOPPING,
  siteId,
  unit,
  utc,
  VAULTS,
  type Identity,
  type Vault,
} from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, type Caller } from "./traffic.js";

const SYNC = IDENTITIES.secretSync;
/** The platform's disaster-recovery job that copies the region's secrets to their twins in the paired region. */
const JOB = "func-secret-sync";
const JOB_SITE = siteId("rg-platform", JOB);

/** Key Vault's GET limit per vault: 2,000 transactions per 10 seconds (the Key Vault guide's rate table, as throttling-hot-path reads it). */
const VAULT_LIMIT_PER_MINUTE = 2000 * 6;
/** The subscription-wide limit in a region: five times the per-vault limit (Key Vault service limits). */
const SUBSCRIPTION_LIMIT_PER_MINUTE = 5 * VAULT_LIMIT_PER_MINUTE;
/** The nightly incremental copy: 4 workers per vault, about 400 reads a minute, for a quarter of an hour. */
const NIGHTLY_PER_MINUTE = 400;
/** The full re-sync: 32 workers per vault, each reading about ten secret versions a second. */
const FULL_PER_MINUTE = 32 * 10 * 60;
/** A throttled read is retried up to three times with back-off: about 1.5 retries each before it is served or given up (as in throttling-hot-path). */
const ATTEMPTS_PER_THROTTLED = 2.5;
/** Secret versions per SecretListVersions page (the REST API's default maxresults is 25). */
const VERSIONS_PER_PAGE = 25;

/** An app that reads one vault of the region, as it does every day. */
interface RegionCaller {
  identity: Identity;
  app: string;
  vault: Vault;
  caller: Caller;
  appInsights: boolean;
  instances: number;
}

/**
 * _Azure Key Vault Not Working?_ ("Key Vault enforces per-vault transaction limits … 429 Too Many
 * Requests … can look exactly like a permissions problem"; "consider distributing secrets across
 * multiple vaults") and the Key Vault guide's 429 section and rate table; the service limits add a
 * subscription-wide limit per region of five times a vault's. Every vault of the subscription is
 * in West Europe. func-secret-sync (id-secret-sync) copies their secrets to the paired region: an
 * incremental copy every night at 01:30, 4 workers per vault, never near a limit. On Tuesday ahead
 * of a disaster-recovery drill a platform engineer raises its parallelism to 32 workers per vault
 * (an app-settings write at 14:08, which restarts it) and starts a full re-sync at 14:10: every
 * version of every secret of the seven vaults (secrets rotated hourly keep each version, some
 * 200,000 a vault), about twice what the subscription may read. Key Vault answers 429 on all
 * seven vaults at once, to the apps' reads as much as to the job's, until the copy of each vault
 * is done (14:31 to 14:35). The SDKs retry throttled reads. Nobody's access changes.
 */
export function regionThrottling(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-05-05T${hhmm}`);
  const historyFrom = utc("2026-05-03T00:00");
  const end = at("15:30");
  const settingsWritten = at("14:08");
  const resync = at("14:10");
  // Vaults with more rotated secrets take longer; the last copy ends at 14:35.
  const resyncEnds: Record<string, number> = {
    [VAULTS.orders.name]: at("14:35"),
    [VAULTS.billing.name]: at("14:33"),
    [VAULTS.shared.name]: at("14:34"),
    [VAULTS.ledger.name]: at("14:32"),
    [VAULTS.portal.name]: at("14:31"),
    [VAULTS.reports.name]: at("14:31"),
    [VAULTS.payments.name]: at("14:33"),
  };
  const vaults = Object.values(VAULTS).filter((v) => v.name in resyncEnds);

  const apps: RegionCaller[] = [
    {
      identity: IDENTITIES.orders,
      app: "func-orders",
      vault: VAULTS.orders,
      caller: { key: "orders/kv-orders-prod", peak: 240, shape: SHOPPING },
      appInsights: true,
      instances: 3,
    },
    {
      identity: IDENTITIES.billing,
      app: IDENTITIES.billing.name,
      vault: VAULTS.billing,
      caller: { key: "billing/kv-billing-prod/get", peak: 70, shape: OFFICE, notFound: 0.2 },
      appInsights: true,
      instances: 2,
    },
    {
      identity: IDENTITIES.portal,
      app: IDENTITIES.portal.name,
      vault: VAULTS.portal,
      // Cache refreshes follow the instance count, which follows the day only halfway.
      caller: { key: "portal/kv-portal-prod", peak: 60, shape: { ...OFFICE, night: 0.55 }, notFound: 0.1 },
      appInsights: true,
      instances: 4,
    },
    {
      identity: IDENTITIES.notify,
      app: "func-notify",
      vault: VAULTS.shared,
      caller: { key: "notify/kv-shared-prod", peak: 110, shape: OFFICE },
      appInsights: false,
      instances: 2,
    },
    {
      identity: IDENTITIES.ledger,
      app: "ledger-sync",
      vault: VAULTS.ledger,
      caller: { key: "ledger/kv-ledger-prod", peak: 130, shape: ROUND_THE_CLOCK },
      appInsights: true,
      instances: 3,
    },
    {
      identity: IDENTITIES.payments,
      app: "func-payments",
      vault: VAULTS.payments,
      caller: { key: "payments/kv-payments-prod", peak: 150, shape: OFFICE },
      appInsights: true,
      instances: 2,
    },
  ];

  /** The job's reads wanted per minute on a vault at `ms`: the nightly copy, or the re-sync's. */
  const jobWants = (v: Vault, ms: number) => {
    const minuteOfDay = (ms % (24 * 60 * MINUTE)) / MINUTE;
    if (minuteOfDay >= 90 && minuteOfDay < 105) return NIGHTLY_PER_MINUTE;
    if (ms >= resync && ms < resyncEnds[v.name]!) {
      // The workers start over the first minute.
      const rampUp = Math.min(1, (ms - resync) / MINUTE + 0.5);
      return FULL_PER_MINUTE * rampUp * (0.95 + 0.1 * unit(`${JOB}/${v.name}`, Math.floor(ms / MINUTE)));
    }
    return 0;
  };
  /** An app's reads wanted in the minute at `ms`: a fifth of its bin's. */
  const appWants = (c: RegionCaller, ms: number) => requests(c.caller, ms) / 5;
  /**
   * The share of the reads wanted on vault `v` in the minute at `ms` that Key Vault serves: all of
   * them while the vault and the subscription are under their limits, else what the tighter limit
   * lets through, shared by every caller alike (429s do not count against the limits).
   */
  const served = (v: Vault, ms: number) => {
    const onVault = (x: Vault) =>
      jobWants(x, ms) + apps.filter((c) => c.vault === x).reduce((n, c) => n + appWants(c, ms), 0);
    const total = vaults.reduce((n, x) => n + onVault(x), 0);
    const here = onVault(v);
    if (here === 0) return 1;
    return Math.min(1, VAULT_LIMIT_PER_MINUTE / here, SUBSCRIPTION_LIMIT_PER_MINUTE / total);
  };
  const minutes = (t: number) => [0, 1, 2, 3, 4].map((m) => t + m * MINUTE);
  /** Reads served and throttled attempts in bin `t` for reads wanted per minute by `wants`. */
  const bin = (v: Vault, t: number, wants: (ms: number) => number) => {
    let ok = 0;
    let throttled = 0;
    for (const ms of minutes(t)) {
      const f = served(v, ms);
      ok += wants(ms) * f;
      throttled += wants(ms) * (1 - f) * ATTEMPTS_PER_THROTTLED;
    }
    return { succeeded: Math.round(ok), throttled: Math.round(throttled) };
  };

  const tm = new Telemetry();
  const appSeries = apps.map((c) => ({
    c,
    kv: tm.kvSeries(`${c.app}-get`, c.vault, c.identity),
    dep: c.appInsights ? tm.dependencySeries(`${c.app}-to-kv`, c.app, c.vault.host, "Azure Key Vault", "keyvault") : "",
  }));
  const jobSeries = vaults.map((v) => ({
    v,
    get: tm.kvSeries(`sync-get-${v.name}`, v, SYNC, "SecretGet"),
    versions: tm.kvSeries(`sync-versions-${v.name}`, v, SYNC, "SecretListVersions"),
    dep: tm.dependencySeries(`sync-to-${v.name}`, JOB, v.host, "Azure Key Vault", "keyvault"),
  }));
  const throttledMinutes = new Set<number>();
  for (const t of binsBetween(historyFrom, end)) {
    for (const v of vaults) for (const ms of minutes(t)) if (served(v, ms) < 1) throttledMinutes.add(ms);
    for (const { c, kv, dep } of appSeries) {
      const counts = bin(c.vault, t, (ms) => appWants(c, ms));
      // The secrets apps probe for: a 404 while the vault answers; throttled probes are among the 429s.
      const notFound = counts.throttled > 0 ? 0 : (healthy(c.caller, t).other ?? 0);
      tm.kv(t, kv, { ...counts, other: notFound });
      if (dep) tm.dependency(t, dep, { ...counts, otherFailures: notFound });
    }
    for (const { v, get, versions, dep } of jobSeries) {
      const counts = bin(v, t, (ms) => jobWants(v, ms));
      // It pages through each secret's versions before reading them; the listing is throttled alike.
      const pages = bin(v, t, (ms) => jobWants(v, ms) / VERSIONS_PER_PAGE);
      tm.kv(t, get, counts);
      tm.kv(t, versions, pages);
      tm.dependency(t, dep, {
        succeeded: counts.succeeded + pages.succeeded,
        throttled: counts.throttled + pages.throttled,
      });
    }
  }
  const throttled = [...throttledMinutes].sort((a, b) => a - b);

  return scenario({
    name: "region-throttling",
    description:
      "Every vault of the subscription is in West Europe. At 14:10 UTC func-secret-sync starts a full copy of all seven vaults' secrets with 32 workers per vault (its parallelism raised at 14:08): " +
      "about twice the subscription-wide read limit, so Key Vault answers 429 on all seven vaults, to every app's reads, until each copy is done (14:31-14:35). Nobody's access changes.",
    start: at("13:55"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: "func-orders", identities: [IDENTITIES.orders], critical: true, hasFallback: false },
        { name: IDENTITIES.billing.name, identities: [IDENTITIES.billing], critical: true, hasFallback: true },
        { name: IDENTITIES.portal.name, identities: [IDENTITIES.portal], critical: true, hasFallback: false },
        { name: "func-notify", identities: [IDENTITIES.notify], critical: false, hasFallback: false },
        { name: "ledger-sync", identities: [IDENTITIES.ledger], critical: true, hasFallback: true },
        { name: "func-payments", identities: [IDENTITIES.payments], critical: true, hasFallback: false },
        // A copy for disaster recovery: late is fine, it runs again.
        { name: JOB, identities: [SYNC], critical: false, hasFallback: true },
      ]),
    },
    telemetry: tm,
    clients: [
      ...apps.map((c) => ({ app: c.app, vault: c.vault, appInsights: c.appInsights, instances: c.instances })),
      ...vaults.map((v) => ({ app: JOB, vault: v, appInsights: true, instances: 1 })),
    ],
    // The settings write restarts the job's app.
    coldStarts: [{ at: settingsWritten, app: JOB }],
    // An app-settings write (SYNC_PARALLELISM 4 → 32): not one of the changes the monitor reads.
    noise: [
      {
        kind: "activity",
        at: iso(settingsWritten),
        operation: "Microsoft.Web/sites/config/write",
        scope: `${JOB_SITE}/config/appsettings`,
        caller: "platform-team@contoso.com",
      },
    ],
    incidents: [
      truth({
        name: "region-vaults-throttled-by-secret-sync",
        cause: settingsWritten,
        onset: throttled[0]!,
        recovered: throttled[throttled.length - 1]!,
        hypothesis: "none",
        severity: "SEV-2",
        note:
          "one cause, seven vaults: a job's fan-out exceeds the subscription's read limit in the region, so every caller of every vault is throttled (load, not an access fault); " +
          "most of the apps' reads are throttled in business hours, so the order, payment and portal paths slow down and some of their requests fail after retries",
      }),
    ],
  });
}
