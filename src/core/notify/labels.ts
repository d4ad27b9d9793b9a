import type { IncidentSnapshot, MonitorBlindness, RuleId, Severity } from "../model/index.js";
import type { MonitorSpec } from "../spec/monitor-spec.js";
import { callerName, vaultName } from "../model/names.js";
import { type AppCall, appFor } from "../model/spec-lookup.js";
import { appOf, callerOf, vaultOf } from "../model/subject.js";

/** What silences and inhibition rules match on, Alertmanager's labels in typed form. */
export interface Labels {
  rule: RuleId;
  severity: Severity;
  /** Lower-case vault ARM ID; "" for incidents about no vault. */
  vault: string;
  vaultName: string | undefined;
  identity: string;
  identityAppId: string;
  identityName: string | undefined;
  /** The app of the monitor spec the identity belongs to (network incidents carry their app). */
  app: string | undefined;
  /** The control-plane finding kind, for control-plane incidents. */
  finding: string | undefined;
  /** What the monitor's own incident says it cannot reach; empty for every other incident. */
  blind: MonitorBlindness[];
}

/** `calls`: the apps' dependency calls this tick, when known: they tell which app calls a vault (appFor). */
export function labelsOf(i: IncidentSnapshot, spec: MonitorSpec, calls: readonly AppCall[] = []): Labels {
  const vault = (vaultOf(i.subject) ?? "").toLowerCase();
  const caller = callerOf(i.subject);
  const finding = i.triggers.find((t) => t.kind === "control-plane");
  return {
    rule: i.rule,
    severity: i.severity,
    vault,
    vaultName: vault ? vaultName(vault).name : undefined,
    identity: caller?.callerObjectId ?? "",
    identityAppId: caller?.callerAppId ?? "",
    identityName: caller && (caller.callerObjectId || caller.callerAppId) ? callerName(caller).name : undefined,
    // Lower case: app names match case-insensitively everywhere else (the spec lookup, severity).
    app: (
      appOf(i.subject) ?? appFor(caller && { ...caller, vaultResourceId: vault }, spec, [], calls)?.name
    )?.toLowerCase(),
    finding: finding?.kind === "control-plane" ? finding.finding : undefined,
    // A record from before the source was kept said "workspace" in effect: it muted vault incidents.
    blind: i.triggers.flatMap((t) => (t.kind === "monitor" ? [t.source ?? "workspace"] : [])),
  };
}
