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
import {
  between,
  binShare,
  binsBetween,
  IDENTITIES,
  iso,
  MINUTE,
  OFFICE,
  ROUND_THE_CLOCK,
  SHOPPING,
  SUBSCRIPTION,
  TENANT,
  utc,
  VAULTS,
  type Identity,
  type Vault,
} from "./shared.js";
import { Telemetry, type ActivityInput } from "./timeline.js";
import { healthy, requests, split, type Caller } from "./traffic.js";

const ORDERS = IDENTITIES.orders;
const BILLING = IDENTITIES.billing;
const PORTAL = IDENTITIES.portal;
const NOTIFY = IDENTITIES.notify;
const LEDGER = IDENTITIES.ledger;
const KV = VAULTS.shared;
/** The service principal the infrastructure pipeline deploys with, as the activity log names it. */
const PIPELINE = "iac-pipeline@contoso.com";

/** An access policy entry for secrets (az keyvault set-policy --secret-permissions …). */
export function secretsPolicy(objectId: string, secrets: string[]) {
  return { tenantId: TENANT, objectId, permissions: { secrets, keys: [], certificates: [] } };
}

/**
 * A write to a vault's access policies (Microsoft.KeyVault/vaults/accessPolicies/write): what
 * `az keyvault set-policy` and a template's `accessPolicies` child resource (named add, replace or
 * remove) log. The principal is the entry the request carries.
 */
export function accessPoliciesWrite(at: number, v: Vault, principalId: string, caller: string): ActivityInput {
  return {
    at: iso(at),
    operation: "Microsoft.KeyVault/vaults/accessPolicies/write",
    scope: v.id,
    principalId,
    caller,
  };
}

