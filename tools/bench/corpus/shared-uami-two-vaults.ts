import {
  APP_TABLES,
  controlPlaneConfig,
  monitorConfig,
  roleChange,
  scenario,
  snapshot,
  truth,
  type CorpusStory,
} from "./config.js";
import { binShare, binsBetween, IDENTITIES, OFFICE, SHOPPING, utc, VAULTS, type Vault } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, split, type Caller } from "./traffic.js";

const CATALOG = IDENTITIES.catalog;
const PORTAL = IDENTITIES.portal;
/** The storefront's product catalog API (a web app): reads kv-catalog-prod. */
const API = "app-catalog-api";
/** The marketplace feed exports (a function app): read kv-feeds-prod. */
const FEEDS = "func-catalog-feeds";
/** Who ran the clean-up: a person, with the Azure CLI. */
const ENGINEER = "r.okafor@contoso.com";

/** The times of one vault's loss: the role deleted, the first denial, the role restored, the last denial. */
interface Loss {
  vault: Vault;
  deleted: number;
  firstDenied: number;
  restored: number;
  lastDenied: number;
}

/**
 * The share of a caller's reads denied at `ms`: none before the first denial, all until the
 * restore, then falling to none at the last denial as Key Vault's front ends pick the assignment
 * up again (the propagation window, as in rbac-removal).
 */
function deniedShare(l: Loss, ms: number): number {
  if (ms < l.firstDenied || ms >= l.lastDenied) return 0;
  return ms < l.restored ? 1 : 1 - (ms - l.restored) / (l.lastDenied - l.restored);
}

/**
 * _Managed Identity Authentication_ ("User-assigned: … Can be shared across resources … when
 * multiple resources need the same identity and permissions") and the Functions playbook's H2
 * ("403 plus no matching role assignment for principal at resource scope"), with its prevention
 * note that quarterly access reviews must not break trigger identities. The catalog team runs two
 * apps with one user-assigned identity, id-catalog: the storefront's catalog API (app-catalog-api,
 * critical, no fallback) reads kv-catalog-prod, and the marketplace feed exports
 * (func-catalog-feeds, not critical) read kv-feeds-prod. On Tuesday an engineer cleaning up
 * standing access after the feeds were moved to a new pipeline takes id-catalog for the old feed
 * identity and deletes its Key Vault Secrets User on kv-feeds-prod at 13:20 and on kv-catalog-prod
 * at 13:21 (two `az role assignment delete` calls). The feeds are denied from 13:23 and the catalog
 * API from 13:24, every read. The engineer restores both assignments at 13:58 and 13:59; the
 * denials fade out over the propagation window until 14:09 and 14:10. app-portal reads
 * kv-catalog-prod with its own identity throughout, unaffected.
 */
