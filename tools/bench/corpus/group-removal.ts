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
  BILLING_READERS_GROUP,
  binShare,
  binsBetween,
  IDENTITIES,
  iso,
  MINUTE,
  OFFICE,
  siteId,
  utc,
  VAULTS,
} from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, requests, split, type Caller } from "./traffic.js";

const BILLING = IDENTITIES.billing;
const PORTAL = IDENTITIES.portal;
const KV = VAULTS.billing;
const GROUP = BILLING_READERS_GROUP;
const SITE = siteId("rg-billing-prod", BILLING.name);

/**
 * The helpdesk's routine membership changes: a contractor's account joins grp-contractors each
 * morning and leaves it each evening. A tenant's audit log is never silent; these keep AuditLogs
 * present in the workspace before the story, and they are users' memberships, which the monitor
 * does not read.
 */
const CONTRACTOR = { objectId: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", name: "Contractor Billing 01" };
const CONTRACTORS_GROUP = { objectId: "8d2f4b6a-1c3e-4f5a-9b7d-2e4f6a8c0b13", name: "grp-contractors" };

function helpdeskChanges(from: number, to: number): RecordEntryInput[] {
  return (["add", "remove"] as const).map((change) => ({
    kind: "group-membership",
    change,
    principalId: CONTRACTOR.objectId,
    memberType: "User",
    memberName: CONTRACTOR.name,
    groupObjectId: CONTRACTORS_GROUP.objectId,
    groupName: CONTRACTORS_GROUP.name,
    caller: "it-helpdesk@contoso.com",
    at: iso(from + (change === "add" ? 8 * 60 + 40 : 17 * 60 + 20) * MINUTE),
    every: 24 * 60,
    until: iso(to),
  }));
}

/**
 * Functions playbook H2 ("RBAC role missing or at the wrong scope"), when the role is held by an
 * Entra ID group: the role assignment never changes, the identity's membership does, and only
 * Entra ID's audit log shows it (AuditLogs "Remove member from group"; AzureActivity has nothing).
 * Key Vault Secrets User on kv-billing-prod is assigned to grp-billing-readers (principalType
 * Group), whose members include func-billing's system-assigned identity. On Tuesday 2026-03-24 at
 * 09:25 alice@contoso.com tidies the group and removes func-billing's identity. Membership reaches
 * Key Vault with a token: func-billing's two instances renew theirs at 09:29 as every day (the
 * Key Vault guide: group membership changes for managed identities wait for their tokens to
 * refresh), and from 09:29 every read is denied (403, RBAC). func-billing serves invoices from its
 * in-memory secrets meanwhile and retries each failed refresh. At 10:05 on-call finds the removal
 * in the audit log and adds the identity back, and at 10:07 restarts func-billing so it gets a
 * token with the membership; the last 403 is at 10:07. app-portal reads the same vault by a role
 * of its own, unaffected.
 */
export function groupRemoval(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-24T${hhmm}`);
  const historyFrom = utc("2026-03-22T00:00");
  const end = at("11:30");
  const removed = at("09:25");
  const firstDenied = at("09:29");
  const addedBack = at("10:05");
  const restarted = at("10:07");
  const lastDenied = restarted;
  const denied = between(firstDenied, lastDenied + MINUTE);

  const truthIncidents = [
    truth({
      name: "billing-removed-from-readers-group",
      cause: removed,
      onset: firstDenied,
      recovered: lastDenied,
      hypothesis: "H2",
      // Billing is a critical path with a fallback (its in-memory secrets), as in access-policy-mismatch:
      // blocked outright but covered for a while, the playbook's "fallback path exists" row.
      severity: "SEV-2",
      vault: KV.name,
      identity: BILLING.name,
      note: "the group kept its role throughout; func-billing's identity lost it with its membership, which only Entra ID's audit log records",
    }),
  ];

  // The same callers, with the same jitter keys, as access-policy-mismatch on this vault.
  const billingGet: Caller = { key: "billing/kv-billing-prod/get", peak: 70, shape: OFFICE, notFound: 0.2 };
  const portalGet: Caller = { key: "portal/kv-billing-prod/get", peak: 45, shape: OFFICE };

  const tm = new Telemetry();
  const series = {
    billingGet: tm.kvSeries("billing-get", KV, BILLING, "SecretGet"),
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
    // A failed refresh is retried on the next invoice: denied reads come back about 1.3 times.
    const get = split(requests(billingGet, t), share, 1.3);
    // Authorization comes before lookup: a missing secret is a 404 only while access works.
    const notFound = share > 0 ? 0 : (healthy(billingGet, t).other ?? 0);
    tm.kv(t, series.billingGet, { succeeded: get.ok, forbiddenRbac: get.failed, other: notFound });
    const portal = healthy(portalGet, t);
    tm.kv(t, series.portalGet, portal);
    tm.dependency(t, series.billingKvCalls, { succeeded: get.ok, forbidden: get.failed, otherFailures: notFound });
    tm.dependency(t, series.billingBlobCalls, { succeeded: Math.round(requests(billingGet, t) * 0.6) });
    tm.dependency(t, series.portalKvCalls, { succeeded: portal.succeeded ?? 0 });
  }

  const member = {
    kind: "group-membership",
    principalId: BILLING.objectId,
    memberName: BILLING.name,
    groupObjectId: GROUP.objectId,
    groupName: GROUP.name,
  } as const;
  const vaults = [{ vault: KV, properties: { enableRbacAuthorization: true } }];
  const grants = [
    { vault: KV, principalId: GROUP.objectId, principalType: "Group" as const },
    { vault: KV, principalId: PORTAL.objectId },
  ];
  return scenario({
    name: "group-removal",
    description:
      "Key Vault Secrets User on kv-billing-prod is held by the Entra ID group grp-billing-readers. At 09:25 UTC alice@contoso.com removes func-billing's identity " +
      "from the group (AuditLogs 'Remove member from group'; nothing in AzureActivity); with the token it renews at 09:29 every read is denied (403, RBAC). " +
      "On-call adds the identity back at 10:05 and restarts func-billing at 10:07; the last 403 is at 10:07. app-portal reads the vault by a role of its own, unaffected.",
    start: at("09:00"),
    end,
    tables: [...APP_TABLES, "AuditLogs"],
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: BILLING.name, identities: [BILLING], critical: true, hasFallback: true },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
      ]),
      // The principal's groups are configured: the check counts the group's role as func-billing's own.
      CONTROL_PLANE_CONFIG: controlPlaneConfig(
        [KV],
        [
          { identity: BILLING, expect: [KV], groupObjectIds: [GROUP.objectId] },
          { identity: PORTAL, expect: [KV] },
        ],
      ),
    },
    telemetry: tm,
    controlPlane: [snapshot(historyFrom, vaults, grants)],
    clients: [
      { app: BILLING.name, vault: KV, appInsights: true, instances: 2 },
      { app: PORTAL.name, vault: KV, appInsights: true, instances: 3 },
    ],
    coldStarts: [{ at: restarted, app: BILLING.name }],
    noise: [
      ...helpdeskChanges(historyFrom, end),
      { ...member, change: "remove", caller: "alice@contoso.com", at: iso(removed) },
      { ...member, change: "add", caller: "oncall@contoso.com", at: iso(addedBack) },
      // On-call's restart is an ARM action (AzureActivity), not one of the changes the monitor reads.
      {
        kind: "activity",
        at: iso(restarted),
        operation: "Microsoft.Web/sites/restart/action",
        scope: SITE,
        caller: "oncall@contoso.com",
      },
    ],
    incidents: truthIncidents,
  });
}
