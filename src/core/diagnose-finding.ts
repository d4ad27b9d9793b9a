import { diagnose, summarize, type Diagnosis, type DiagnosisInput } from "./diagnosis/index.js";
import type { CallerOnVault, DiagnosisSummary, Evaluation, Policy } from "./model/index.js";
import { callerName } from "./model/names.js";
import { appFor } from "./model/spec-lookup.js";
import type { SignalName, SignalRow, SignalStatus } from "./signals/signal-set.js";

/** The tick's evidence beyond the Key Vault requests, for diagnosis. */
export interface Evidence {
  dependencyCalls: readonly SignalRow<"dependency-calls">[];
  credentialTraces: readonly SignalRow<"credential-traces">[];
  hostStartup: readonly SignalRow<"host-startup">[];
  changes: readonly SignalRow<"changes">[];
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
    }
  >;
  access: Record<string, { hasRequiredRole?: boolean; roleAtWrongScope?: boolean }>;
}

const APP_SIGNALS = ["dependency-calls", "credential-traces", "host-startup"] as const;

/**
 * Ranks the playbooks' hypotheses for a firing finding. App-side evidence (dependencies, traces,
 * start-up) is read only for the app that calls with this identity: the one the spec names, or the
 * app a system-assigned identity belongs to. When that app is not known, its evidence is unknown.
 */
export function diagnoseFinding(
  ev: Extract<Evaluation<CallerOnVault>, { kind: "firing" }>,
  now: Date,
  policy: Policy,
  evidence: Evidence,
): DiagnosisSummary {
  const caller = callerName(ev.subject);
  const app =
    appFor(ev.subject, policy.spec, policy.criticalIdentities)?.name ??
    (caller.host?.type.toLowerCase() === "sites" ? caller.host.name : undefined);
  const status = { ...evidence.status };
  const problems = { ...evidence.problems };
  const mine = <R extends { dims: { appRoleName?: string; appName?: string } }>(rows: readonly R[]) =>
    app === undefined
      ? []
      : rows.filter((r) => (r.dims.appRoleName ?? r.dims.appName ?? "").toLowerCase() === app.toLowerCase());
  if (app === undefined) {
    for (const s of APP_SIGNALS) {
      status[s] = "unavailable";
      problems[s] = `the app that calls with ${caller.label} is not known: list it under apps in MONITOR_CONFIG`;
    }
  }
  const d = diagnose({
    now,
    kv: ev.counts,
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
    signalStatus: { ...status, "kv-requests": "ok" },
    signalProblems: problems,
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
    propagation: d.propagation ? { retestAt: d.propagation.retestAt, text: d.propagation.text } : undefined,
    summary: summarize(d),
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
    out.access = {
      ...access,
      ...(vault && !vault.enableRbacAuthorization
        ? { hasAccessPolicy: vault.accessPolicyObjectIds.includes(objectId.toLowerCase()) }
        : {}),
    };
  }
  return out;
}
