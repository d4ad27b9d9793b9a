import type { SignalName, SignalRow } from "../../signals/signal-set.js";
import { CHANGE_BEFORE_ONSET_MINUTES, DEFAULT_PROPAGATION_MINUTES, ONSET_BIN_MINUTES } from "./thresholds.js";
import type { DiagnosisInput, KvCounts } from "./types.js";
import {
  addMinutes,
  callerWords,
  lastSegment,
  normalizeId,
  onsetWords,
  roleAssignmentWords,
  scopeWords,
  unknownSignal,
} from "./words.js";
import { isKnown as statusKnown } from "../../signals/signal-set.js";

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
  onsetAt: Date | undefined;
  lastAt: Date | undefined;
  /** "the first 403". */
  onset: string;
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

export interface Change {
  at: Date;
  by: string;
  /** "kv-orders-prod", "resource group rg-orders-prod". */
  scope: string;
  /** "role assignment Key Vault Secrets User". */
  role: string;
}

export interface ChangeFacts {
  /** The earliest role assignment deleted for the caller on the vault or a parent scope shortly before onset. */
  roleDeletedBeforeOnset: Change | undefined;
  /** The latest role assignment written for the caller on the vault or a parent, from shortly before onset to now. */
  latestRoleWrite: Change | undefined;
  /** Whether that write came after the onset or after a deletion: a restore, not the cause. */
  writeIsRestore: boolean;
  identityChangedBeforeOnset: Change | undefined;
  vaultWrittenBeforeOnset: Change | undefined;
  accessPoliciesWrittenBeforeOnset: Change | undefined;
  /** Any role assignment written or deleted for the caller on the vault or a parent, in the whole look-back. */
  anyRoleChange: boolean;
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
  const kv = known("kv-requests") ? kvFacts(input.kv) : undefined;
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
    changes: known("changes") ? changeFacts(input, vaultName, apps) : undefined,
    vault: input.vault ?? {},
    access: input.access ?? {},
    unknown,
  };
}

function kvFacts(c: KvCounts): KvFacts {
  const forbiddenAuth = c.forbiddenRbac + c.forbiddenPolicy + c.forbiddenOther;
  return {
    counts: c,
    denials: c.unauthorized + forbiddenAuth + c.forbiddenFirewall,
    forbiddenAuth,
    authDenials: c.unauthorized + forbiddenAuth,
    onsetAt: c.firstFailureAt,
    lastAt: c.lastFailureAt,
    onset: onsetWords(c.unauthorized, forbiddenAuth + c.forbiddenFirewall),
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

function changeFacts(input: DiagnosisInput, vaultName: string, apps: readonly string[]): ChangeFacts {
  const vault = normalizeId(input.vaultResourceId);
  const principal = normalizeId(input.caller.objectId);
  const callerResource = normalizeId(input.caller.resourceId);
  const appSet = new Set(apps.map((a) => a.toLowerCase()));
  const onset = input.kv.firstFailureAt;
  const now = input.now;

  const forCaller = (r: SignalRow<"changes">) => principal !== "" && normalizeId(r.dims.principalId) === principal;
  const coversVault = (r: SignalRow<"changes">) => {
    const s = normalizeId(r.dims.scope);
    return s === "/" || s === vault || vault.startsWith(`${s}/`);
  };
  const onVault = (r: SignalRow<"changes">) => {
    const s = normalizeId(r.dims.scope);
    return s === vault || s.startsWith(`${vault}/`);
  };
  const onCallersApp = (r: SignalRow<"changes">) => {
    const s = normalizeId(r.dims.scope);
    return forCaller(r) || (callerResource !== "" && s === callerResource) || appSet.has(lastSegment(s));
  };
  // A deletion or a configuration change counts from its first event, a role write from its last:
  // the propagation clock starts at the last write.
  const change = (r: SignalRow<"changes">, at: Date): Change => ({
    at,
    by: r.dims.caller || "an unknown caller",
    scope: scopeWords(r.dims.scope, input.vaultResourceId, vaultName),
    role: roleAssignmentWords(r.dims.roleDefinitionId),
  });
  const inLookBack = (at: Date) =>
    onset !== undefined && at.getTime() >= addMinutes(onset, -CHANGE_BEFORE_ONSET_MINUTES).getTime();
  const beforeOnset = (at: Date) =>
    onset !== undefined && inLookBack(at) && at.getTime() <= addMinutes(onset, ONSET_BIN_MINUTES).getTime();
  const earliest = (kind: SignalRow<"changes">["dims"]["kind"], relevant: (r: SignalRow<"changes">) => boolean) =>
    input.changes
      .filter((r) => r.dims.kind === kind && relevant(r) && beforeOnset(r.firstAt))
      .sort((a, b) => a.firstAt.getTime() - b.firstAt.getTime())
      .map((r) => change(r, r.firstAt))[0];

  const roleRows = input.changes.filter((r) => forCaller(r) && coversVault(r));
  const deleted = earliest("role-assignment-delete", (r) => forCaller(r) && coversVault(r));
  const write = roleRows
    .filter(
      (r) => r.dims.kind === "role-assignment-write" && inLookBack(r.lastAt) && r.lastAt.getTime() <= now.getTime(),
    )
    .sort((a, b) => b.lastAt.getTime() - a.lastAt.getTime())[0];
  const latestRoleWrite = write ? change(write, write.lastAt) : undefined;
  const writeIsRestore =
    latestRoleWrite !== undefined &&
    onset !== undefined &&
    (latestRoleWrite.at.getTime() > onset.getTime() ||
      (deleted !== undefined && latestRoleWrite.at.getTime() > deleted.at.getTime()));

  return {
    roleDeletedBeforeOnset: deleted,
    latestRoleWrite,
    writeIsRestore,
    identityChangedBeforeOnset: earliest("app-identity-change", onCallersApp),
    vaultWrittenBeforeOnset: earliest("vault-write", onVault),
    accessPoliciesWrittenBeforeOnset: earliest("vault-access-policy-write", onVault),
    anyRoleChange: roleRows.some(
      (r) => r.dims.kind === "role-assignment-write" || r.dims.kind === "role-assignment-delete",
    ),
  };
}
