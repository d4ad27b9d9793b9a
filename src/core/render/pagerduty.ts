import type { Notice, NotificationKind, RuleId, Severity } from "../model/index.js";
import type { NoticeContent } from "./notice-content.js";
import { callerName, vaultName } from "../model/names.js";
import { RESPONSE } from "../model/severity.js";
import { digest64 } from "../common/hash.js";
import {
  channelRejection,
  cutText,
  failureSentence,
  lostDetailsSentence,
  severityRise,
  titleOf,
  triggerSentence,
} from "./words.js";
import { utcTime } from "../common/utc.js";
import { forbiddenOf } from "../signals/request-counts.js";
import { appOf, callerOf, vaultOf } from "../model/subject.js";
import { groupFacts, groupOf } from "./group-words.js";
import { revisionLine } from "../diagnosis/index.js";

/** PagerDuty's Events API v2 endpoint for alert events (PAGERDUTY_URL's default). */
export const PAGERDUTY_ENQUEUE_URL = "https://events.pagerduty.com/v2/enqueue";

export { cutText };

/** PagerDuty Events API v2 limits (the same ones Alertmanager's PagerDuty notifier enforces). */
export const PAGERDUTY_MAX_EVENT_BYTES = 512_000;
export const PAGERDUTY_MAX_SUMMARY_CHARS = 1024;
export const PAGERDUTY_MAX_DEDUP_KEY_CHARS = 255;

export type PagerDutyAction = "trigger" | "acknowledge" | "resolve";
export type PagerDutySeverity = "critical" | "error" | "warning" | "info";

export interface PagerDutyPayload {
  summary: string;
  source: string;
  severity: PagerDutySeverity;
  timestamp: string;
  component?: string;
  group?: string;
  class?: string;
  custom_details?: Record<string, unknown>;
}

export interface PagerDutyLink {
  href: string;
  text: string;
}

/** A trigger opens the alert, or updates the open one with the same dedup_key. */
export interface PagerDutyTriggerEvent {
  event_action: "trigger";
  dedup_key: string;
  payload: PagerDutyPayload;
  links: PagerDutyLink[];
  client: string;
}

/** PagerDuty ignores a payload on acknowledge and resolve: the dedup_key is all it reads. */
export interface PagerDutyFollowUpEvent {
  event_action: "acknowledge" | "resolve";
  dedup_key: string;
}

/** An Events v2 event without `routing_key`: the adapter adds the key at send time. */
export type PagerDutyEvent = PagerDutyTriggerEvent | PagerDutyFollowUpEvent;

export const PAGERDUTY_ACTION: Record<NotificationKind, PagerDutyAction> = {
  opened: "trigger",
  // A re-trigger with the same dedup_key updates the open alert instead of opening another.
  escalated: "trigger",
  unacknowledged: "trigger",
  repeated: "trigger",
  acknowledged: "acknowledge",
  resolved: "resolve",
  // The group's open alert, updated: PagerDuty appends a trigger with an open alert's dedup_key to
  // that alert (no new incident, no new notification), as Alertmanager's group updates do.
  updated: "trigger",
};

export const PAGERDUTY_SEVERITY: Record<Severity, PagerDutySeverity> = {
  "SEV-1": "critical",
  "SEV-2": "error",
  "SEV-3": "warning",
  "SEV-4": "info",
};

const CLIENT = "vaultwatch";
/** Stands in for the key when measuring, so the size check covers the event as sent. */
const ROUTING_KEY_PLACEHOLDER = "x".repeat(32);

/** Renders a notice as a PagerDuty Events API v2 event. */
export function renderPagerDutyEvent(notice: Notice, content: NoticeContent): PagerDutyEvent {
  const action = PAGERDUTY_ACTION[notice.kind];
  const dedup_key = dedupKey(notice.dedupKey);
  if (action !== "trigger") return { event_action: action, dedup_key };

  const event: PagerDutyTriggerEvent = {
    event_action: "trigger",
    dedup_key,
    payload: payload(notice, content),
    links: links(notice, content),
    client: CLIENT,
  };
  const bytes = eventBytes(event);
  if (bytes <= PAGERDUTY_MAX_EVENT_BYTES) return event;
  // As Alertmanager does: keep the alert (summary, severity, links), drop the details.
  event.payload.custom_details = {
    truncated: `Details removed: the event was ${bytes} bytes, over PagerDuty's ${PAGERDUTY_MAX_EVENT_BYTES}-byte limit. Open the evidence link, or incident ${notice.snapshot.id} in vaultwatch, for the runbook and diagnosis.`,
    incident: notice.snapshot.id,
  };
  if (eventBytes(event) > PAGERDUTY_MAX_EVENT_BYTES) event.links = [];
  return event;
}

