import { z } from "zod";
import { QUERY_FAILURE_REASONS } from "../core/signals/query-failure.js";
import { INGESTION_STOP_CAUSES, MONITOR_BLINDNESS } from "../core/model/evaluation.js";
import { orAbsent } from "./json.js";
import { KEY_VAULT_AUDIT_TABLES } from "../core/signals/signal-set.js";

/**
 * The JSON shapes of an incident's row (incident-entity.ts): each column's schema, read strictly,
 * with the defaults that let rows written by earlier versions load.
 */

export const isoDate = z.iso.datetime().transform((s) => new Date(s));
export const optionalIsoDate = orAbsent(isoDate);

export const CountsJson = z.object({
  total: z.number(),
  succeeded: z.number(),
  unauthorized: z.number(),
  forbidden: z.number(),
  forbiddenRbac: z.number().default(0),
  forbiddenPolicy: z.number().default(0),
  forbiddenFirewall: z.number().default(0),
  throttled: z.number(),
  failures: z.number(),
  failurePercent: z.number(),
  currentFailurePercent: z.number(),
  operations: z.array(z.string()),
  firstFailureAt: optionalIsoDate,
  lastFailureAt: optionalIsoDate,
});

export const KeyJson = z.object({
  vaultResourceId: z.string(),
  callerObjectId: z.string(),
  callerAppId: z.string(),
  callerResourceId: z.string(),
  auditTable: z.enum(KEY_VAULT_AUDIT_TABLES),
  app: orAbsent(z.string()),
});
export const Severity = z.enum(["SEV-1", "SEV-2", "SEV-3", "SEV-4"]);
const Rule = z.enum(["kv-auth-denied", "kv-throttled", "control-plane", "network", "monitor"]);
// Records written before the pending state existed say "open"; they are firing.
const State = z.enum(["pending", "firing", "resolved", "open"]).transform((s) => (s === "open" ? "firing" : s));

export const TriggerJson = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("threshold"),
    failures: z.number(),
    failurePercent: z.number(),
    baseline: z.enum(["cold", "none"]),
  }),
  z.object({
    kind: z.literal("slo"),
    slo: z.string(),
    tier: z.string(),
    action: z.enum(["page", "ticket"]),
    longWindow: z.string(),
    shortWindow: z.string(),
    longBurn: z.number(),
    shortBurn: z.number(),
    burnThreshold: z.number(),
    budgetRemaining: orAbsent(z.number()),
    hoursToExhaustion: orAbsent(z.number()),
  }),
  z.object({
    kind: z.literal("baseline"),
    expectedRatio: z.number(),
    observedRatio: z.number(),
    pValue: z.number(),
    text: z.string(),
  }),
  z.object({
    kind: z.literal("control-plane"),
    finding: z.string(),
    summary: z.string(),
    evidence: z.array(z.string()),
    role: orAbsent(z.string()),
    workspace: orAbsent(z.string()),
  }),
  z.object({
    kind: z.literal("network"),
    app: z.string(),
    failures: z.number(),
    total: z.number(),
    targets: z.array(z.string()),
  }),
  z.object({
    kind: z.literal("monitor"),
    problem: z.string(),
    // The core's own list: a blindness the core adds is stored and read back without a second edit.
    source: z.enum(MONITOR_BLINDNESS).optional(),
    cause: z.enum(QUERY_FAILURE_REASONS).optional(),
    stop: z.enum(INGESTION_STOP_CAUSES).optional(),
    channel: z.enum(["teams", "email", "pagerduty"]).optional(),
  }),
]);

const optionalText = orAbsent(z.string());
const ResponderJson = z.object({
  state: z.enum(["new", "acknowledged", "closed"]),
  by: optionalText,
  byObjectId: optionalText.optional(),
  at: optionalIsoDate,
  note: optionalText,
  closedByHand: z.boolean().optional(),
});
export const NEW_RESPONDER = { state: "new" as const, by: undefined, at: undefined, note: undefined };

export const DiagnosisJson = z
  .object({
    top: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        verdict: z.string(),
        confirming: z.array(z.string()),
        disproving: z.array(z.string()),
      }),
    ),
    decidedBy: z.string(),
    propagation: z
      .object({ retestAt: isoDate, text: z.string() })
      .optional()
      .nullable()
      .transform((p) => p ?? undefined),
    summary: z.string(),
    // Absent on diagnoses written before an incident kept one diagnosis (core/diagnosis/revise.ts).
    facts: z.array(z.string()).optional(),
    revisions: z.array(z.object({ at: isoDate, from: z.string(), to: z.string(), because: z.string() })).optional(),
  })
  .optional()
  .nullable()
  .transform((d) => d ?? undefined);

