import type { RecordEntryInput } from "../../scenario/format-v2.js";
import {
  APP_TABLES,
  controlPlaneConfig,
  monitorConfig,
  scenario,
  snapshot,
  truth,
  type CorpusStory,
} from "./config.js";
import { accessPoliciesWrite, secretsPolicy } from "./iac-policy-replace.js";
import { between, binShare, binsBetween, IDENTITIES, iso, MINUTE, OFFICE, siteId, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, type Caller } from "./traffic.js";

const BILLING = IDENTITIES.billing;
const PORTAL = IDENTITIES.portal;
const KV = VAULTS.billing;
const SITE = siteId("rg-billing-prod", BILLING.name);
/** func-billing's instances. */
const INSTANCES = 2;
/** The release refreshes its signing-key ring once a minute on each instance. */
const REFRESHES_PER_MINUTE = INSTANCES;
/** A failed listing is tried three times (twice again with back-off) before the refresh gives up. */
const ATTEMPTS_PER_REFRESH = 3;

/** What the release logs when a refresh gives up: the SDK's RequestFailedException, with Key Vault's answer. */
const REFRESH_FAILED =
  "Refreshing the invoice signing keys failed; keeping the keys loaded at startup. Azure.RequestFailedException: " +
  `The user, group or application 'appid=${BILLING.clientId};oid=${BILLING.objectId}' does not have secrets list permission on key vault 'kv-billing-prod;location=westeurope'. ` +
  "For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287 Status: 403 (Forbidden) ErrorCode: Forbidden";

/** A deploy of func-billing: the pipeline points WEBSITE_RUN_FROM_PACKAGE at the new build, an app-settings write. */
function deploy(at: number): RecordEntryInput {
  return {
    kind: "activity",
    at: iso(at),
    operation: "Microsoft.Web/sites/config/write",
    scope: `${SITE}/config/appsettings`,
    caller: "deploy-pipeline@contoso.com",
  };
}

/**
 * The Functions playbook's H2 on a vault that uses access policies ("Access Policy → Get/List
 * secret policy"; "Key Vault secret fetch … Forbidden responses with policy or RBAC errors") and
 * _Managed identity authentication failures with Azure Key Vault_ (403: "az keyvault set-policy …
 * --secret-permissions get list"). kv-billing-prod runs on access policies; func-billing's policy
 * grants secrets `get` only, all it ever needed. Its Wednesday release, deployed at 09:05 (the
 * pipeline's app-settings write; both instances restart), finds the invoice signing keys by
 * listing the vault's secrets (SecretList) at startup and once a minute per instance, so that a
 * rotated key is picked up without a deploy. Every listing is refused by the access policy (403),
 * tried three times, and the release keeps the keys it loaded from its settings: invoices still go
 * out, its SecretGet reads succeed throughout, but a rotated key would not be seen. The billing
 * team adds `list` to func-billing's policy at 10:20 (az keyvault set-policy); the last refusal is
 * in that minute. app-portal reads the same vault with get and list, unaffected.
 */