export function sharedUamiTwoVaults(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-04-28T${hhmm}`);
  const historyFrom = utc("2026-04-26T00:00");
  const end = at("15:15");
  const feedsLoss: Loss = {
    vault: VAULTS.feeds,
    deleted: at("13:20"),
    firstDenied: at("13:23"),
    restored: at("13:58"),
    lastDenied: at("14:09"),
  };
  const catalogLoss: Loss = {
    vault: VAULTS.catalog,
    deleted: at("13:21"),
    firstDenied: at("13:24"),
    restored: at("13:59"),
    lastDenied: at("14:10"),
  };

  const api: Caller = { key: "catalog-api/kv-catalog-prod", peak: 160, shape: SHOPPING, notFound: 0.1 };
  const feeds: Caller = { key: "catalog-feeds/kv-feeds-prod", peak: 35, shape: OFFICE };
  const portal: Caller = { key: "portal/kv-catalog-prod", peak: 25, shape: OFFICE, notFound: 0.05 };

  const tm = new Telemetry();
  const s = {
    apiGet: tm.kvSeries("catalog-api-get", VAULTS.catalog, CATALOG),
    feedsGet: tm.kvSeries("catalog-feeds-get", VAULTS.feeds, CATALOG),
    portalGet: tm.kvSeries("portal-get", VAULTS.catalog, PORTAL),
    apiKv: tm.dependencySeries("catalog-api-to-kv", API, VAULTS.catalog.host, "Azure Key Vault", "keyvault"),
    apiSql: tm.dependencySeries("catalog-api-to-sql", API, "sql-catalog-prod.database.windows.net", "SQL", "other"),
    feedsKv: tm.dependencySeries("catalog-feeds-to-kv", FEEDS, VAULTS.feeds.host, "Azure Key Vault", "keyvault"),
    feedsBlob: tm.dependencySeries(
      "catalog-feeds-to-blob",
      FEEDS,
      "stcatalogfeeds.blob.core.windows.net",
      "Azure blob",
      "storage",
    ),
  };
  for (const t of binsBetween(historyFrom, end)) {
    // The API fails the request when it cannot read its secrets; clients retry about once.
    const apiShare = binShare(t, (ms) => deniedShare(catalogLoss, ms));
    const a = split(requests(api, t), apiShare, 2);
    const apiNotFound = apiShare > 0 ? 0 : (healthy(api, t).other ?? 0);
    tm.kv(t, s.apiGet, { succeeded: a.ok, forbiddenRbac: a.failed, other: apiNotFound });
    tm.dependency(t, s.apiKv, { succeeded: a.ok, forbidden: a.failed, otherFailures: apiNotFound });
    // Without its secrets the API serves no catalog, so it makes no database calls either.
    tm.dependency(t, s.apiSql, { succeeded: Math.round(a.ok * 3) });

    // Queue-triggered exports: a denied message is redelivered, so denied reads count 1.5 times.
    const f = split(
      requests(feeds, t),
      binShare(t, (ms) => deniedShare(feedsLoss, ms)),
      1.5,
    );
    tm.kv(t, s.feedsGet, { succeeded: f.ok, forbiddenRbac: f.failed });
    tm.dependency(t, s.feedsKv, { succeeded: f.ok, forbidden: f.failed });
    tm.dependency(t, s.feedsBlob, { succeeded: Math.round(f.ok * 0.8) });

    tm.kv(t, s.portalGet, healthy(portal, t));
  }

  const vaults = [{ vault: VAULTS.catalog }, { vault: VAULTS.feeds }];
  const grants = [
    { vault: VAULTS.catalog, principalId: CATALOG.objectId },
    { vault: VAULTS.feeds, principalId: CATALOG.objectId },
    { vault: VAULTS.catalog, principalId: PORTAL.objectId },
  ];
  const without = (...lost: Vault[]) =>
    grants.filter((g) => !(g.principalId === CATALOG.objectId && lost.includes(g.vault)));
  return scenario({
    name: "shared-uami-two-vaults",
    description:
      "One user-assigned identity, id-catalog, serves two apps: app-catalog-api reads kv-catalog-prod and func-catalog-feeds reads kv-feeds-prod. An access clean-up deletes its " +
      "Key Vault Secrets User on kv-feeds-prod at 13:20 UTC and on kv-catalog-prod at 13:21; every read of both apps is denied (403, RBAC) from 13:23 and 13:24 until the " +
      "assignments are restored at 13:58 and 13:59 (last denials 14:09 and 14:10). app-portal reads kv-catalog-prod unaffected.",
    start: at("13:00"),
    end,
    tables: APP_TABLES,
    settings: {
      // The feeds are listed first: an identity that is mapped to the first app listing it gets the feeds' severity on both vaults.
      MONITOR_CONFIG: monitorConfig([
        { name: FEEDS, identities: [CATALOG], critical: false, hasFallback: false },
        { name: API, identities: [CATALOG], critical: true, hasFallback: false },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
      ]),
      CONTROL_PLANE_CONFIG: controlPlaneConfig(
        [VAULTS.catalog, VAULTS.feeds],
        [
          { identity: CATALOG, expect: [VAULTS.catalog, VAULTS.feeds] },
          { identity: PORTAL, expect: [VAULTS.catalog] },
        ],
      ),
    },
    telemetry: tm,
    activity: [
      roleChange(feedsLoss.deleted, "delete", VAULTS.feeds, CATALOG.objectId, ENGINEER),
      roleChange(catalogLoss.deleted, "delete", VAULTS.catalog, CATALOG.objectId, ENGINEER),
      roleChange(feedsLoss.restored, "write", VAULTS.feeds, CATALOG.objectId, ENGINEER),
      roleChange(catalogLoss.restored, "write", VAULTS.catalog, CATALOG.objectId, ENGINEER),
    ],
    controlPlane: [
      snapshot(historyFrom, vaults, grants),
      snapshot(feedsLoss.deleted, vaults, without(VAULTS.feeds)),
      snapshot(catalogLoss.deleted, vaults, without(VAULTS.feeds, VAULTS.catalog)),
      snapshot(feedsLoss.restored, vaults, without(VAULTS.catalog)),
      snapshot(catalogLoss.restored, vaults, grants),
    ],
    clients: [
      { app: API, vault: VAULTS.catalog, appInsights: true, instances: 4 },
      { app: FEEDS, vault: VAULTS.feeds, appInsights: true, instances: 2 },
      { app: PORTAL.name, vault: VAULTS.catalog, appInsights: false, instances: 3 },
    ],
    incidents: [
      truth({
        name: "catalog-identity-roles-deleted-on-two-vaults",
        cause: feedsLoss.deleted,
        onset: feedsLoss.firstDenied,
        recovered: catalogLoss.lastDenied,
        hypothesis: "H2",
        severity: "SEV-1",
        identity: CATALOG.name,
        note:
          "one clean-up run removed one identity's role on both vaults it reads; on kv-catalog-prod the caller is app-catalog-api (critical, no fallback: the storefront's catalog is down, SEV-1), " +
          "on kv-feeds-prod func-catalog-feeds (not critical: marketplace feeds are late, SEV-2)",
      }),
    ],
  });
}