export const SnapshotJson = z.object({
  id: z.string(),
  rule: Rule,
  key: KeyJson,
  state: State,
  severity: Severity,
  openedAt: isoDate,
  resolvedAt: optionalIsoDate,
  counts: CountsJson,
  peakFailures: z.number(),
  lastFailureAt: optionalIsoDate,
  triggers: z.array(TriggerJson).default([]),
  severityReason: z.string().default(""),
  diagnosis: DiagnosisJson,
  responder: ResponderJson.default(NEW_RESPONDER),
  flapping: z.boolean().default(false),
});

/** A group notice's list of its incidents (absent on notices about one incident, and before groups). */
export const GroupListingJson = z.object({
  key: z.string(),
  openedAt: isoDate,
  members: z.array(
    z.object({
      id: z.string(),
      rule: Rule,
      state: State,
      severity: Severity,
      vault: optionalText,
      identity: optionalText,
      app: optionalText,
      failures: z.number(),
      total: z.number(),
      finding: optionalText,
      muted: z.boolean(),
      closedBy: optionalText,
    }),
  ),
});

export const OutboxJson = z.array(
  z.object({
    id: z.string(),
    // Notices queued before channels and dedup keys existed were Teams notices; the key is rebuilt.
    dedupKey: z.string().default(""),
    kind: z.enum(["opened", "escalated", "unacknowledged", "repeated", "acknowledged", "resolved", "updated"]),
    channel: z.enum(["teams", "email", "pagerduty"]).default("teams"),
    decidedAt: isoDate,
    // Rows written before the notices table carry the snapshot here; rows written since keep it
    // there, once per notice (notice-store.ts), and this entry is only the notice's index.
    snapshot: SnapshotJson.optional(),
    attempts: z.number(),
    lastError: orAbsent(z.string()),
    claimedUntil: optionalIsoDate,
    nextAttemptAt: optionalIsoDate,
    group: GroupListingJson.optional(),
    lastReason: z.enum(["throttled", "server", "client", "timeout", "network"]).optional(),
    lastStatus: z.number().optional(),
    failingSince: isoDate.optional(),
    merged: z.number().optional(),
    // Absent on notices queued before a severity rise named the severity it rose from.
    raisedFrom: Severity.optional(),
  }),
);

/** The lifecycle's bookkeeping: what receivers were told, flap history, responder, mute. */
export const LifecycleJson = z.object({
  episode: z.string(),
  // Absent on records written before the episode's first failure was kept.
  firstFailureAt: optionalIsoDate,
  lastFiringAt: optionalIsoDate,
  conditionFiring: z.boolean(),
  changes: z.array(isoDate),
  flapping: z.boolean(),
  mutedBy: optionalText,
  responder: ResponderJson,
  notified: z.object({
    state: orAbsent(z.enum(["firing", "resolved"])),
    severity: orAbsent(Severity),
    at: optionalIsoDate,
    acknowledged: z.boolean(),
    pagedAt: optionalIsoDate,
    unacknowledgedAt: optionalIsoDate,
    channels: z.array(z.enum(["teams", "email", "pagerduty"])).optional(),
    // The incident's part in a group's thread; absent before groups and on incidents alone.
    group: z
      .object({
        key: z.string(),
        holder: z.boolean(),
        listedAt: optionalIsoDate,
        listed: z.array(z.string()).optional(),
      })
      .optional(),
  }),
});

export const IncidentEntity = z.object({
  rowKey: z.string(),
  partitionKey: Rule,
  state: State,
  severity: Severity,
  openedAt: z.date(),
  resolvedAt: z.date().optional().nullable(),
  updatedAt: z.date(),
  lastFailureAt: z.date().optional().nullable(),
  occurrence: z.number().int(),
  peakFailures: z.number(),
  deliveredCount: z.number().int(),
  key: z.string(),
  counts: z.string(),
  outbox: z.string(),
  triggers: z.string().default("[]"),
  severityReason: z.string().default(""),
  diagnosis: z.string().default("null"),
  lifecycle: z.string().default("null"),
});
