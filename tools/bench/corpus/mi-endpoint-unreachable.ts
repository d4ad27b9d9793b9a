import { APP_TABLES, monitorConfig, scenario, truth, type CorpusStory } from "./config.js";
import { binShare, binsBetween, IDENTITIES, MINUTE, OFFICE, ROUND_THE_CLOCK, sparse, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, split, type Caller } from "./traffic.js";

const LEDGER = IDENTITIES.ledger;
const BILLING = IDENTITIES.billing;
const KV = VAULTS.ledger;
/** The App Insights role name of the AKS workload that runs with id-ledger-sync. */
const APP = "ledger-sync";
/** The Azure Instance Metadata Service: where the workload's managed-identity credential asks for tokens. */
const IMDS = "169.254.169.254";
/** The Functions playbook's H1 trace, as azure-identity logs it when the endpoint does not answer. */
const MI_UNAVAILABLE = "ManagedIdentityCredential authentication unavailable. No managed identity endpoint found.";

/**
 * The Container Apps playbook's "IMDS endpoint unreachable" (CredentialUnavailable, connection
 * errors before any token is issued) and the Functions playbook's H1 ("If ManagedIdentityCredential
 * authentication unavailable appears first, identity enablement or endpoint availability is the
 * primary fault domain"). At 09:40 the platform team rolls out a default-deny egress network
 * policy in the ledger namespace together with a new ledger-sync revision; the policy does not
 * allow 169.254.169.254. The three new pods come up at 09:42, 09:44 and 09:46 without a cached
 * token and cannot reach the endpoint: no token, so their Key Vault calls go out without one and
 * get 401 with no caller. At 10:25 an egress exception for the endpoint is added; the last 401 is
 * at 10:26. The network policy is a Kubernetes object: AzureActivity has no record of it.
 */
export function miEndpointUnreachable(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-12T${hhmm}`);
  const historyFrom = utc("2026-03-10T00:00");
  const end = at("11:30");
  const lastDenied = at("10:26");
  // The share of pods without a token: one of three more at each pod start.
  const tokenless = (ms: number) =>
    ms < at("09:42") || ms >= lastDenied + MINUTE ? 0 : ms < at("09:44") ? 1 / 3 : ms < at("09:46") ? 2 / 3 : 1;

  const ledger: Caller = { key: "ledger/kv-ledger-prod", peak: 130, shape: ROUND_THE_CLOCK };
  const billing: Caller = { key: "billing/kv-ledger-prod", peak: 20, shape: OFFICE, notFound: 0.05 };

  const tm = new Telemetry();
  const s = {
    ledgerGet: tm.kvSeries("ledger-get", KV, LEDGER),
    anonymousGet: tm.kvSeries("anonymous-get", KV, undefined),
    billingGet: tm.kvSeries("billing-get", KV, BILLING),
    ledgerKv: tm.dependencySeries("ledger-to-kv", APP, KV.host, "Azure Key Vault", "keyvault"),
    ledgerImds: tm.dependencySeries("ledger-to-imds", APP, IMDS, "HTTP", "other"),
    ledgerSql: tm.dependencySeries("ledger-to-sql", APP, "sql-ledger-prod.database.windows.net", "SQL", "other"),
    miUnavailable: tm.traceSeries("ledger-mi-unavailable", APP, "mi-unavailable"),
  };
  for (const t of binsBetween(historyFrom, end)) {
    // Ledger postings come from a queue: a posting that failed is redelivered.
    const { ok, failed } = split(requests(ledger, t), binShare(t, tokenless), 1.5);
    tm.kv(t, s.ledgerGet, { succeeded: ok });
    tm.kv(t, s.anonymousGet, { unauthorized: failed });
    tm.dependency(t, s.ledgerKv, { succeeded: ok, unauthorized: failed });
    // A cached token is refreshed a few times an hour across the pods; a tokenless pod asks on
    // every call and its credential tries twice (a probe, then the request) before giving up.
    // Dropped packets end as connection failures, the slower ones as timeouts.
    const attempts = 2 * failed;
    const timeouts = Math.round(attempts * 0.3);
    tm.dependency(t, s.ledgerImds, {
      succeeded: sparse(`${ledger.key}/imds`, t, 0.25),
      connectionFailures: attempts - timeouts,
      timeouts,
    });
    tm.dependency(t, s.ledgerSql, { succeeded: 2 * ok });
    tm.trace(t, s.miUnavailable, failed, MI_UNAVAILABLE);
    tm.kv(t, s.billingGet, healthy(billing, t));
  }

  return scenario({
    name: "mi-endpoint-unreachable",
    description:
      "A default-deny egress network policy rolled out with a new ledger-sync revision at 09:40 UTC blocks 169.254.169.254: the new pods (09:42, 09:44, 09:46) " +
      "get no token, log 'ManagedIdentityCredential authentication unavailable' and call kv-ledger-prod without one (401, no caller). Egress exception at 10:25; last 401 at 10:26.",
    start: at("09:20"),
    end,
    tables: APP_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: APP, identities: [LEDGER], critical: true, hasFallback: true },
        { name: BILLING.name, identities: [BILLING], critical: true, hasFallback: true },
      ]),
    },
    telemetry: tm,
    clients: [
      { app: APP, vault: KV, appInsights: true, instances: 3 },
      { app: BILLING.name, vault: KV, appInsights: false, instances: 2 },
    ],
    // The new revision's pods, one at a time: each client challenges the vault before it asks for a token.
    coldStarts: [
      { at: at("09:42"), app: APP, instances: 1 },
      { at: at("09:44"), app: APP, instances: 1 },
      { at: at("09:46"), app: APP, instances: 1 },
    ],
    incidents: [
      truth({
        name: "ledger-sync-no-managed-identity-token",
        onset: at("09:42"),
        recovered: lastDenied,
        hypothesis: "H1",
        severity: "SEV-2",
        vault: KV.name,
        identity: LEDGER.name,
        note: "the identity endpoint is unreachable from the workload, so it has no identity to use: the playbooks' H1 (identity availability), not H6 (the vault answered every call)",
      }),
    ],
  });
}
