import { diagnose, summarize, type Diagnosis, type DiagnosisInput } from "./diagnosis/index.js";
import type { CallerOnVault, DiagnosisSummary, Evaluation, Incident, Policy } from "./model/index.js";
import { callerName } from "./model/names.js";
import { appFor } from "./model/spec-lookup.js";
import { attributeTokenless } from "./tokenless-attribution.js";
import { isTokenless } from "./tokenless-bursts.js";
import type { SignalName, SignalRow, SignalStatus } from "./signals/signal-set.js";

/** The tick's evidence beyond the Key Vault requests, for diagnosis. */
export interface Evidence {
  dependencyCalls: readonly SignalRow<"dependency-calls">[];
  credentialTraces: readonly SignalRow<"credential-traces">[];
  hostStartup: readonly SignalRow<"host-startup">[];
  changes: readonly SignalRow<"changes">[];
  /** Entra ID group membership changes (AuditLogs); absent where the tick did not read them. */
  groupMembership?: readonly SignalRow<"group-membership">[] | undefined;
  status: Partial<Record<SignalName, SignalStatus>>;
  problems: Partial<Record<SignalName, string>>;
  /** From the control-plane check, when it is configured and ran. */
  controlPlane?: ControlPlaneFacts | undefined;
}

/** Control-plane facts by lower-case vault ID, and by `vault|principal object ID`. */
export interface ControlPlaneFacts {
  vaults: Record<
    string,
    {
      enableRbacAuthorization: boolean;
      publicNetworkAccess: "Enabled" | "Disabled";
      defaultAction: "Allow" | "Deny";
      accessPolicyObjectIds: string[];
      /** What each access policy grants, by lower-case object ID (permission names lower-case). */
      accessPolicies?: Record<string, { secrets: string[]; keys: string[]; certificates: string[] }>;
    }
  >;
  access: Record<string, { hasRequiredRole?: boolean; roleAtWrongScope?: boolean }>;
  /** By `vault|principal object ID`: how the principal holds the required role, directly or through groups. */
  roleThrough?: Record<string, { direct: boolean; groupObjectIds: string[] }>;
}

const APP_SIGNALS = ["dependency-calls", "credential-traces", "host-startup"] as const;

/**
 * Ranks the playbooks' hypotheses for a firing finding. App-side evidence (dependencies, traces,
 * start-up) is read only for the app that calls with this identity: the one the spec names, the
 * app a system-assigned identity belongs to, or, for calls without a token, the app(s) their own
 * telemetry of the same minutes points at (tokenless-attribution.ts). When that app is not known,
 * its evidence is unknown.
 */
