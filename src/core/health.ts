import type { Evaluation, Heartbeat, Incident, SignalHealth } from "./model/index.js";
import { callerName, vaultName } from "./model/names.js";
import { callerOf, vaultOf } from "./model/subject.js";
import { channelRejection, RULE_TITLE, subjectWords, titleOf } from "./render/words.js";
import { monitorFix } from "./monitor-findings.js";
import type { ChannelName } from "./model/index.js";
import { mergedByChannel } from "./notify/outbox-bounds.js";
import { CLIENT_TRIES, isParked, PARK_MS } from "./notify/backoff.js";

export type HealthStatus = "healthy" | "unhealthy" | "degraded";

export interface TargetHealth {
  vault: string;
  vaultResourceId: string;
  identity: string;
  objectId: string;
  /** failing: an incident is firing, or the live check fires now; the rest come from the live check. */
  status: "failing" | "ok" | "recovering" | "no-traffic";
  problem: string;
  severity: string | null;
  incidentId: string | null;
  openedAt: string | null;
  lastFailureAt: string | null;
  failures: number;
  requests: number;
}

/** The on-demand check `/api/health` runs: the tick's query and rules, judged now, nothing written. */
export type LiveCheck =
  | { status: "ran"; at: Date; partial: boolean; evaluations: readonly Evaluation[] }
  | { status: "timed-out"; budgetMs: number }
  | { status: "failed"; problem: string };

export interface HealthReport {
  status: HealthStatus;
  httpStatus: 200 | 503;
  checkedAt: string;
  /** Why the status is what it is, one line each, most important first. */
  reasons: string[];
  monitor: {
    lastTickAt: string | null;
    lastTickAgeSeconds: number | null;
    fresh: boolean;
    signal: Heartbeat["signalStatus"] | "none";
    problem: string | null;
    seriesObserved: number;
    undeliveredNotifications: number;
    /** Incidents the last tick could not write or deliver (the others went on), and the first of them. */
    incidentFailures: number;
    incidentFailure: string | null;
    /** Query API round trips the last tick took. */
    requests: number;
    signals: Record<string, SignalHealth>;
    /** Signals the workspace cannot feed (a missing diagnostic setting, say): known gaps, not faults. */
    coverageGaps: string[];
    /** The data horizon the last tick judged up to, and each table's ingestion delay and newest record. */
    ingestion: NonNullable<Heartbeat["ingestion"]> | null;
    /** Vaults that stopped sending AuditEvent, seen from the logs alone: blind spots, never healthy. */
    silentVaults: NonNullable<Heartbeat["silentVaults"]>;
  };
  /** Every configured SLO: budget left, hours to exhaustion at the current burn, tier firing. */
  slos: Heartbeat["slos"];
  /** The last control-plane check: role and vault drift, blind spots, the monitor's own access. */
  controlPlane: Heartbeat["controlPlane"] | null;
  targets: TargetHealth[];
  /** The on-demand check: "ran" (targets judged now), "timed-out", "failed" or "not-run". */
  live: { status: LiveCheck["status"] | "not-run"; problem: string | null };
}

export interface HealthInput {
  now: Date;
  heartbeat: Heartbeat | undefined;
  incidents: readonly Incident[];
  staleAfterMinutes: number;
  live?: LiveCheck | undefined;
}

/**
 * Health as on-call needs it: failing targets or an SLO burning its budget make it unhealthy; a
 * monitor that is stale, whose
 * query failed or was partial, or whose alerts are stuck undelivered is degraded (unknown), which
 * is never reported as healthy. Only "healthy" answers 200.
 */
