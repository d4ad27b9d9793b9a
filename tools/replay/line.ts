import type { Notice, NotificationKind, RuleId, Severity } from "../../src/core/model/index.js";
import { callerName, vaultName } from "../../src/core/model/names.js";
import { appOf, callerOf, vaultOf } from "../../src/core/model/subject.js";
import { namedHypothesis } from "../../src/core/diagnosis/index.js";

/** What a replay notification line calls each notice kind (an unacknowledged page is escalated). */
export const EVENT_OF: Record<NotificationKind, ReplayEvent> = {
  opened: "fired",
  repeated: "repeated",
  escalated: "escalated",
  unacknowledged: "escalated",
  acknowledged: "acknowledged",
  resolved: "resolved",
  // A group's list of what it affects changed: never a page.
  updated: "updated",
};

export type ReplayEvent = "fired" | "repeated" | "escalated" | "acknowledged" | "resolved" | "updated";

/** One notification as `vaultwatch replay` writes it: one JSON object per line. */
export interface NotificationLine {
  /** Simulated time the notice was decided (ISO 8601, UTC). */
  at: string;
  event: ReplayEvent;
  /** The notice kind behind the event (`unacknowledged` and `escalated` are both escalations). */
  kind: NotificationKind;
  incident: string;
  rule: RuleId;
  severity: Severity;
  /** The incident's hypothesis: its first when likely or possible (namedHypothesis), `none` otherwise. */
  hypothesis: string;
  /** Null, rather than absent, when not known: every line has the same keys. */
  verdict: string | null;
  vault: string | null;
  identity: string | null;
  app: string | null;
  summary: string;
  /**
   * The notification thread: the dedup key every notice of the episode (or of its group) carries,
   * PagerDuty's dedup_key. One thread is one page at most, however many incidents it lists.
   */
  thread: string;
  /** What the thread's group affects when the notice speaks for a group (docs/adr/0022); null otherwise. */
  members: LineMember[] | null;
}

/** One incident a group notice lists. */
export interface LineMember {
  incident: string;
  rule: RuleId;
  state: string;
  severity: Severity;
  vault: string | null;
  identity: string | null;
  app: string | null;
}

/** The line for one delivered notice. */
export function notificationLine(n: Notice): NotificationLine {
  const s = n.snapshot;
  // The incident's one diagnosis, named as every channel names it.
  const top = namedHypothesis(s.diagnosis);
  const caller = callerName(callerOf(s.subject));
  const vault = vaultOf(s.subject);
  return {
    at: n.decidedAt.toISOString(),
    event: EVENT_OF[n.kind],
    kind: n.kind,
    incident: s.id,
    rule: s.rule,
    severity: s.severity,
    hypothesis: top?.id ?? "none",
    verdict: top?.verdict ?? null,
    vault: vault ? vaultName(vault).name : null,
    identity: caller.name ?? (caller.objectId || null),
    app: appOf(s.subject) ?? null,
    summary: s.diagnosis?.summary ?? s.severityReason,
    thread: n.dedupKey,
    members:
      n.group?.members.map((m) => ({
        incident: m.id,
        rule: m.rule,
        state: m.state,
        severity: m.severity,
        vault: m.vault ?? null,
        identity: m.identity ?? null,
        app: m.app ?? null,
      })) ?? null,
  };
}
