import type { Notice, NotificationKind, RuleId, Severity } from "../../src/core/model/index.js";
import { callerName, vaultName } from "../../src/core/model/names.js";
import { appOf, callerOf, vaultOf } from "../../src/core/model/subject.js";

/** What a replay notification line calls each notice kind (an unacknowledged page is escalated). */
export const EVENT_OF: Record<NotificationKind, ReplayEvent> = {
  opened: "fired",
  repeated: "repeated",
  escalated: "escalated",
  unacknowledged: "escalated",
  acknowledged: "acknowledged",
  resolved: "resolved",
};

export type ReplayEvent = "fired" | "repeated" | "escalated" | "acknowledged" | "resolved";

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
  /** First of the ranked hypotheses that is likely or possible; `none` when none is. */
  hypothesis: string;
  /** Null, rather than absent, when not known: every line has the same keys. */
  verdict: string | null;
  vault: string | null;
  identity: string | null;
  app: string | null;
  summary: string;
}

/** The line for one delivered notice. */
export function notificationLine(n: Notice): NotificationLine {
  const s = n.snapshot;
  const top = s.diagnosis?.top.find((h) => h.verdict === "likely" || h.verdict === "possible");
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
  };
}