/** UTF-8 size of the event as the adapter will post it (routing key included). */
export function eventBytes(event: PagerDutyEvent): number {
  return new TextEncoder().encode(JSON.stringify({ routing_key: ROUTING_KEY_PLACEHOLDER, ...event })).length;
}

/** PagerDuty refuses a dedup_key over 255 characters; a longer one keeps its start and a digest. */
function dedupKey(key: string): string {
  if (key.length <= PAGERDUTY_MAX_DEDUP_KEY_CHARS) return key;
  const digest = digest64(key);
  return `${key.slice(0, PAGERDUTY_MAX_DEDUP_KEY_CHARS - digest.length - 1)}-${digest}`;
}

/**
 * What the summary says changed. A severity rise is not "escalated": in PagerDuty an escalation
 * is the escalation policy handing the incident to the next responder, which is what the
 * `unacknowledged` notice's route does.
 */
function kindNote(n: Notice): string {
  switch (n.kind) {
    case "escalated":
      return " (severity raised)";
    case "unacknowledged":
      return " (not acknowledged, sent to the escalation route)";
    case "repeated":
      return " (still firing)";
    case "updated":
      return " (updated)";
    default:
      return "";
  }
}

function payload(notice: Notice, content: NoticeContent): PagerDutyPayload {
  const s = notice.snapshot;
  const vault = vaultName(vaultOf(s.subject));
  // Network incidents are about an app's calls and may name no vault; the monitor's own findings
  // are about vaultwatch itself.
  const source = vaultOf(s.subject) ? vault.name : (appOf(s.subject) ?? (s.rule === "monitor" ? CLIENT : vault.name));
  const what = failureSentence(s, content.windowMinutes);
  const identity = identityOf(notice);
  const who = identity && identity.name !== source ? ` for ${identity.label}` : "";
  const group = groupOf(notice);
  const more = group ? ` (+${group.members.length - 1} more with the same cause)` : "";
  const about = s.rule === "monitor" ? "" : ` on ${source}${who}${more}`;
  // "Channel Teams rejects notices: HTTP 400 since …": the title already says whose notices.
  const said = channelRejection(s)?.detail ?? what;
  // Before the words that may be cut: a notice whose details were lost must say so whole.
  const lost = notice.snapshotMissing
    ? ` (details lost in storage; shown as the incident stands${notice.snapshotAt ? ` at ${utcTime(notice.snapshotAt)}` : " now"})`
    : "";
  const summary = cutText(
    `${notice.kind === "escalated" ? severityRise(notice) : s.severity}${kindNote(notice)}${lost}: ${titleOf(s)}${about}: ${said}`,
    PAGERDUTY_MAX_SUMMARY_CHARS,
  );
  const p: PagerDutyPayload = {
    summary,
    source,
    severity: PAGERDUTY_SEVERITY[s.severity],
    timestamp: notice.decidedAt.toISOString(),
    class: s.rule,
    custom_details: details(notice, content, what),
  };
  if (identity) p.component = identity.name;
  if (vault.resourceGroup) p.group = vault.resourceGroup;
  return p;
}

/** Who the alert is about; none for findings about a vault alone (anonymous callers count for request rules). */
function identityOf(notice: Notice): { name: string; label: string } | undefined {
  const s = notice.snapshot;
  const caller = callerName(callerOf(s.subject));
  if (isRequestRule(s.rule) || caller.objectId || caller.resourceId)
    return { name: caller.name ?? caller.label, label: caller.label };
  const app = appOf(s.subject);
  if (app) return { name: app, label: app };
  return undefined;
}

