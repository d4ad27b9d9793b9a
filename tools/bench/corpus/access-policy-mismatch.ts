import {
  APP_TABLES,
  controlPlaneConfig,
  monitorConfig,
  scenario,
  snapshot,
  truth,
  vaultWrite,
  type CorpusStory,
} from "./config.js";
import { between, binShare, binsBetween, IDENTITIES, MINUTE, OFFICE, TENANT, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, split, type Caller } from "./traffic.js";

const BILLING = IDENTITIES.billing;
const PORTAL = IDENTITIES.portal;
const KV = VAULTS.billing;

/** An access policy that lets a principal read secrets (az keyvault set-policy --secret-permissions get list). */
const readSecrets = (objectId: string) => ({
  tenantId: TENANT,
  objectId,
  permissions: { secrets: ["get", "list"], keys: [], certificates: [] },
});

/**
 * Functions playbook H4 and the "Verify Before Switching" warning; Key Vault troubleshooting
 * guide: "If you flip the model before assigning roles, you'll cut off everyone's access
 * instantly." kv-billing-prod runs on access policies. The platform team has given app-portal an
 * RBAC role ahead of the migration but not func-billing, which holds only its access policy. At
 * 10:30 they switch the vault to RBAC (vault write): from then on func-billing's access policy is
 * ignored and every request it makes is denied by RBAC. At 11:02 they switch the vault back.
 */
export function accessPolicyMismatch(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-10T${hhmm}`);
  const historyFrom = utc("2026-03-08T00:00");
  const end = at("12:30");
  const switched = at("10:30");
  const reverted = at("11:02");
  // Key Vault applies a permission-model change at once; the revert's minute still denies.
  const denied = between(switched, reverted + MINUTE);

  const billingGet: Caller = { key: "billing/kv-billing-prod/get", peak: 70, shape: OFFICE, notFound: 0.2 };
  const billingList: Caller = { key: "billing/kv-billing-prod/list", peak: 4, shape: OFFICE };
  const portalGet: Caller = { key: "portal/kv-billing-prod/get", peak: 45, shape: OFFICE };

  const tm = new Telemetry();
  const series = {
    billingGet: tm.kvSeries("billing-get", KV, BILLING, "SecretGet"),
    billingList: tm.kvSeries("billing-list", KV, BILLING, "SecretList"),
    portalGet: tm.kvSeries("portal-get", KV, PORTAL, "SecretGet"),
    billingKvCalls: tm.dependencySeries("billing-to-kv", BILLING.name, KV.host, "Azure Key Vault", "keyvault"),
    billingBlobCalls: tm.dependencySeries(
      "billing-to-blob",
      BILLING.name,
      "stbillingprod.blob.core.windows.net",
      "Azure blob",
      "storage",
    ),
    portalKvCalls: tm.dependencySeries("portal-to-kv", PORTAL.name, KV.host, "Azure Key Vault", "keyvault"),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const share = binShare(t, denied);
    // func-billing keeps its last secrets in memory and retries a failed refresh on the next
    // invoice, so denied reads come back about 1.3 times.
    const get = split(requests(billingGet, t), share, 1.3);
    const list = split(requests(billingList, t), share, 1.3);
    // Authorization comes before lookup: a missing secret is a 404 only while access works.
    const notFound = share > 0 ? 0 : (healthy(billingGet, t).other ?? 0);
    tm.kv(t, series.billingGet, { succeeded: get.ok, forbiddenRbac: get.failed, other: notFound });
    tm.kv(t, series.billingList, { succeeded: list.ok, forbiddenRbac: list.failed });
    const portal = healthy(portalGet, t);
    tm.kv(t, series.portalGet, portal);
    tm.dependency(t, series.billingKvCalls, {
      succeeded: get.ok + list.ok,
      forbidden: get.failed + list.failed,
      otherFailures: notFound,
    });
    tm.dependency(t, series.billingBlobCalls, { succeeded: Math.round(requests(billingGet, t) * 0.6) });
    tm.dependency(t, series.portalKvCalls, { succeeded: portal.succeeded ?? 0 });
  }

  const policies = [readSecrets(BILLING.objectId), readSecrets(PORTAL.objectId)];
  const onPolicies = [{ vault: KV, properties: { enableRbacAuthorization: false, accessPolicies: policies } }];
  const onRbac = [{ vault: KV, properties: { enableRbacAuthorization: true, accessPolicies: policies } }];
  // The migration's preparation: app-portal's role was assigned days before the switch.
  const grants = [{ vault: KV, principalId: PORTAL.objectId }];
  return scenario({
    name: "access-policy-mismatch",
    description:
      "kv-billing-prod uses access policies; func-billing holds only an access policy, app-portal also got an RBAC role ahead of a migration. " +
      "At 10:30 UTC the platform team switches the vault to RBAC (vault write): func-billing is denied by RBAC until the team switches back at 11:02.",
    start: at("10:00"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: BILLING.name, identities: [BILLING], critical: true, hasFallback: true },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
      ]),
      // The migration plan listed app-portal's role; func-billing was left out of it, hence no expectation.
      CONTROL_PLANE_CONFIG: controlPlaneConfig(
        [KV],
        [
          { identity: PORTAL, expect: [KV] },
          { identity: BILLING, expect: [] },
        ],
      ),
    },
    telemetry: tm,
    activity: [
      vaultWrite(switched, KV, "platform-team@contoso.com"),
      vaultWrite(reverted, KV, "platform-team@contoso.com"),
    ],
    controlPlane: [
      snapshot(historyFrom, onPolicies, grants),
      snapshot(switched, onRbac, grants),
      snapshot(reverted, onPolicies, grants),
    ],
    clients: [
      { app: BILLING.name, vault: KV, appInsights: true, instances: 2 },
      { app: PORTAL.name, vault: KV, appInsights: true, instances: 3 },
    ],
    incidents: [
      truth({
        name: "billing-policy-ignored-after-rbac-switch",
        onset: switched,
        recovered: reverted,
        hypothesis: "H4",
        severity: "SEV-2",
        vault: KV.name,
        identity: BILLING.name,
        note: "the vault's permission model changed under a caller that holds only an access policy; the caller's access itself never changed",
      }),
    ],
  });
}