/** The resource-group deployment a pipeline run creates; the activity log records it beside the writes it makes. */
function deployment(at: number, resourceGroup: string, name: string): RecordEntryInput {
  return {
    kind: "activity",
    at: iso(at),
    operation: "Microsoft.Resources/deployments/write",
    scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.Resources/deployments/${name}`,
    caller: PIPELINE,
  };
}

/** One caller of kv-shared-prod, and how many times its app sends a denied read again. */
interface SharedCaller {
  identity: Identity;
  /** The app's role name. */
  app: string;
  caller: Caller;
  retries: number;
  /** Whether the app sends workspace-based Application Insights, and how many instances it runs. */
  appInsights: boolean;
  instances: number;
}

/**
 * The Functions playbook's H2 for a vault on access policies (its identity map: "Access Policy →
 * Get/List secret policy"; "Key Vault secret fetch … Forbidden responses with policy or RBAC
 * errors"), its prevention advice ("Standardize managed identity and RBAC assignments in
 * infrastructure as code with review gates … explicit blast-radius notes"), and _Azure Key Vault
 * Not Working?_'s warning that soft-delete and IaC automation make accidents happen. kv-shared-prod
 * runs on access policies; five apps read it, each given its policy by its own module of the
 * estate's Bicep pipeline (an `accessPolicies` child resource named `add`). A pull request meant to
 * give id-ledger-sync `list` declares ledger-sync's entry as `replace`: at 10:12 the pipeline's run
 * replaces the vault's policies with that one entry. From 10:13 func-orders, func-billing,
 * app-portal and func-notify are refused by the access policies (403) on every read; ledger-sync
 * keeps working. At 10:52 the platform team re-runs the pipeline with the module reverted to
 * `add`, and every app's module writes its entry back; the fix's minute still refuses.
 */
export function iacPolicyReplace(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-04-23T${hhmm}`);
  const historyFrom = utc("2026-04-21T00:00");
  const end = at("12:00");
  const replaced = at("10:12");
  const firstDenied = at("10:13");
  const rerun = at("10:52");
  const refused = between(firstDenied, rerun + MINUTE);

  const dropped: SharedCaller[] = [
    {
      identity: ORDERS,
      app: "func-orders",
      // The partner API keys the order pipeline reads when its five-minute cache expires.
      caller: { key: "orders/kv-shared-prod", peak: 30, shape: SHOPPING },
      // Queue-triggered: a denied message is redelivered, so denied reads count 1.5 times.
      retries: 1.5,
      appInsights: true,
      instances: 3,
    },
    {
      identity: BILLING,
      app: BILLING.name,
      caller: { key: "billing/kv-shared-prod", peak: 20, shape: OFFICE, notFound: 0.05 },
      // func-billing retries a failed refresh on the next invoice (as on its own vault).
      retries: 1.3,
      appInsights: true,
      instances: 2,
    },
    {
      identity: PORTAL,
      app: PORTAL.name,
      caller: { key: "portal/kv-shared-prod", peak: 35, shape: OFFICE, notFound: 0.1 },
      retries: 1,
      appInsights: true,
      instances: 3,
    },
    {
      identity: NOTIFY,
      app: "func-notify",
      caller: { key: "notify/kv-shared-prod", peak: 110, shape: OFFICE },
      retries: 1.5,
      appInsights: false,
      instances: 2,
    },
  ];
  const kept: SharedCaller = {
    identity: LEDGER,
    app: "ledger-sync",
    caller: { key: "ledger/kv-shared-prod", peak: 25, shape: ROUND_THE_CLOCK },
    retries: 1,
    appInsights: true,
    instances: 3,
  };
  const all = [...dropped, kept];

  const tm = new Telemetry();
  const series = all.map((c) => ({
    c,
    kv: tm.kvSeries(`${c.app}-get`, KV, c.identity),
    dep: c.appInsights ? tm.dependencySeries(`${c.app}-to-kv`, c.app, KV.host, "Azure Key Vault", "keyvault") : "",
  }));
  for (const t of binsBetween(historyFrom, end))
    for (const { c, kv, dep } of series) {
      const share = c === kept ? 0 : binShare(t, refused);
      const { ok, failed } = split(requests(c.caller, t), share, c.retries);
      // Authorization comes before lookup: a missing secret is a 404 only while access works.
      const notFound = share > 0 ? 0 : (healthy(c.caller, t).other ?? 0);
      tm.kv(t, kv, { succeeded: ok, forbiddenPolicy: failed, other: notFound });
      if (dep) tm.dependency(t, dep, { succeeded: ok, forbidden: failed, otherFailures: notFound });
    }

  const everyone = [
    ...dropped.map((c) => secretsPolicy(c.identity.objectId, ["get", "list"])),
    secretsPolicy(LEDGER.objectId, ["get"]),
  ];
  const vaultWith = (policies: ReturnType<typeof secretsPolicy>[]) => [
    { vault: KV, properties: { enableRbacAuthorization: false, accessPolicies: policies } },
  ];
  const ledgerWithList = secretsPolicy(LEDGER.objectId, ["get", "list"]);
  return scenario({
    name: "iac-policy-replace",
    description:
      "kv-shared-prod runs on access policies. At 10:12 UTC the Bicep pipeline deploys ledger-sync's module, whose access-policy entry is declared `replace` instead of `add`: " +
      "the vault's policies become that one entry, and func-orders, func-billing, app-portal and func-notify are refused (403, access policy) on every read until the pipeline is re-run with `add` at 10:52.",
    start: at("09:55"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: "func-orders", identities: [ORDERS], critical: true, hasFallback: false },
        { name: BILLING.name, identities: [BILLING], critical: true, hasFallback: true },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
        { name: "func-notify", identities: [NOTIFY], critical: false, hasFallback: false },
        { name: "ledger-sync", identities: [LEDGER], critical: true, hasFallback: true },
      ]),
      // Every reader of the shared vault should be able to read its secrets (Secrets User: a `get` policy here).
      CONTROL_PLANE_CONFIG: controlPlaneConfig(
        [KV],
        all.map((c) => ({ identity: c.identity, expect: [KV] })),
      ),
    },
    telemetry: tm,
    activity: [
      accessPoliciesWrite(replaced, KV, LEDGER.objectId, PIPELINE),
      // The re-run: every app's module adds its entry again, seconds apart, ledger-sync's last.
      ...all.map((c, i) => accessPoliciesWrite(rerun + (5 + 10 * i) * 1000, KV, c.identity.objectId, PIPELINE)),
    ],
    controlPlane: [
      snapshot(historyFrom, vaultWith(everyone), []),
      snapshot(replaced, vaultWith([ledgerWithList]), []),
      snapshot(rerun, vaultWith([...everyone.slice(0, dropped.length), ledgerWithList]), []),
    ],
    clients: all.map((c) => ({ app: c.app, vault: KV, appInsights: c.appInsights, instances: c.instances })),
    noise: [
      deployment(replaced - 20_000, "rg-shared-prod", "kv-shared-policies-ledger-sync-20260423.1"),
      deployment(rerun - 20_000, "rg-shared-prod", "kv-shared-policies-20260423.2"),
    ],
    accessPolicyVaults: [KV],
    incidents: [
      truth({
        name: "shared-vault-policies-replaced-by-iac",
        cause: replaced,
        onset: firstDenied,
        recovered: rerun,
        hypothesis: "H2",
        severity: "SEV-1",
        vault: KV.name,
        note:
          "one change, four callers: the access policies of func-orders, func-billing, app-portal and func-notify were removed from a vault that stays on access policies (a permission missing, H2; the model never changed, so not H4); " +
          "the order pipeline and the portal, critical with no fallback, are blocked",
      }),
    ],
  });
}
