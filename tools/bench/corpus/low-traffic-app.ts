import {
  AUDIT_TABLES,
  controlPlaneConfig,
  monitorConfig,
  roleChange,
  scenario,
  snapshot,
  truth,
  type CorpusStory,
} from "./config.js";
import { binsBetween, DAY, HOUR, IDENTITIES, MINUTE, OFFICE, sparse, utc, VAULTS } from "./shared.js";
import { Telemetry } from "./timeline.js";
import { healthy, type Caller } from "./traffic.js";

const REPORTS = IDENTITIES.reports;
const PORTAL = IDENTITIES.portal;
const KV = VAULTS.reports;

/** The hourly report job reads three secrets at the top of the hour (warehouse, mail, storage). */
const JOB_READS = 3;
/** A failed job is re-run by its timer twice, five minutes apart. */
const JOB_RERUNS = 2;
/** On-demand reports at the busiest office hour, per 5-minute bin (about 7 an hour). */
const ON_DEMAND_PEAK = 0.6;

/**
 * Functions playbook H2 (403 with no matching role assignment) for a caller that makes only a few
 * calls an hour. func-reports reads kv-reports-prod for its hourly job and for on-demand reports.
 * At 09:12 a quarterly access review deletes its Key Vault Secrets User assignment (func-reports
 * looked idle). Its first denied call is an on-demand report at 09:31; every hourly job fails from
 * 10:00. The reports team re-grants the role at 13:38 after users complain; one more on-demand
 * call is denied at 13:44, inside the propagation window, and the 14:00 job succeeds.
 */
export function lowTrafficApp(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-03-19T${hhmm}`);
  const historyFrom = utc("2026-03-16T00:00");
  const end = at("15:30");
  const deleted = at("09:12");
  const firstDenied = at("09:31");
  const regranted = at("13:38");
  const lastDenied = at("13:44");
  const failing = (t: number) => t + 5 * MINUTE > deleted && t <= lastDenied;

  const portal: Caller = { key: "portal/kv-portal-prod", peak: 60, shape: OFFICE, notFound: 0.1 };

  const tm = new Telemetry();
  const s = {
    reportsGet: tm.kvSeries("reports-get", KV, REPORTS),
    portalGet: tm.kvSeries("portal-get", VAULTS.portal, PORTAL),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const minuteOfHour = (t % HOUR) / MINUTE;
    const jobFailedThisHour = failing(t - minuteOfHour * MINUTE);
    // The job at :00, and its re-runs at :05 and :10 when the :00 run was denied.
    const job = minuteOfHour === 0 || (jobFailedThisHour && minuteOfHour <= 5 * JOB_RERUNS) ? JOB_READS : 0;
    const onDemand = onDemandCalls(t, at);
    const calls = job + onDemand;
    const notFound = sparse("reports/kv-reports-prod/404", t, 0.03);
    // A secret that does not exist is still a 404 only while the caller may read: denied, it is a 403
    // like the rest (authorization comes first), and the pinned window above has no room for one.
    tm.kv(t, s.reportsGet, failing(t) ? { forbiddenRbac: calls } : { succeeded: calls, other: notFound });
    tm.kv(t, s.portalGet, healthy(portal, t));
  }

  const grants = [
    { vault: KV, principalId: REPORTS.objectId },
    { vault: VAULTS.portal, principalId: PORTAL.objectId },
  ];
  const vaults = [{ vault: KV }, { vault: VAULTS.portal }];
  return scenario({
    name: "low-traffic-app",
    description:
      "func-reports calls kv-reports-prod a few times an hour. An access review deletes its Key Vault Secrets User at 09:12 UTC; the first denied call is at 09:31 and " +
      "every hourly job fails until the role is re-granted at 13:38 (last denial 13:44, during propagation). app-portal is a busy caller elsewhere.",
    start: at("09:00"),
    end,
    tables: AUDIT_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([
        { name: REPORTS.name, identities: [REPORTS], critical: false, hasFallback: false },
        { name: PORTAL.name, identities: [PORTAL], critical: true, hasFallback: false },
      ]),
      CONTROL_PLANE_CONFIG: controlPlaneConfig(
        [KV, VAULTS.portal],
        [
          { identity: REPORTS, expect: [KV] },
          { identity: PORTAL, expect: [VAULTS.portal] },
        ],
      ),
    },
    telemetry: tm,
    activity: [
      roleChange(deleted, "delete", KV, REPORTS.objectId, "access-review@contoso.com"),
      roleChange(regranted, "write", KV, REPORTS.objectId, "reports-team@contoso.com"),
    ],
    controlPlane: [
      snapshot(historyFrom, vaults, grants),
      snapshot(
        deleted,
        vaults,
        grants.filter((g) => g.principalId !== REPORTS.objectId),
      ),
      snapshot(regranted, vaults, grants),
    ],
    clients: [
      { app: REPORTS.name, vault: KV, appInsights: false, instances: 1 },
      { app: PORTAL.name, vault: VAULTS.portal, appInsights: false, instances: 3 },
    ],
    incidents: [
      truth({
        name: "reports-secrets-user-deleted",
        cause: deleted,
        onset: firstDenied,
        recovered: lastDenied,
        hypothesis: "H2",
        // SEV-2, as for the other non-critical callers that lose access outright (wrong-audience,
        // exception-only-credential): a path blocked, not degraded — every call is denied and no
        // retry succeeds, so the playbook's SEV-3 ("degraded with retry success") does not apply.
        severity: "SEV-2",
        vault: KV.name,
        identity: REPORTS.name,
        note: "internal reporting, not critical, but blocked outright: every report fails until the role is back; about 16 denied calls an hour",
      }),
    ],
  });
}

/**
 * On-demand report requests in a bin: sparse, shaped like office hours. Pinned around the story's
 * two moments so that the first and last denied calls are the ones it names: none between the
 * deletion and 09:30, one at 09:31 and one at 13:44, none between then and the 14:00 job.
 */
function onDemandCalls(t: number, at: (hhmm: string) => number): number {
  if (t === at("09:30") || t === at("13:40")) return 1;
  if ((t >= at("09:10") && t < at("09:30")) || (t >= at("13:45") && t < at("14:00"))) return 0;
  return sparse("reports/kv-reports-prod/on-demand", t, ON_DEMAND_PEAK * (0.2 + 0.8 * officeShare(t)));
}

function officeShare(t: number): number {
  const hour = (t % DAY) / HOUR;
  const weekday = new Date(t).getUTCDay();
  const open = hour >= 7 && hour < 18 && weekday !== 0 && weekday !== 6;
  return open ? 1 : 0;
}
