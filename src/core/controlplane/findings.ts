/**
 * What the control-plane check reports. Findings about vaults and identities feed the incident
 * pipeline; monitor problems say the monitor cannot vouch for something (health reports them as
 * degraded) and never open a vault incident.
 *
 * Hypotheses are the playbooks' (docs/reference/playbooks.md): H1 identity missing or wrong
 * identity attached, H2 role missing or at the wrong scope, H3 propagation delay or stale token, H4
 * permission model mismatch, H5 wrong token audience, H6 network or outage masquerading as auth.
 */

export type Hypothesis = "H1" | "H2" | "H3" | "H4" | "H5" | "H6";

/** The same literals as the core's Severity; a hint, which the evaluation engine may override. */
export type SeverityHint = "SEV-1" | "SEV-2" | "SEV-3" | "SEV-4";

export const TARGET_KINDS = [
  "role-missing",
  "role-wrong-scope",
  "role-over-broad",
  "permission-model-mismatch",
  "vault-config-drift",
  "vault-missing",
  "blind-spot",
  "probe-failed",
] as const;
export const MONITOR_KINDS = [
  "monitor-lacks-access",
  "monitor-token-failed",
  "arm-throttled",
  "arm-unavailable",
  "arm-malformed",
  "discovery-empty",
  "discovery-truncated",
] as const;

export type TargetKind = (typeof TARGET_KINDS)[number];
export type MonitorKind = (typeof MONITOR_KINDS)[number];
export type FindingKind = TargetKind | MonitorKind;

export interface FindingSubject {
  vaultResourceId?: string;
  principal?: { name: string; objectId: string };
  identity?: { name: string; clientId: string | undefined };
  audience?: string;
  /** The ARM scope a role or a missing permission is about. */
  scope?: string;
  role?: string;
}

export interface ControlPlaneFinding {
  kind: FindingKind;
  /** Stable across ticks for the same condition: the incident pipeline's fingerprint input. */
  id: string;
  subject: FindingSubject;
  hypothesis: Hypothesis | undefined;
  /** One line on-call reads first. */
  summary: string;
  /** The facts behind it, one per line, with names and scopes spelled out. */
  evidence: string[];
  severityHint: SeverityHint;
  observedAt: Date;
}

/** Builds a finding whose id is its kind and the identifying parts of its subject. */
export function finding(f: Omit<ControlPlaneFinding, "id"> & { idParts?: string[] }): ControlPlaneFinding {
  const { idParts, ...rest } = f;
  const s = f.subject;
  const parts =
    idParts ??
    [
      s.vaultResourceId,
      s.principal?.objectId,
      s.identity?.clientId ?? s.identity?.name,
      s.audience,
      s.role,
      s.scope,
    ].filter((p): p is string => !!p);
  return { id: [f.kind, ...parts].join("|"), ...rest };
}

export function isMonitorKind(kind: FindingKind): kind is MonitorKind {
  return (MONITOR_KINDS as readonly string[]).includes(kind);
}
