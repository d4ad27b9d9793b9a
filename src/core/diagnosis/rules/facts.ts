import type { SignalName, SignalRow } from "../../signals/signal-set.js";
import { DEFAULT_PROPAGATION_MINUTES } from "./thresholds.js";
import type { DiagnosisInput, KvCounts } from "./types.js";
import { type Change, type ChangeFacts, changeFacts } from "./change-facts.js";
import { type GroupFacts, groupFacts } from "./group-facts.js";

export type { Change, ChangeFacts, GroupFacts };
import { callerWords, lastSegment, onsetWords, unknownSignal } from "./words.js";
import { isKnown as statusKnown } from "../../signals/signal-set.js";
import {
  accessStanding,
  judgesOperations,
  operationsLacking,
  policyLacks,
  policyWords,
  type AccessStanding,
  type PermissionModel,
} from "../../controlplane/grants.js";

/**
 * What the rules read: the input reduced to the numbers and changes that matter for this caller
 * and vault. A signal whose status is not ok/no-data leaves its part undefined: unknown, not absent.
 */

export interface KvFacts {
  counts: KvCounts;
  /** 401 and every kind of 403. */
  denials: number;
  /** 403s other than firewall denials: Key Vault read the token and checked permissions. */
  forbiddenAuth: number;
  /** 401s plus forbiddenAuth: the denials that are about identity and authorization. */
  authDenials: number;
  /** The incident's first failure (input.onsetAt) when earlier than the window's. */
  onsetAt: Date | undefined;
  lastAt: Date | undefined;
  /** "the first 403". */
  onset: string;
  /** The operations logged with the failures. */
  operations: readonly string[];
}

export interface TraceClass {
  events: number;
  firstAt: Date | undefined;
  sample: string;
}

export interface TraceFacts {
  miUnavailable: TraceClass;
  uamiNotFound: TraceClass;
  chainExhausted: TraceClass;
  invalidAudience: TraceClass;
  /** Events that mean the app got no token at all. */
  identityErrors: number;
}

export interface DependencyFacts {
  /** The target(s) counted: the Key Vault targets when the app called any, else every target. */
  target: string;
  timeouts: number;
  connectionFailures: number;
  serverErrors: number;
  /** Timeouts, connection failures and 5xx: calls that never got an answer from the service. */
  network: number;
  /** 401 and 403. */
  auth: number;
}

export interface StartupFacts {
  authEvents: number;
  functions: string[];
  sample: string;
}

/**
 * The caller's grants against the vault's permission model (controlplane/grants.ts): the
 * playbooks' H2 (missing in the vault's model) and H4 (granted only in the other model).
 */
export interface GrantFacts {
  /** The vault's model, when the control plane knows it. */
  model: PermissionModel | undefined;
  /** Whether an RBAC role covers the vault (control plane); undefined when not known. */
  roleCovers: boolean | undefined;
  /** Whether the caller's access policy grants what it calls; undefined when not known. */
  policyCovers: boolean | undefined;
  /** The caller's access policy in words ("secrets: get"), when known; "none" when it has none. */
  policy: string | undefined;
  /** The permissions the failing operations need that the policy lacks ("secrets: list"). */
  policyLacks: string[];
  /** Whether the policy was judged by the failing operations' permissions, not only by being there. */
  policyJudged: boolean;
  /** The failing operations, in words ("SecretGet, SecretList"). */
  operations: string;
  /** Those the policy does not grant ("SecretList"). */
  lackingOperations: string;
  standing: AccessStanding | undefined;
}

export interface Facts {
  now: Date;
  propagationMinutes: number;
  vaultName: string;
  caller: string;
  callerObjectId: string;
  /** The app's name from its telemetry, "the app" when none is known. */
  app: string;
  /** "func-orders traces", or "the app's traces". */
  appTraces: string;
  kv: KvFacts | undefined;
  traces: TraceFacts | undefined;
  dependencies: DependencyFacts | undefined;
  startup: StartupFacts | undefined;
  changes: ChangeFacts | undefined;
  vault: NonNullable<DiagnosisInput["vault"]>;
  access: NonNullable<DiagnosisInput["access"]>;
  grants: GrantFacts;
  /** The caller's group membership changes; undefined when unknown or beside the point (no RBAC denials). */
  groups: GroupFacts | undefined;
  roleThrough: DiagnosisInput["roleThrough"];
  attribution: DiagnosisInput["attribution"];
  /** Per unknown signal, the parenthesis to quote: "(credential traces unavailable: no AppTraces data)". */
  unknown: Partial<Record<SignalName, string>>;
}