export function assessHealth({ now, heartbeat, incidents, staleAfterMinutes, live }: HealthInput): HealthReport {
  const reasons: string[] = [];
  const open = incidents.filter((i) => i.state === "firing");
  const undelivered = incidents.reduce((n, i) => n + i.outbox.length, 0);
  const age = heartbeat ? Math.round((now.getTime() - heartbeat.tickAt.getTime()) / 1000) : null;
  const fresh = age !== null && age <= staleAfterMinutes * 60;

  for (const i of open) {
    const fix = monitorFix(i);
    reasons.push(
      `${i.severity} ${titleOf(i)}${channelRejection(i) ? "" : `: ${subjectWords(i)}`}${fix ? ` (${fix})` : ""}${i.responder.state === "acknowledged" ? ` (acknowledged by ${i.responder.by})` : ""}${i.mutedBy ? ` (muted: ${i.mutedBy})` : ""}`,
    );
  }
  let degraded = false;
  // A monitor that stopped ticking is itself an outage of the monitoring: unhealthy, not unknown.
  let stale = false;
  if (!heartbeat) {
    degraded = true;
    reasons.push("the monitor has not completed a tick yet");
  } else if (!fresh) {
    stale = true;
    reasons.push(
      `the last tick was ${Math.round((age ?? 0) / 60)} minutes ago (stale after ${staleAfterMinutes}): the monitor has stopped`,
    );
  }
  const liveTargets = live?.status === "ran" ? liveTargetsOf(live.evaluations, open) : [];
  const liveFailing = liveTargets.filter((t) => t.status === "failing");
  for (const t of liveFailing)
    reasons.push(
      `failing now (live check): ${t.problem}: ${t.identity} on ${t.vault}, ${t.failures} of ${t.requests} calls`,
    );
  if (live && live.status !== "ran") {
    degraded = true;
    reasons.push(
      live.status === "timed-out"
        ? `the live check did not finish within ${live.budgetMs / 1000} s; showing the last tick`
        : `the live check failed: ${live.problem}`,
    );
  } else if (live?.status === "ran" && live.partial) {
    degraded = true;
    reasons.push("the live check got partial results");
  }
  if (heartbeat?.signalStatus === "failed") {
    degraded = true;
    reasons.push(`the last Key Vault query failed: ${heartbeat.problem ?? "unknown error"}`);
  } else if (heartbeat?.signalStatus === "partial") {
    degraded = true;
    reasons.push(`the last Key Vault query returned partial results: ${heartbeat.problem ?? "unknown error"}`);
  }
  for (const [name, s] of Object.entries(heartbeat?.signals ?? {})) {
    if (name === "kv-requests") continue; // reported above through signalStatus
    if (s.status === "failed" || s.status === "degraded") {
      degraded = true;
      reasons.push(`the ${name} signal is ${s.status}: ${s.problem ?? "unknown error"}`);
    }
  }
  // A vault that went silent cannot be judged: unknown, never healthy (a named cause also opens
  // the monitor's incident, reported above).
  for (const v of heartbeat?.silentVaults ?? []) {
    degraded = true;
    reasons.push(`blind spot (from the logs): ${v.summary}`);
  }
  const coverageGaps = Object.entries(heartbeat?.signals ?? {})
    .filter(([, s]) => s.status === "unavailable")
    .map(([name, s]) => `${name}: ${s.problem ?? "unavailable"}`)
    // Signals that answered but cannot see part of what they should (an app's dependency tracking off).
    .concat(
      Object.entries(heartbeat?.signals ?? {}).flatMap(([name, s]) => (s.gaps ?? []).map((g) => `${name}: ${g}`)),
    );
  for (const slo of heartbeat?.slos ?? []) {
    if (slo.status === "firing")
      reasons.push(`SLO ${slo.name} is burning its error budget (${slo.firing ?? "a tier fired"})`);
  }
  if (undelivered > 0) {
    degraded = true;
    const byChannel = new Map<string, { count: number; lastError: string | undefined; parked: number }>();
    for (const n of incidents.flatMap((i) => i.outbox)) {
      const c = byChannel.get(n.channel) ?? { count: 0, lastError: undefined, parked: 0 };
      byChannel.set(n.channel, {
        count: c.count + 1,
        lastError: n.lastError ?? c.lastError,
        parked: c.parked + (isParked(n) ? 1 : 0),
      });
    }
    const merged = mergedByChannel(incidents);
    for (const [channel, c] of byChannel) {
      const m = merged.get(channel as ChannelName) ?? 0;
      const extra = [
        m > 0 ? `${m} earlier notice(s) merged into them` : "",
        c.parked > 0 ? `${c.parked} parked after ${CLIENT_TRIES} refusals, probed every ${PARK_MS / 3_600_000} h` : "",
      ].filter(Boolean);
      reasons.push(
        `${c.count} notification(s) not yet delivered to ${channel}${extra.length ? ` (${extra.join("; ")})` : ""}${c.lastError ? ` (last error: ${c.lastError})` : ""}`,
      );
    }
  }
  if ((heartbeat?.incidentFailures ?? 0) > 0) {
    degraded = true;
    reasons.push(
      `the last tick could not write or deliver ${heartbeat?.incidentFailures} incident(s); the others went on${heartbeat?.incidentFailure ? ` (first: ${heartbeat.incidentFailure})` : ""}`,
    );
  }

  const cp = heartbeat?.controlPlane;
  let cpFailing = false;
  if (cp) {
    if (cp.problem) {
      degraded = true;
      reasons.push(cp.problem);
    }
    for (const p of cp.monitorProblems) {
      degraded = true;
      reasons.push(`control plane (the monitor itself): ${p}`);
    }
    for (const f of cp.findings) {
      // A blind spot means the monitor cannot see a vault: unknown, not failing.
      if (f.kind === "blind-spot") {
        degraded = true;
        reasons.push(`blind spot: ${f.summary}`);
      } else if (f.severity === "SEV-1" || f.severity === "SEV-2") {
        cpFailing = true;
        reasons.push(`${f.severity} control plane: ${f.summary}`);
      }
    }
  }
  const burning = (heartbeat?.slos ?? []).some((s) => s.status === "firing");
  const status: HealthStatus =
    open.length > 0 || burning || cpFailing || stale || liveFailing.length > 0
      ? "unhealthy"
      : degraded
        ? "degraded"
        : "healthy";
  if (status === "healthy") reasons.push("no open incidents; the last tick is fresh and complete");
  return {
    status,
    httpStatus: status === "healthy" ? 200 : 503,
    checkedAt: now.toISOString(),
    reasons,
    monitor: {
      lastTickAt: heartbeat?.tickAt.toISOString() ?? null,
      lastTickAgeSeconds: age,
      fresh,
      signal: heartbeat?.signalStatus ?? "none",
      problem: heartbeat?.problem ?? null,
      seriesObserved: heartbeat?.seriesObserved ?? 0,
      undeliveredNotifications: undelivered,
      incidentFailures: heartbeat?.incidentFailures ?? 0,
      incidentFailure: heartbeat?.incidentFailure ?? null,
      requests: heartbeat?.requests ?? 0,
      signals: heartbeat?.signals ?? {},
      coverageGaps,
      ingestion: heartbeat?.ingestion ?? null,
      silentVaults: heartbeat?.silentVaults ?? [],
    },
    slos: heartbeat?.slos ?? [],
    controlPlane: cp ?? null,
    targets: [
      ...open.map((i) => ({
        vault: vaultName(vaultOf(i.subject)).name,
        vaultResourceId: vaultOf(i.subject) ?? "",
        identity: callerName(callerOf(i.subject)).label,
        objectId: callerOf(i.subject)?.callerObjectId ?? "",
        status: "failing" as const,
        problem: RULE_TITLE[i.rule],
        severity: i.severity,
        incidentId: i.id,
        openedAt: i.openedAt.toISOString(),
        lastFailureAt: i.lastFailureAt?.toISOString() ?? null,
        failures: i.counts.failures,
        requests: i.counts.total,
      })),
      ...liveTargets,
    ],
    live: { status: live?.status ?? "not-run", problem: live?.status === "failed" ? live.problem : null },
  };
}

