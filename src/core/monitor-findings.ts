import type {
  ChannelName,
  Evaluation,
  Incident,
  MonitorBlindness,
  MonitorSubject,
  PendingNotification,
  SignalOutcome,
  Trigger,
} from "./model/index.js";
import { REJECTING_AFTER } from "./notify/backoff.js";
import { utcDateTime } from "./common/utc.js";
import { digest64 } from "./common/hash.js";
import { NO_COUNTS } from "./control-plane-findings.js";
import type { SilentVault } from "./coverage/vault-silence.js";
import type { IngestionStop } from "./signals/ingestion.js";
import { CHANNEL_WORDS, rejectedChannelsOf } from "./notify/rejected-channels.js";
import { channelFix } from "./runbook/channel-steps.js";

const SELF: MonitorSubject = { kind: "monitor" };

/** One incident for the monitor itself, whatever the cause: there is one monitor. */
export const MONITOR_FINGERPRINT = digest64("monitor|self");

export interface MonitorInput {
  signal: SignalOutcome;
  /** The control-plane check could not get the monitor's own token. */
  tokenProblem: string | undefined;
  /** Vaults that went silent (core/coverage/vault-silence.ts); those with a named cause fire. */
  silentVaults?: readonly SilentVault[] | undefined;
  /** The workspace stopped receiving Key Vault data (core/signals/ingestion.ts). */
  ingestionStop?: IngestionStop | undefined;
}

/**
 * What leaves the monitor unable to see any Key Vault data: the query failing, or the workspace
 * no longer receiving it. Blind like this for two ticks in a row, it pages (SEV-2): every vault
 * is unwatched. The other sources (a token, one vault) leave it partly sighted and stay tickets
 * (docs/adr/0015-monitor-blind-pages.md). An answer about Key Vault that cannot be trusted blinds
 * too: its quiet vaults may be failing unseen; 15 of 24 such answers replayed over a SEV-1 outage
 * paged nobody before (docs/adr/0021-untrusted-answers.md).
 */
const BLINDING: readonly MonitorBlindness[] = ["workspace", "ingestion", "answer"];
const blinding = (t: Trigger) => t.kind === "monitor" && BLINDING.includes(t.source ?? "workspace");

/**
 * The `monitor` rule: the monitor cannot read its workspace (the query failed, which includes its
 * own token failing) or cannot get its own token for ARM. A monitor that cannot see is never
 * silent about it, and it inhibits the vault incidents it can no longer confirm. SEV-3 with the
 * ticket pending time: one failed query is routine; a second in a row without any Key Vault data
 * pages (BLINDING above).
 */
export function evaluateMonitor(
  { signal, tokenProblem, silentVaults = [], ingestionStop }: MonitorInput,
  incidents: readonly Incident[],
): Evaluation[] {
  const problems: Extract<Trigger, { kind: "monitor" }>[] = [];
  if (signal.status === "failed")
    problems.push({
      kind: "monitor",
      problem: `the workspace query failed: ${signal.problem}`,
      source: "workspace",
      // The runbook leads with the fix this calls for (a 403: grant Log Analytics Reader).
      ...(signal.failure ? { cause: signal.failure.reason } : {}),
    });
  if (signal.status === "partial")
    // The workspace answered, but not an answer to trust about Key Vault: a vault that looks quiet
    // may be failing unseen, so the monitor says it is blind instead of only degrading /api/health.
    problems.push({
      kind: "monitor",
      problem: `the workspace's answer about Key Vault cannot be trusted: ${signal.problem}`,
      source: "answer",
      ...(signal.failure ? { cause: signal.failure.reason } : {}),
    });
  if (tokenProblem !== undefined) problems.push({ kind: "monitor", problem: tokenProblem, source: "token" });
  // A vault whose diagnostic setting was deleted or changed and that has sent nothing since: the
  // monitor can no longer see it (docs/adr/0014-vault-silence.md). A silence without a named
  // cause degrades /api/health only: it may be a vault nobody uses any more.
  for (const v of silentVaults)
    if (v.cause)
      problems.push({
        kind: "monitor",
        problem: `a vault the monitor can no longer see: ${v.summary}`,
        source: "vault",
      });
  if (ingestionStop)
    problems.push({ kind: "monitor", problem: ingestionStop.problem, source: "ingestion", stop: ingestionStop.cause });
  if (problems.length > 0) {
    const prior = incidents.find((i) => i.id === MONITOR_FINGERPRINT && i.state !== "resolved" && i.conditionFiring);
    const blindAgain = problems.some(blinding) && (prior?.triggers.some(blinding) ?? false);
    return [
      {
        kind: "firing",
        rule: "monitor",
        subject: SELF,
        counts: NO_COUNTS,
        ...(blindAgain
          ? {
              severity: "SEV-2" as const,
              severityReason:
                "for two ticks in a row the monitor could neither read nor trust any Key Vault data: every vault is unwatched until it reads again",
            }
          : {
              severity: "SEV-3" as const,
              severityReason:
                "the monitor is blind: vault incidents can be neither opened nor resolved until it reads again",
            }),
        triggers: problems,
        fingerprint: MONITOR_FINGERPRINT,
      },
    ];
  }
  const open = incidents.find((i) => i.id === MONITOR_FINGERPRINT && i.state !== "resolved");
  return open
    ? [
        {
          kind: "recovered",
          rule: "monitor",
          subject: SELF,
          counts: NO_COUNTS,
          successesInConfirmation: 1,
          fingerprint: MONITOR_FINGERPRINT,
        },
      ]
    : [];
}

/**
 * What the monitor's own incident calls for, when the failed query said why and the fix is
 * known: a 403 is a missing role, not an outage to wait out. Undefined otherwise.
 */