function isRequestRule(rule: RuleId): boolean {
  return rule === "kv-auth-denied" || rule === "kv-throttled";
}

function details(notice: Notice, content: NoticeContent, what: string): Record<string, unknown> {
  const s = notice.snapshot;
  const c = s.counts;
  const vault = vaultName(vaultOf(s.subject));
  const caller = callerName(callerOf(s.subject));
  const identity = identityOf(notice);
  const lost = lostDetailsSentence(notice);
  const d: Record<string, unknown> = {
    what,
    ...(lost ? { details_lost: lost } : {}),
    notice: notice.kind,
    ...(notice.raisedFrom ? { severity_raised_from: notice.raisedFrom } : {}),
    incident: s.id,
    severity: s.severity,
    severity_reason: s.severityReason,
    expected_response: RESPONSE[s.severity],
    vault: vaultOf(s.subject)
      ? { name: vault.name, resource_group: vault.resourceGroup || undefined, resource_id: vault.id }
      : undefined,
    identity: identity
      ? {
          label: identity.label,
          object_id: caller.objectId || undefined,
          app_id: caller.appId || undefined,
          resource_id: caller.resourceId || undefined,
        }
      : undefined,
    opened_at: s.openedAt.toISOString(),
    flapping: s.flapping,
  };
  if (isRequestRule(s.rule)) {
    d.counts = {
      window_minutes: content.windowMinutes,
      total: c.total,
      succeeded: c.succeeded,
      failures: c.failures,
      failure_percent: c.failurePercent,
      current_failure_percent: c.currentFailurePercent,
      unauthorized_401: c.unauthorized,
      forbidden_403: forbiddenOf(c),
      forbidden_by: { rbac: c.forbiddenRbac, access_policy: c.forbiddenPolicy, firewall: c.forbiddenFirewall },
      throttled_429: c.throttled,
      peak_failures: s.peakFailures,
      operations: c.operations,
      first_failure_at: c.firstFailureAt?.toISOString(),
      last_failure_at: c.lastFailureAt?.toISOString(),
    };
  }
  const group = groupOf(notice);
  if (group)
    d.group = {
      key: group.key,
      opened_at: group.openedAt.toISOString(),
      affected: Object.fromEntries(
        groupFacts(group).map(([label, text]) => [label.toLowerCase().replace(/ /g, "_"), text]),
      ),
      incidents: group.members.map((m) => ({
        id: m.id,
        rule: m.rule,
        state: m.state,
        severity: m.severity,
        vault: m.vault,
        identity: m.identity,
        app: m.app,
        failures: m.failures,
        total: m.total,
        finding: m.finding,
        closed_by_hand_by: m.closedBy,
      })),
    };
  d.why = s.triggers.map(triggerSentence);
  if (s.diagnosis) {
    const dx = s.diagnosis;
    d.likely_cause = {
      summary: dx.summary,
      decided_by: dx.decidedBy,
      revised: revisionLine(dx),
      propagation: dx.propagation
        ? { retest_at: dx.propagation.retestAt.toISOString(), text: dx.propagation.text }
        : undefined,
      hypotheses: dx.top.map((h) => ({
        id: h.id,
        title: h.title,
        verdict: h.verdict,
        confirming: h.confirming,
        disproving: h.disproving,
      })),
    };
  }
  d.runbook = content.steps.map((step, i) => ({
    step: i + 1,
    title: step.title,
    command: step.command,
    kql: step.kql,
  }));
  d.responder = {
    state: s.responder.state,
    by: s.responder.by,
    at: s.responder.at?.toISOString(),
    note: s.responder.note,
  };
  if (content.evidenceLink) d.evidence = content.evidenceLink;
  return d;
}

function links(notice: Notice, content: NoticeContent): PagerDutyLink[] {
  const out: PagerDutyLink[] = [];
  if (content.evidenceLink) out.push({ href: content.evidenceLink, text: "Evidence query in Log Analytics" });
  const vault = vaultName(vaultOf(notice.snapshot.subject));
  if (vault.subscriptionId)
    out.push({
      href: `https://portal.azure.com/#resource${vault.id}/overview`,
      text: `Key Vault ${vault.name} in the Azure portal`,
    });
  return out;
}
