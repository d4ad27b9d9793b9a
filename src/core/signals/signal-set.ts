import { z } from "zod";
import type { QueryFailure } from "./query-failure.js";
import type { IngestionSeen } from "./ingestion.js";
import { WINDOW_NAMES, type WindowName } from "../slo/windows.js";

/**
 * The canonical signal model: what every query's rows map into, and all that evaluation and
 * scenario replay read. Versioned: a change to a shape below bumps SIGNAL_MODEL_VERSION and is
 * described in docs/signals.md (whose JSON Schema is generated from these types).
 */
export const SIGNAL_MODEL_VERSION = 3;

export const SIGNAL_NAMES = [
  "kv-requests",
  "dependency-calls",
  "credential-traces",
  "invocations",
  "host-startup",
  "changes",
  "slo-windows",
  "slo-period",
  "kv-history",
  "vault-coverage",
  "group-membership",
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

/** Key Vault AuditEvent tables: the legacy shared one, or the resource-specific one. */
export const KEY_VAULT_AUDIT_TABLES = ["AzureDiagnostics", "AZKVAuditLogs"] as const;

const count = z.number().int().nonnegative();
const text = z.string();

/** One caller on one vault, and the table its events came from (a vault logs to one mode per diagnostic setting). */
const CallerOnVault = z.object({
  vaultResourceId: text.min(1),
  callerObjectId: text,
  callerAppId: text,
  callerResourceId: text,
  source: z.enum(KEY_VAULT_AUDIT_TABLES),
});

/**
 * Key Vault requests by how Key Vault answered them: the one shape of these counts, for a row, a
 * bin the rules read and the sums over a window (signals/request-counts.ts adds them up).
 */
export const KvRequestCounts = z
  .object({
    total: count,
    succeeded: count,
    unauthorized: count,
    /** 403 because the vault uses RBAC and no role grants the action. */
    forbiddenRbac: count,
    /** 403 because the vault uses access policies and none matches. */
    forbiddenPolicy: count,
    /** 403 because the caller's address is not allowed by the vault firewall. */
    forbiddenFirewall: count,
    forbiddenOther: count,
    throttled: count,
    other: count,
  })
  // The status classes (every field but the total) split the requests: together they can never
  // exceed the total.
  .refine(
    (c) => Object.entries(c).reduce((sum, [field, n]) => (field === "total" ? sum : sum + n), 0) <= c.total,
    "the status counts add up to more than total",
  );

export type RequestCounts = z.infer<typeof KvRequestCounts>;

/** Key Vault requests of one caller for one operation on one vault in one bin. */
export const KvRequestsRow = z.object({
  binStart: z.date(),
  dims: CallerOnVault.extend({ operation: text }),
  counts: KvRequestCounts,
});

/** Outgoing calls of one app role to one target, from Application Insights dependencies. */
export const DependencyCallsRow = z.object({
  binStart: z.date(),
  dims: z.object({
    appRoleName: text,
    target: text,
    dependencyType: text,
    targetKind: z.enum(["keyvault", "storage", "servicebus", "other"]),
  }),
  counts: z.object({
    total: count,
    succeeded: count,
    unauthorized: count,
    forbidden: count,
    throttled: count,
    timeouts: count,
    /** Result code 0 or empty: DNS, connection refused or reset — the call never got an answer. */
    connectionFailures: count,
    serverErrors: count,
    otherFailures: count,
  }),
});

export const CREDENTIAL_ERROR_CLASSES = [
  "mi-unavailable",
  "uami-not-found",
  "chain-exhausted",
  "invalid-audience",
] as const;

/** Credential errors an app logged, per class, with one sample message. */
export const CredentialTracesRow = z.object({
  binStart: z.date(),
  dims: z.object({ appRoleName: text, errorClass: z.enum(CREDENTIAL_ERROR_CLASSES) }),
  counts: z.object({ events: count }),
  sample: text,
});

/** Invocations of one function: in the evaluation window, and over a prior period for contrast. */
export const InvocationsRow = z.object({
  binStart: z.date(),
  dims: z.object({ appRoleName: text, operationName: text }),
  counts: z.object({
    windowTotal: count,
    windowFailed: count,
    priorTotal: count,
    /** Prior-period window-sized bins in which the function ran at least once. */
    priorActiveBins: count,
    priorBins: count,
  }),
});

/** Trigger listeners that failed to start, per app and function. */
export const HostStartupRow = z.object({
  binStart: z.date(),
  dims: z.object({ appName: text, functionName: text, authRelated: z.boolean() }),
  counts: z.object({ events: count }),
  sample: text,
});

/** Control-plane changes that can cause access failures, grouped per bin. */
export const ChangesRow = z.object({
  binStart: z.date(),
  dims: z.object({
    kind: z.enum([
      "role-assignment-write",
      "role-assignment-delete",
      "vault-write",
      "vault-access-policy-write",
      "app-identity-change",
      "diagnostic-setting-write",
      "diagnostic-setting-delete",
    ]),
    operation: text,
    scope: text,
    principalId: text,
    roleDefinitionId: text,
    caller: text,
    status: text,
  }),
  counts: z.object({ events: count }),
  firstAt: z.date(),
  lastAt: z.date(),
});

/** What an SLO is about: one identity's calls to one vault, or one app's calls to one target. */
const SloSubject = z.discriminatedUnion("subject", [
  z.object({
    subject: z.literal("identity-vault"),
    vaultResourceId: text.min(1),
    callerObjectId: text,
    callerAppId: text,
    callerResourceId: text,
    source: z.enum(KEY_VAULT_AUDIT_TABLES),
  }),
  z.object({
    subject: z.literal("app-dependency"),
    appRoleName: text,
    targetKind: z.enum(["keyvault", "storage", "servicebus", "other"]),
    target: text,
  }),
]);

/** A bad and a total column per alerting window (slo/windows.ts), e.g. bad5m and total5m. */
const windowCounts = Object.fromEntries(
  WINDOW_NAMES.flatMap((w) => [
    [`bad${w}`, count],
    [`total${w}`, count],
  ]),
) as Record<`bad${WindowName}` | `total${WindowName}`, typeof count>;

/** Bad and total events over each alerting window ending at the tick (binStart = window end). */
export const SloWindowsRow = z.object({
  binStart: z.date(),
  dims: SloSubject,
  counts: z.object(windowCounts),
});

/** Bad and total events over each configured SLO period, e.g. bad30d / total30d (refreshed hourly). */
export const SloPeriodRow = z.object({
  binStart: z.date(),
  dims: SloSubject,
  counts: z.record(z.string().regex(/^(bad|total)\d+d$/, "expected badNd or totalNd"), count),
});

/** Requests of one caller to one vault in one hour: what baselines learn from. */
export const KvHistoryRow = z.object({
  binStart: z.date(),
  dims: CallerOnVault,
  counts: z
    .object({
      denied: count,
      throttled: count,
      total: count,
      /**
       * Which 5-minute bins of the hour had denials, one bit each (bit 0: the bin from the top of
       * the hour): what calls without a token learn their bursts from (baselines/bursts.ts).
       * Model version 3 added it; absent in answers of earlier versions.
       */
      deniedBins: count.max(2 ** 12 - 1).optional(),
    })
    .refine((c) => c.denied + c.throttled <= c.total, "denied and throttled add up to more than total"),
});

/**
 * One vault's AuditEvent in one hour of the coverage look-back: whether, and until when, the vault
 * was logging (queries/signals/vault-coverage.ts; judged by core/coverage/vault-silence.ts).
 */
export const VaultCoverageRow = z.object({
  binStart: z.date(),
  dims: z.object({ vaultResourceId: text.min(1), source: z.enum(KEY_VAULT_AUDIT_TABLES) }),
  counts: z.object({ events: count }),
  lastAt: z.date(),
});

/**
 * A member added to or removed from a Microsoft Entra ID group, per bin (AuditLogs: "Add member to
 * group" / "Remove member from group"): whose membership of which group, changed by whom, and when
 * (queries/signals/group-membership.ts). Model version 3 added it.
 */
export const GroupMembershipRow = z.object({
  binStart: z.date(),
  dims: z.object({
    change: z.enum(["added", "removed"]),
    /** The member's object ID (lower case): a managed identity's service principal. */
    memberObjectId: text.min(1),
    /** The group's object ID (lower case). */
    groupObjectId: text.min(1),
    groupName: text,
    /** A user's UPN or an app's display name; empty when the log names neither. */
    initiatedBy: text,
  }),
  counts: z.object({ events: count }),
  firstAt: z.date(),
  lastAt: z.date(),
});

export const SIGNAL_ROWS = {
  "kv-requests": KvRequestsRow,
  "dependency-calls": DependencyCallsRow,
  "credential-traces": CredentialTracesRow,
  invocations: InvocationsRow,
  "host-startup": HostStartupRow,
  changes: ChangesRow,
  "slo-windows": SloWindowsRow,
  "slo-period": SloPeriodRow,
  "kv-history": KvHistoryRow,
  "vault-coverage": VaultCoverageRow,
  "group-membership": GroupMembershipRow,
} as const satisfies Record<SignalName, z.ZodType>;

export type SignalRow<K extends SignalName> = z.infer<(typeof SIGNAL_ROWS)[K]>;

/**
 * How much a signal can be trusted this tick.
 * - ok: its tables answered and had events.
 * - no-data: its tables answered with no events in the window (known quiet).
 * - unavailable: a table it needs is not in the workspace (a diagnostic setting is missing).
 * - degraded: partial result or malformed rows: what is there is real, what is missing is unknown.
 * - failed: the query failed; nothing is known.
 */
export type SignalStatus = "ok" | "no-data" | "unavailable" | "degraded" | "failed";

/** Ok or known-quiet: what the signal says can be relied on (partial or failed results cannot). */
export function isKnown(status: SignalStatus): boolean {
  return status === "ok" || status === "no-data";
}

export interface SignalResult<K extends SignalName> {
  status: SignalStatus;
  rows: SignalRow<K>[];
  /** Why the status is not ok, for the health check and the log. */
  problem: string | undefined;
  /** Why the query behind a failed or degraded signal fell short, for the core to branch on. */
  failure?: QueryFailure | undefined;
  malformedRows: number;
  /** Source tables that answered, with their event counts in the window. */
  coverage: Record<string, number>;
}

/** Everything one tick learned from the workspace. */
export interface SignalSet {
  modelVersion: typeof SIGNAL_MODEL_VERSION;
  windowStart: Date;
  windowEnd: Date;
  /** Query API round trips this tick took (requests, not retries inside the client). */
  requests: number;
  signals: { [K in SignalName]: SignalResult<K> };
  /** What the next fetch may reuse; undefined when nothing may be reused. */
  memo?: WorkspaceMemo | undefined;
  /** The data horizon the windows ended at and how each table is being ingested (signals/ingestion.ts). */
  ingestion?: IngestionSeen | undefined;
}

/**
 * What the signal source remembers between ticks, kept as state the tick loads and saves (in the
 * heartbeat) rather than in an instance's memory: which tables the workspace has, listed hourly,
 * and the SLO period sums, read hourly because they span up to 90 days. Any instance that loads
 * it queries and judges the same way.
 */
export interface WorkspaceMemo {
  tables?: { at: Date; names: string[] } | undefined;
  period?: { at: Date; result: SignalResult<"slo-period"> } | undefined;
  /** The Key Vault ingestion delay learned at `at`: the next tick's windows end this long before now. */
  ingestion?: { at: Date; delayMs: number } | undefined;
}