const LIVE_STATUS = { firing: "failing", settling: "recovering", recovered: "ok", "no-traffic": "no-traffic" } as const;

/**
 * Every vault-and-caller series the live check judged, except those an open incident already
 * reports: per target, the worst of its rules now.
 */
function liveTargetsOf(evaluations: readonly Evaluation[], open: readonly Incident[]): TargetHealth[] {
  const reported = new Set(open.map((i) => `${vaultOf(i.subject) ?? ""}|${callerOf(i.subject)?.callerObjectId ?? ""}`));
  const rank = { failing: 3, recovering: 2, "no-traffic": 1, ok: 0 };
  const byTarget = new Map<string, TargetHealth>();
  for (const e of evaluations) {
    const s = e.subject;
    if ((e.rule !== "kv-auth-denied" && e.rule !== "kv-throttled") || s.kind !== "caller-on-vault") continue;
    if (!s.vaultResourceId) continue;
    const id = `${s.vaultResourceId}|${s.callerObjectId}`;
    if (reported.has(id)) continue;
    const status = LIVE_STATUS[e.kind];
    const counts = "counts" in e ? e.counts : undefined;
    const t: TargetHealth = {
      vault: vaultName(s.vaultResourceId).name,
      vaultResourceId: s.vaultResourceId,
      identity: callerName(s).label,
      objectId: s.callerObjectId,
      status,
      problem: status === "ok" ? "no failures" : RULE_TITLE[e.rule],
      severity: e.kind === "firing" ? e.severity : null,
      incidentId: null,
      openedAt: null,
      lastFailureAt: counts?.lastFailureAt?.toISOString() ?? null,
      failures: counts?.failures ?? 0,
      requests: counts?.total ?? 0,
    };
    const prev = byTarget.get(id);
    if (!prev || rank[t.status] > rank[prev.status]) byTarget.set(id, t);
  }
  return [...byTarget.values()];
}