export function diagnoseFinding(
  ev: Extract<Evaluation<CallerOnVault>, { kind: "firing" }>,
  now: Date,
  policy: Policy,
  evidence: Evidence,
  /** The finding's incident, when one is open: its first failure anchors the onset. */
  incident?: Incident | undefined,
): DiagnosisSummary {
  const caller = callerName(ev.subject);
  const app =
    appFor(ev.subject, policy.spec, policy.criticalIdentities, evidence.dependencyCalls)?.name ??
    (caller.host?.type.toLowerCase() === "sites" ? caller.host.name : undefined);
  // Calls without a token name no caller: the app is the one its own telemetry of those minutes points at.
  const attribution =
    app === undefined && isTokenless(ev.subject) && ev.counts.firstFailureAt && ev.counts.lastFailureAt
      ? attributeTokenless(
          ev.subject.vaultResourceId,
          { from: ev.counts.firstFailureAt, to: ev.counts.lastFailureAt },
          evidence,
          policy.binMinutes,
        )
      : undefined;
  const apps = new Set((attribution?.apps ?? (app === undefined ? [] : [app])).map((a) => a.toLowerCase()));
  const status = { ...evidence.status };
  const problems = { ...evidence.problems };
  const mine = <R extends { dims: { appRoleName?: string; appName?: string } }>(rows: readonly R[]) =>
    rows.filter((r) => apps.has((r.dims.appRoleName ?? r.dims.appName ?? "").toLowerCase()));
  if (apps.size === 0) {
    for (const s of APP_SIGNALS) {
      status[s] = "unavailable";
      problems[s] = `the app that calls with ${caller.label} is not known: list it under apps in MONITOR_CONFIG`;
    }
  }
  if (attribution && !attribution.byCredentialErrors) {
    // Its calls reached the vault without a token, yet it logged no credential error: what it logs
    // cannot show that it gets tokens (an app that throws the error away, a table not read yet).
    status["credential-traces"] = "unavailable";
    problems["credential-traces"] =
      `${attribution.apps.join(", ")} sent calls without a token but logged no credential error where the monitor reads them (AppTraces, AppExceptions)`;
  }
  const d = diagnose({
    now,
    kv: ev.counts,
    onsetAt:
      incident && incident.state !== "resolved"
        ? (incident.firstFailureAt ?? incident.counts.firstFailureAt)
        : undefined,
    vaultResourceId: ev.subject.vaultResourceId,
    caller: {
      objectId: ev.subject.callerObjectId,
      appId: ev.subject.callerAppId,
      resourceId: ev.subject.callerResourceId,
    },
    dependencyCalls: mine(evidence.dependencyCalls),
    credentialTraces: mine(evidence.credentialTraces),
    hostStartup: mine(evidence.hostStartup),
    changes: [...evidence.changes],
    groupMembership: [...(evidence.groupMembership ?? [])],
    roleThrough:
      evidence.controlPlane?.roleThrough?.[
        `${ev.subject.vaultResourceId.toLowerCase()}|${ev.subject.callerObjectId.toLowerCase()}`
      ],
    ...(attribution
      ? { attribution: { text: attribution.text, byCredentialErrors: attribution.byCredentialErrors } }
      : {}),
    signalStatus: { ...status, "kv-requests": "ok" },
    signalProblems: problems,
    // A first-ever grant is told from a restore by the history (diagnosis/rules/facts.ts).
    accessBefore: ev.accessBefore,
    ...controlPlaneInput(evidence.controlPlane, ev.subject.vaultResourceId, ev.subject.callerObjectId),
  });
  return toSummary(d);
}

/** The top three hypotheses with their strongest evidence: enough for a card, small enough to store. */
function toSummary(d: Diagnosis): DiagnosisSummary {
  return {
    top: d.ranked.slice(0, 3).map((h) => ({
      id: h.id,
      title: h.title,
      verdict: h.verdict,
      confirming: h.confirming.slice(0, 3),
      disproving: h.disproving.slice(0, 2),
    })),
    decidedBy: d.decidedBy,
    propagation: d.propagation
      ? {
          retestAt: d.propagation.retestAt,
          text: d.propagation.text,
          ...(d.propagation.firstGrant ? { firstGrant: true } : {}),
        }
      : undefined,
    summary: summarize(d),
    facts: d.facts,
    basis: d.basis,
  };
}

/** The vault and access facts for one caller on one vault, when the control plane knows them. */
function controlPlaneInput(
  cp: ControlPlaneFacts | undefined,
  vaultId: string,
  objectId: string,
): Pick<DiagnosisInput, "vault" | "access"> {
  if (!cp) return {};
  const vault = cp.vaults[vaultId.toLowerCase()];
  const access = cp.access[`${vaultId.toLowerCase()}|${objectId.toLowerCase()}`];
  const out: Pick<DiagnosisInput, "vault" | "access"> = {};
  if (vault)
    out.vault = {
      enableRbacAuthorization: vault.enableRbacAuthorization,
      publicNetworkAccess: vault.publicNetworkAccess,
      defaultAction: vault.defaultAction,
    };
  if (access || vault) {
    // The caller's access policy is read in both models: on an RBAC vault it is the grant H4 says is ignored.
    const policy = vault?.accessPolicies?.[objectId.toLowerCase()];
    out.access = {
      ...access,
      ...(vault ? { hasAccessPolicy: vault.accessPolicyObjectIds.includes(objectId.toLowerCase()) } : {}),
      ...(policy ? { accessPolicy: policy } : {}),
    };
  }
  return out;
}