/**
 * The Key Vault counts are the finding itself, so a missing status reads as ok; any other signal
 * without a status is unknown (not reported), never quiet.
 */
function isKnown(input: DiagnosisInput, signal: SignalName): boolean {
  const status = input.signalStatus[signal] ?? (signal === "kv-requests" ? "ok" : undefined);
  return status !== undefined && statusKnown(status);
}

export function gatherFacts(input: DiagnosisInput): Facts {
  const p = input.propagationMinutes;
  const propagationMinutes = p !== undefined && Number.isFinite(p) && p > 0 ? p : DEFAULT_PROPAGATION_MINUTES;
  const vaultName = lastSegment(input.vaultResourceId) || "(unknown vault)";
  const unknown: Partial<Record<SignalName, string>> = {};
  const known = (signal: SignalName): boolean => {
    if (isKnown(input, signal)) return true;
    unknown[signal] = unknownSignal(signal, input.signalStatus[signal], input.signalProblems?.[signal]);
    return false;
  };
  const apps = appNames(input);
  const onsetAt = onsetOf(input);
  const kv = known("kv-requests") ? kvFacts(input.kv, onsetAt) : undefined;
  const vault = input.vault ?? {};
  // Membership grants RBAC roles: it is read only for a caller RBAC denied, so it is not "unknown" for the others.
  const groups = input.kv.forbiddenRbac > 0 && known("group-membership") ? groupFacts(input, onsetAt) : undefined;
  const access = input.access ?? {};
  return {
    now: input.now,
    propagationMinutes,
    vaultName,
    caller: callerWords(input.caller),
    callerObjectId: input.caller.objectId,
    app: apps[0] ?? "the app",
    appTraces: apps[0] ? `${apps[0]} traces` : "the app's traces",
    kv,
    traces: known("credential-traces") ? traceFacts(input.credentialTraces) : undefined,
    dependencies: known("dependency-calls") ? dependencyFacts(input.dependencyCalls) : undefined,
    startup: known("host-startup") ? startupFacts(input.hostStartup) : undefined,
    changes: known("changes") ? changeFacts(input, vaultName, apps, onsetAt) : undefined,
    vault,
    access,
    grants: grantFacts(vault, access, kv),
    groups,
    roleThrough: input.roleThrough,
    attribution: input.attribution,
    unknown,
  };
}

