import type { SignalRow } from "../../signals/signal-set.js";
import { CHANGE_BEFORE_ONSET_MINUTES, ONSET_BIN_MINUTES } from "./thresholds.js";
import type { DiagnosisInput } from "./types.js";
import { addMinutes, lastSegment, normalizeId, roleAssignmentWords, scopeWords } from "./words.js";

/**
 * The control-plane changes (AzureActivity, queries/signals/changes.ts) that bear on one caller's
 * failures on one vault: what was deleted or written for it shortly before the onset, and whether
 * a write since is a restore or its first-ever grant.
 */

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
  /**
   * Whether that write is the caller's first-ever grant: no access in the history the monitor read
   * (DiagnosisInput.accessBefore) and no earlier assignment of it in the change log. Never a restore.
   */
  firstGrant: boolean;
  identityChangedBeforeOnset: Change | undefined;
  vaultWrittenBeforeOnset: Change | undefined;
  accessPoliciesWrittenBeforeOnset: Change | undefined;
  /** Any role assignment written or deleted for the caller on the vault or a parent, in the whole look-back. */
  anyRoleChange: boolean;
}

export function changeFacts(
  input: DiagnosisInput,
  vaultName: string,
  apps: readonly string[],
  onset: Date | undefined,
): ChangeFacts {
  const vault = normalizeId(input.vaultResourceId);
  const principal = normalizeId(input.caller.objectId);
  const callerResource = normalizeId(input.caller.resourceId);
  const appSet = new Set(apps.map((a) => a.toLowerCase()));
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
  // Denials before a first grant are the caller waiting for it: the write ends them, whatever
  // side of the rounded onset it falls on, and restores nothing.
  const firstGrant =
    write !== undefined &&
    input.accessBefore === false &&
    !roleRows.some(
      (r) =>
        r !== write &&
        (r.dims.kind === "role-assignment-write" || r.dims.kind === "role-assignment-delete") &&
        r.firstAt.getTime() < write.firstAt.getTime(),
    );
  const writeIsRestore =
    !firstGrant &&
    latestRoleWrite !== undefined &&
    onset !== undefined &&
    (latestRoleWrite.at.getTime() > onset.getTime() ||
      (deleted !== undefined && latestRoleWrite.at.getTime() > deleted.at.getTime()));

  return {
    roleDeletedBeforeOnset: deleted,
    latestRoleWrite,
    writeIsRestore,
    firstGrant,
    identityChangedBeforeOnset: earliest("app-identity-change", onCallersApp),
    vaultWrittenBeforeOnset: earliest("vault-write", onVault),
    accessPoliciesWrittenBeforeOnset: earliest("vault-access-policy-write", onVault),
    anyRoleChange: roleRows.some(
      (r) => r.dims.kind === "role-assignment-write" || r.dims.kind === "role-assignment-delete",
    ),
  };
}