export function monitorFix(incident: Pick<Incident, "rule" | "triggers">): string | undefined {
  if (incident.rule !== "monitor") return undefined;
  const refused = incident.triggers.find((x) => x.kind === "monitor" && x.source === "channel");
  if (refused?.kind === "monitor")
    return `${refused.problem}: ${refused.channel ? channelFix(refused.channel) : "check that channel's settings"}; its notices are delivered once it accepts them`;
  const stopped = incident.triggers.find((x) => x.kind === "monitor" && x.source === "ingestion");
  if (stopped?.kind === "monitor" && stopped.stop === "daily-cap")
    return "the workspace reached its daily cap: raise or remove the cap (Log Analytics workspace > Usage and estimated costs > Daily cap), or wait for its daily reset";
  const t = incident.triggers.find((x) => x.kind === "monitor" && x.source !== "token");
  switch (t?.kind === "monitor" ? t.cause : undefined) {
    case "forbidden":
      return "the query answered 403: the monitor's identity lacks Log Analytics Reader on the workspace";
    case "unauthorized":
      return "the monitor could not authenticate to Log Analytics: check its managed identity (AZURE_CLIENT_ID)";
    case "not-found":
      return "the query answered 404: LOG_ANALYTICS_WORKSPACE_ID names no workspace";
    case "throttled":
      return "the query answered 429: something else is using the monitor identity's query quota";
    default:
      return undefined;
  }
}

/** One incident per rejecting channel: each resolves on its own when its channel accepts again. */
export function channelFingerprint(channel: ChannelName): string {
  return digest64(`monitor|channel|${channel}`);
}

/** A channel that rejected a notice on `REJECTING_AFTER` tries or more, and since when. */
export interface RejectingChannel {
  channel: ChannelName;
  /** The receiver's last HTTP status, when it answered one. */
  status: number | undefined;
  since: Date;
  /** The last error recorded, for a refusal without an HTTP status (a notice vaultwatch could not render). */
  lastError: string | undefined;
  /** Notices still queued for it, and those merged away while it refused (outbox-bounds.ts). */
  queued: number;
  merged: number;
}

const rejects = (p: PendingNotification) => p.lastReason === "client" && p.attempts >= REJECTING_AFTER;

/**
 * The channels that reject notices, judged from the loaded outboxes: a notice refused with a
 * client error (a 4xx that cannot succeed, such as a revoked Teams Workflows URL) on two tries
 * half an hour apart. A channel that accepts again delivers its queue, and the notices that made
 * it "rejecting" leave the outbox with it.
 */
export function rejectingChannels(incidents: readonly Pick<Incident, "outbox">[]): RejectingChannel[] {
  const out = new Map<ChannelName, RejectingChannel>();
  const all = incidents.flatMap((i) => i.outbox);
  for (const p of all.filter(rejects)) {
    const since = p.failingSince ?? p.decidedAt;
    const seen = out.get(p.channel);
    if (!seen || since.getTime() < seen.since.getTime())
      out.set(p.channel, {
        channel: p.channel,
        status: p.lastStatus ?? seen?.status,
        since,
        lastError: p.lastError ?? seen?.lastError,
        queued: 0,
        merged: 0,
      });
  }
  for (const r of out.values()) {
    const mine = all.filter((p) => p.channel === r.channel);
    r.queued = mine.length;
    r.merged = mine.reduce((n, p) => n + (p.merged ?? 0), 0);
  }
  return [...out.values()].sort((a, b) => a.channel.localeCompare(b.channel));
}

/** "channel Teams rejects notices: HTTP 400 since 2026-11-20 03:05 UTC", and what waits meanwhile. */
export function rejectionWords(r: RejectingChannel): string {
  const why = r.status !== undefined ? `HTTP ${r.status}` : (r.lastError ?? "a client error").slice(0, 160);
  const waiting = `${r.queued} notice(s) wait for it${r.merged > 0 ? `, ${r.merged} more merged into them` : ""}`;
  return `channel ${CHANNEL_WORDS[r.channel]} rejects notices: ${why} since ${utcDateTime(r.since)} (${waiting})`;
}

/**
 * The rejecting-channel findings: one `monitor` incident per channel that rejects notices, sent
 * to every other configured channel (plan.ts, `rejectedChannelsOf`), and recovered once no
 * notice of that channel is refused any more. A SEV-3 ticket: the pages themselves still reach
 * the channels that accept them, and this says which one is deaf.
 */
export function evaluateChannels(incidents: readonly Incident[]): Evaluation[] {
  const rejecting = rejectingChannels(incidents.filter((i) => !rejectedChannelsOf(i).length));
  const firing: Evaluation[] = rejecting.map((r) => ({
    kind: "firing",
    rule: "monitor",
    subject: SELF,
    counts: NO_COUNTS,
    severity: "SEV-3",
    severityReason: `notices to ${CHANNEL_WORDS[r.channel]} are refused; the other channels still receive them`,
    triggers: [{ kind: "monitor", problem: rejectionWords(r), source: "channel", channel: r.channel }],
    fingerprint: channelFingerprint(r.channel),
  }));
  const still = new Set(firing.map((e) => e.fingerprint));
  const recovered: Evaluation[] = incidents
    .filter((i) => i.state !== "resolved" && rejectedChannelsOf(i).length > 0 && !still.has(i.id))
    .map((i) => ({
      kind: "recovered",
      rule: "monitor",
      subject: SELF,
      counts: NO_COUNTS,
      successesInConfirmation: 1,
      fingerprint: i.id,
    }));
  return [...firing, ...recovered];
}