/** The incident's first failure when it is earlier than the window's: the window slides, the onset does not. */
function onsetOf(input: DiagnosisInput): Date | undefined {
  const a = input.onsetAt;
  const b = input.kv.firstFailureAt;
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

function kvFacts(c: KvCounts, onsetAt: Date | undefined): KvFacts {
  const forbiddenAuth = c.forbiddenRbac + c.forbiddenPolicy + c.forbiddenOther;
  return {
    counts: c,
    denials: c.unauthorized + forbiddenAuth + c.forbiddenFirewall,
    forbiddenAuth,
    authDenials: c.unauthorized + forbiddenAuth,
    onsetAt,
    // The start of the last failing bin, not its end: the earliest the last failure can have been,
    // so a window it is compared with (rule.ts writePhase) is not left a bin too soon.
    lastAt: c.lastFailingBinStart ?? c.lastFailureAt,
    onset: onsetWords(c.unauthorized, forbiddenAuth + c.forbiddenFirewall),
    operations: c.operations ?? [],
  };
}

/**
 * Judges the caller's grants by the vault's model. A role "covers" when the control plane found
 * the required role at the vault or above; a policy "covers" when it grants every permission the
 * failing operations need (or, when none of them can be judged, when there is one). Denials of
 * the vault's own model show that model does not grant the access, when the control plane does
 * not say (a caller it was not configured to expect).
 */
function grantFacts(
  vault: NonNullable<DiagnosisInput["vault"]>,
  access: NonNullable<DiagnosisInput["access"]>,
  kv: KvFacts | undefined,
): GrantFacts {
  const model: PermissionModel | undefined =
    vault.enableRbacAuthorization === true
      ? "rbac"
      : vault.enableRbacAuthorization === false
        ? "access-policies"
        : undefined;
  const operations = kv?.operations ?? [];
  const roleCovers =
    access.roleAtWrongScope === true
      ? false
      : access.hasRequiredRole === undefined
        ? undefined
        : access.hasRequiredRole;
  const policyJudged = access.accessPolicy !== undefined && judgesOperations(operations);
  const lacks = policyJudged ? policyLacks(access.accessPolicy, operations) : [];
  // With the requests unknown, what the caller calls is unknown: a policy's permissions cannot be judged.
  const policyCovers =
    access.hasAccessPolicy === false
      ? false
      : policyJudged
        ? lacks.length === 0
        : access.accessPolicy && !kv
          ? undefined
          : access.hasAccessPolicy;
  const refused = (rbac: boolean) =>
    kv && (rbac ? kv.counts.forbiddenRbac : kv.counts.forbiddenPolicy) > 0 ? false : undefined;
  const inVaultModel =
    model === "rbac"
      ? (roleCovers ?? refused(true))
      : model === "access-policies"
        ? (policyCovers ?? refused(false))
        : undefined;
  const inOtherModel = model === "rbac" ? policyCovers : model === "access-policies" ? roleCovers : undefined;
  return {
    model,
    roleCovers,
    policyCovers,
    policy:
      access.hasAccessPolicy === false ? "none" : access.accessPolicy ? policyWords(access.accessPolicy) : undefined,
    policyLacks: lacks,
    policyJudged,
    operations: operations.join(", "),
    lackingOperations: (policyJudged ? operationsLacking(access.accessPolicy, operations) : []).join(", "),
    standing: accessStanding(inVaultModel, inOtherModel),
  };
}

function appNames(input: DiagnosisInput): string[] {
  const names = [
    ...input.credentialTraces.map((r) => r.dims.appRoleName),
    ...input.dependencyCalls.map((r) => r.dims.appRoleName),
    ...input.hostStartup.map((r) => r.dims.appName),
  ].filter((n) => n !== "");
  return [...new Set(names)];
}

function traceFacts(rows: readonly SignalRow<"credential-traces">[]): TraceFacts {
  const of = (cls: SignalRow<"credential-traces">["dims"]["errorClass"]): TraceClass => {
    const mine = rows.filter((r) => r.dims.errorClass === cls && r.counts.events > 0);
    const first = [...mine].sort((a, b) => a.binStart.getTime() - b.binStart.getTime())[0];
    return {
      events: mine.reduce((n, r) => n + r.counts.events, 0),
      firstAt: first?.binStart,
      sample: first?.sample ?? "",
    };
  };
  const miUnavailable = of("mi-unavailable");
  const uamiNotFound = of("uami-not-found");
  const chainExhausted = of("chain-exhausted");
  return {
    miUnavailable,
    uamiNotFound,
    chainExhausted,
    invalidAudience: of("invalid-audience"),
    identityErrors: miUnavailable.events + uamiNotFound.events + chainExhausted.events,
  };
}

function dependencyFacts(all: readonly SignalRow<"dependency-calls">[]): DependencyFacts {
  const vaultRows = all.filter((r) => r.dims.targetKind === "keyvault");
  const rows = vaultRows.length > 0 ? vaultRows : all;
  const sum = (f: (r: SignalRow<"dependency-calls">) => number) => rows.reduce((n, r) => n + f(r), 0);
  const targets = [...new Set(rows.map((r) => r.dims.target))];
  const timeouts = sum((r) => r.counts.timeouts);
  const connectionFailures = sum((r) => r.counts.connectionFailures);
  const serverErrors = sum((r) => r.counts.serverErrors);
  return {
    target:
      targets.length === 1 ? targets[0]! : targets.length === 0 ? "its dependencies" : `${targets.length} targets`,
    timeouts,
    connectionFailures,
    serverErrors,
    network: timeouts + connectionFailures + serverErrors,
    auth: sum((r) => r.counts.unauthorized + r.counts.forbidden),
  };
}

function startupFacts(rows: readonly SignalRow<"host-startup">[]): StartupFacts {
  const auth = rows.filter((r) => r.dims.authRelated && r.counts.events > 0);
  return {
    authEvents: auth.reduce((n, r) => n + r.counts.events, 0),
    functions: [...new Set(auth.map((r) => r.dims.functionName))],
    sample: auth[0]?.sample ?? "",
  };
}
