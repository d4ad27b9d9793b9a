import type { Evaluation, Incident, Policy, Severity, WindowCounts } from "./model/index.js";
import { appOf } from "./model/subject.js";
import type { SignalRow } from "./signals/signal-set.js";
import { digest64 } from "./common/hash.js";
import { NO_COUNTS } from "./control-plane-findings.js";
import { HYPOTHESIS_TITLES } from "./diagnosis/index.js";
import { MINUTE_MS } from "./common/duration.js";

type Row = SignalRow<"dependency-calls">;

export const networkFingerprint = (app: string) => digest64(`network|${app.toLowerCase()}`);

interface AppWindow {
  total: number;
  network: number;
  auth: number;
  targets: Set<string>;
}

function sum(rows: readonly Row[], from: Date, to: Date): Map<string, AppWindow> {
  const byApp = new Map<string, AppWindow>();
  for (const r of rows) {
    if (r.binStart.getTime() < from.getTime() || r.binStart.getTime() >= to.getTime()) continue;
    const a = byApp.get(r.dims.appRoleName) ?? { total: 0, network: 0, auth: 0, targets: new Set<string>() };
    const network = r.counts.timeouts + r.counts.connectionFailures + r.counts.serverErrors;
    a.total += r.counts.total;
    a.network += network;
    a.auth += r.counts.unauthorized + r.counts.forbidden;
    if (network > 0) a.targets.add(r.dims.target);
    byApp.set(r.dims.appRoleName, a);
  }
  return byApp;
}

/**
 * The `network` rule: an app whose outgoing calls fail without an answer (timeouts, connection
 * failures, 5xx) in most of its calls, and more often than they are denied. That is playbook H6's
 * "timeout and DNS errors dominate": the cause is the path, and the auth incidents of the same app
 * are symptoms (they are inhibited while this fires). Severity follows the app's criticality.
 */
export function evaluateNetwork(
  rows: readonly Row[],
  incidents: readonly Incident[],
  now: Date,
  policy: Policy,
): Evaluation[] {
  const window = sum(rows, new Date(now.getTime() - policy.windowMinutes * MINUTE_MS), now);
  const out: Evaluation[] = [];
  const fired = new Set<string>();
  for (const [app, a] of window) {
    if (a.network < policy.minFailures || a.network * 2 <= a.total || a.network <= a.auth) continue;
    const spec = policy.spec.apps.find((x) => x.name.toLowerCase() === app.toLowerCase());
    const severity: Severity = spec?.critical ? (spec.hasFallback ? "SEV-2" : "SEV-1") : "SEV-3";
    const targets = [...a.targets].sort();
    const sentence = `${a.network} of ${a.total} calls from ${app} to ${targets.join(", ")} got no answer (timeouts, connection failures or 5xx); ${a.auth} were 401/403`;
    fired.add(networkFingerprint(app));
    out.push({
      kind: "firing",
      rule: "network",
      subject: { kind: "app", app },
      counts: countsOf(a),
      severity,
      severityReason: spec?.critical
        ? `${app} is critical${spec.hasFallback ? " with a fallback" : " without a fallback"} and its calls are failing`
        : `${app} is not marked critical`,
      triggers: [{ kind: "network", app, failures: a.network, total: a.total, targets }],
      fingerprint: networkFingerprint(app),
      diagnosis: {
        top: [{ id: "H6", title: HYPOTHESIS_TITLES.H6, verdict: "likely", confirming: [sentence], disproving: [] }],
        decidedBy: sentence,
        propagation: undefined,
        summary: `H6 ${HYPOTHESIS_TITLES.H6}: ${sentence}`,
      },
    });
  }
  // Recovery needs calls that got answers for the whole confirmation period, as for the vault rules.
  const confirmation = sum(rows, new Date(now.getTime() - policy.resolveAfterMinutes * MINUTE_MS), now);
  for (const i of incidents) {
    if (i.rule !== "network" || i.state === "resolved" || fired.has(i.id)) continue;
    const app = appOf(i.subject) ?? "";
    const c = confirmation.get(app);
    if (!c || c.total === 0) out.push({ kind: "no-traffic", rule: "network", subject: i.subject, fingerprint: i.id });
    else if (c.network === 0)
      out.push({
        kind: "recovered",
        rule: "network",
        subject: i.subject,
        counts: countsOf(c),
        successesInConfirmation: c.total,
        fingerprint: i.id,
      });
    else out.push({ kind: "settling", rule: "network", subject: i.subject, counts: countsOf(c), fingerprint: i.id });
  }
  return out;
}

function countsOf(a: AppWindow): WindowCounts {
  return {
    ...NO_COUNTS,
    total: a.total,
    succeeded: a.total - a.network - a.auth,
    failures: a.network,
    failurePercent: a.total ? (100 * a.network) / a.total : 0,
    currentFailurePercent: a.total ? (100 * a.network) / a.total : 0,
  };
}
