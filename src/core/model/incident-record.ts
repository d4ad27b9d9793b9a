import type { RuleId, WindowCounts } from "./evaluation.js";
import type { Incident, IncidentSnapshot, PendingNotification } from "./incident.js";
import type { KeyVaultAuditTable } from "./signals.js";
import { callerOnVault, type Subject } from "./subject.js";
import { forbiddenOf } from "../signals/request-counts.js";

/**
 * How an incident is written down outside the process: the JSON of its stored row (and of the
 * notices in its outbox) and the API's whole record. The shape predates the subject and the
 * request-count type and is kept as it was, field for field and in the same order, so that rows
 * written before still load, rows written now read the same, and readers of the API see no change.
 */

/**
 * What an incident is about, as recorded: the caller-on-vault key every incident has carried.
 * Incidents about no caller or no vault record "" for them (and the AzureDiagnostics table); a
 * network incident's key adds its app.
 */
export interface SubjectRecord {
  vaultResourceId: string;
  callerObjectId: string;
  callerAppId: string;
  callerResourceId: string;
  auditTable: KeyVaultAuditTable;
  app?: string | undefined;
}

const NO_KEY: SubjectRecord = {
  vaultResourceId: "",
  callerObjectId: "",
  callerAppId: "",
  callerResourceId: "",
  auditTable: "AzureDiagnostics",
};

/** The subject as recorded; a control-plane finding's principal is recorded as the caller's object ID. */
export function subjectRecord(s: Subject): SubjectRecord {
  switch (s.kind) {
    case "caller-on-vault":
      return {
        vaultResourceId: s.vaultResourceId,
        callerObjectId: s.callerObjectId,
        callerAppId: s.callerAppId,
        callerResourceId: s.callerResourceId,
        auditTable: s.auditTable,
        // Calls without a token: the app they were attributed to, in the key's app field.
        ...(s.attributedApp ? { app: s.attributedApp } : {}),
      };
    case "app":
      return { ...NO_KEY, app: s.app };
    case "control-plane":
      return { ...NO_KEY, vaultResourceId: s.vaultResourceId ?? "", callerObjectId: s.principal ?? "" };
    case "monitor":
      return { ...NO_KEY };
  }
}

/** The subject read back: the rule says which kind of subject its incidents are about. */
export function subjectFromRecord(rule: RuleId, r: SubjectRecord): Subject {
  switch (rule) {
    case "kv-auth-denied":
    case "kv-throttled":
      return r.app ? { ...callerOnVault(r), attributedApp: r.app } : callerOnVault(r);
    case "network":
      return { kind: "app", app: r.app ?? "" };
    case "control-plane":
      return {
        kind: "control-plane",
        vaultResourceId: r.vaultResourceId || undefined,
        principal: r.callerObjectId || undefined,
      };
    case "monitor":
      return { kind: "monitor" };
  }
}

/** Window counts as recorded: every 403 in `forbidden`, three of its causes split out. */
export interface CountsRecord {
  total: number;
  succeeded: number;
  unauthorized: number;
  forbidden: number;
  forbiddenRbac: number;
  forbiddenPolicy: number;
  forbiddenFirewall: number;
  throttled: number;
  failures: number;
  failurePercent: number;
  currentFailurePercent: number;
  operations: string[];
  firstFailureAt: Date | undefined;
  lastFailureAt: Date | undefined;
}

/** The counts as recorded, fields in the recorded order. */
export function countsRecord(c: WindowCounts): CountsRecord {
  return {
    total: c.total,
    succeeded: c.succeeded,
    unauthorized: c.unauthorized,
    forbidden: forbiddenOf(c),
    forbiddenRbac: c.forbiddenRbac,
    forbiddenPolicy: c.forbiddenPolicy,
    forbiddenFirewall: c.forbiddenFirewall,
    throttled: c.throttled,
    failures: c.failures,
    failurePercent: c.failurePercent,
    currentFailurePercent: c.currentFailurePercent,
    operations: c.operations,
    firstFailureAt: c.firstFailureAt,
    lastFailureAt: c.lastFailureAt,
  };
}

/**
 * Counts read back: the 403s no cause was split out for are `forbiddenOther` (all of them in rows
 * from before the split). `other` (404s and the like) is not recorded, and nothing reads it back.
 */
export function countsFromRecord(r: CountsRecord): WindowCounts {
  return {
    total: r.total,
    succeeded: r.succeeded,
    unauthorized: r.unauthorized,
    forbiddenRbac: r.forbiddenRbac,
    forbiddenPolicy: r.forbiddenPolicy,
    forbiddenFirewall: r.forbiddenFirewall,
    forbiddenOther: Math.max(0, r.forbidden - r.forbiddenRbac - r.forbiddenPolicy - r.forbiddenFirewall),
    throttled: r.throttled,
    other: 0,
    failures: r.failures,
    failurePercent: r.failurePercent,
    currentFailurePercent: r.currentFailurePercent,
    operations: r.operations,
    firstFailureAt: r.firstFailureAt,
    lastFailureAt: r.lastFailureAt,
  };
}

/** A notice's snapshot as recorded in the outbox: `key` where the subject is. */
export type SnapshotRecord = Omit<IncidentSnapshot, "subject" | "counts"> & {
  key: SubjectRecord;
  counts: CountsRecord;
};

/** A snapshot as recorded, every field where it was. */
export function snapshotRecord(s: IncidentSnapshot): SnapshotRecord {
  return recorded(s) as SnapshotRecord;
}

/** A recorded snapshot read back, every field where it was: a notice re-queued is written as it was read. */
export function snapshotFromRecord(r: SnapshotRecord): IncidentSnapshot {
  return Object.fromEntries(
    Object.entries(r).map(([k, v]): [string, unknown] => {
      if (k === "key") return ["subject", subjectFromRecord(r.rule, v as SubjectRecord)];
      if (k === "counts") return [k, countsFromRecord(v as CountsRecord)];
      return [k, v];
    }),
  ) as unknown as IncidentSnapshot;
}

/** An outbox entry as recorded. */
export type NotificationRecord = Omit<PendingNotification, "snapshot"> & { snapshot: SnapshotRecord };

/** An outbox entry as recorded: its snapshot's subject and counts in the recorded shape. */
export function notificationRecord(n: PendingNotification): NotificationRecord {
  return { ...n, snapshot: snapshotRecord(n.snapshot) };
}

/** An outbox entry read back. */
export function notificationFromRecord(r: NotificationRecord): PendingNotification {
  return { ...r, snapshot: snapshotFromRecord(r.snapshot) };
}

/** The whole incident as recorded: what the API's detail shows. */
export type IncidentRecord = Omit<Incident, "subject" | "counts" | "outbox"> & {
  key: SubjectRecord;
  counts: CountsRecord;
  outbox: NotificationRecord[];
};

/** The incident as recorded, every field where it was (its outbox's snapshots too). */
export function incidentRecord(i: Incident): IncidentRecord {
  return recorded(i) as IncidentRecord;
}

/**
 * A snapshot or an incident with its subject, counts and outbox in the recorded shape, every field
 * where it was: `key` takes the subject's place, so the JSON reads as it always has.
 */
function recorded(o: IncidentSnapshot | Incident): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]): [string, unknown] => {
      if (k === "subject") return ["key", subjectRecord(v as Subject)];
      if (k === "counts") return [k, countsRecord(v as WindowCounts)];
      if (k === "outbox") return [k, (v as PendingNotification[]).map(notificationRecord)];
      return [k, v];
    }),
  );
}