export function policyMissingPermission(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-04-29T${hhmm}`);
  const historyFrom = utc("2026-04-27T00:00");
  const end = at("11:30");
  const deployed = at("09:05");
  const firstListed = at("09:06");
  const granted = at("10:20");
  // Monday's deploy, in the history: the release before this one, which never listed.
  const mondayDeploy = utc("2026-04-27T09:05");
  const listing = (ms: number) => (ms >= firstListed ? 1 : 0);
  const refused = between(firstListed, granted + MINUTE);

  const billingGet: Caller = { key: "billing/kv-billing-prod/get", peak: 70, shape: OFFICE, notFound: 0.2 };
  const portalGet: Caller = { key: "portal/kv-billing-prod/get", peak: 45, shape: OFFICE };

  const tm = new Telemetry();
  const s = {
    billingGet: tm.kvSeries("billing-get", KV, BILLING, "SecretGet"),
    billingList: tm.kvSeries("billing-list", KV, BILLING, "SecretList"),
    portalGet: tm.kvSeries("portal-get", KV, PORTAL, "SecretGet"),
    billingKv: tm.dependencySeries("billing-to-kv", BILLING.name, KV.host, "Azure Key Vault", "keyvault"),
    billingBlob: tm.dependencySeries(
      "billing-to-blob",
      BILLING.name,
      "stbillingprod.blob.core.windows.net",
      "Azure blob",
      "storage",
    ),
    portalKv: tm.dependencySeries("portal-to-kv", PORTAL.name, KV.host, "Azure Key Vault", "keyvault"),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const get = healthy(billingGet, t);
    // Listings per bin: a refresh per instance-minute once the release runs; refused ones are tried three times.
    const refreshes = 5 * REFRESHES_PER_MINUTE * binShare(t, listing);
    const refusedShare = binShare(t, refused) / Math.max(binShare(t, listing), 1e-9);
    const listRefused = Math.round(refreshes * refusedShare * ATTEMPTS_PER_REFRESH);
    const listOk = Math.round(refreshes * (1 - refusedShare));
    tm.kv(t, s.billingGet, get);
    tm.kv(t, s.billingList, { succeeded: listOk, forbiddenPolicy: listRefused });
    tm.dependency(t, s.billingKv, {
      succeeded: (get.succeeded ?? 0) + listOk,
      forbidden: listRefused,
      otherFailures: get.other ?? 0,
    });
    tm.dependency(t, s.billingBlob, { succeeded: Math.round(requests(billingGet, t) * 0.6) });
    const portal = healthy(portalGet, t);
    tm.kv(t, s.portalGet, portal);
    tm.dependency(t, s.portalKv, { succeeded: portal.succeeded ?? 0 });
  }

  const policies = (billing: string[]) => [
    secretsPolicy(BILLING.objectId, billing),
    secretsPolicy(PORTAL.objectId, ["get", "list"]),
  ];
  const onPolicies = (billing: string[]) => [
    { vault: KV, properties: { enableRbacAuthorization: false, accessPolicies: policies(billing) } },
  ];
  return scenario({
    name: "policy-missing-permission",
    description:
      "kv-billing-prod runs on access policies and func-billing's policy grants secrets get only. Its release deployed at 09:05 UTC (an app-settings write) lists the vault's secrets " +
      "at startup and every minute: every SecretList is refused by the access policy (403) while its SecretGet reads succeed, until the billing team adds list to its policy at 10:20.",
    start: at("08:50"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: BILLING.name, identities: [BILLING], critical: true, hasFallback: true },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
      ]),
      // Written before the release: reading secrets (`get`) is all either app was known to need.
      CONTROL_PLANE_CONFIG: controlPlaneConfig(
        [KV],
        [
          { identity: BILLING, expect: [KV] },
          { identity: PORTAL, expect: [KV] },
        ],
      ),
    },
    telemetry: tm,
    activity: [accessPoliciesWrite(granted, KV, BILLING.objectId, "billing-team@contoso.com")],
    controlPlane: [snapshot(historyFrom, onPolicies(["get"]), []), snapshot(granted, onPolicies(["get", "list"]), [])],
    clients: [
      { app: BILLING.name, vault: KV, appInsights: true, instances: INSTANCES },
      { app: PORTAL.name, vault: KV, appInsights: true, instances: 3 },
    ],
    coldStarts: [
      { at: mondayDeploy, app: BILLING.name },
      { at: deployed, app: BILLING.name },
    ],
    noise: [
      deploy(mondayDeploy),
      deploy(deployed),
      {
        kind: "app-trace",
        appRoleName: BILLING.name,
        message: REFRESH_FAILED,
        severityLevel: 2,
        at: iso(firstListed + 20_000),
        every: 1,
        until: iso(granted + MINUTE),
        count: INSTANCES,
      },
    ],
    accessPolicyVaults: [KV],
    incidents: [
      truth({
        name: "billing-policy-lacks-list",
        cause: deployed,
        onset: firstListed,
        recovered: granted,
        hypothesis: "H2",
        severity: "SEV-2",
        vault: KV.name,
        identity: BILLING.name,
        note:
          "a permission (secrets list) missing from the caller's access policy on a vault that stays on access policies: H2, not H4; " +
          "every listing is refused while reads succeed, and billing keeps going on the keys it loaded (critical with a fallback)",
      }),
    ],
  });
}
