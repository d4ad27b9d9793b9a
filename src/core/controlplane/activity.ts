import { utcDateTime } from "../common/utc.js";
import { isAtOrAbove, isBelow, lastSegment, normalizeId } from "./arm-ids.js";

/**
 * Control-plane changes from AzureActivity, in the shape of the `changes` signal's rows
 * (src/core/signals/signal-set.ts, ChangesRow): those rows can be passed in as they are. The
 * activity log reaches the workspace 3-20 minutes after the change, so "not found yet" is a normal
 * answer (learn.microsoft.com/azure/azure-monitor/logs/data-ingestion-time).
 */
export interface ActivityChange {
  dims: {
    kind: string;
    operation: string;
    scope: string;
    principalId: string;
    roleDefinitionId: string;
    caller: string;
    status: string;
  };
  counts: { events: number };
  firstAt: Date;
  lastAt: Date;
}

/** "alice@contoso.com at 2026-11-23 01:00 UTC (microsoft.keyvault/vaults/write)" */
export function describeChange(c: ActivityChange): string {
  const who = c.dims.caller || "an unnamed caller";
  const times =
    c.counts.events > 1
      ? `${c.counts.events} times between ${utcDateTime(c.firstAt)} and ${utcDateTime(c.lastAt)}`
      : `at ${utcDateTime(c.lastAt)}`;
  return `${who} ${times} (${c.dims.operation})`;
}

/** Vault writes and access-policy writes on `vaultId` whose events fall in [from, to]. */
export function vaultWritesBetween(
  activity: readonly ActivityChange[],
  vaultId: string,
  from: Date,
  to: Date,
): ActivityChange[] {
  const id = normalizeId(vaultId);
  return activity.filter(
    (c) =>
      (c.dims.kind === "vault-write" || c.dims.kind === "vault-access-policy-write") &&
      (normalizeId(c.dims.scope) === id || isBelow(c.dims.scope, id)) &&
      c.lastAt.getTime() >= from.getTime() &&
      c.firstAt.getTime() <= to.getTime(),
  );
}

/** Role-assignment deletions that could have removed `roleGuid` from one of `principalIds` on `vaultId`. */
export function roleDeletions(
  activity: readonly ActivityChange[],
  vaultId: string,
  principalIds: readonly string[],
  roleGuid: string,
): ActivityChange[] {
  const principals = new Set(principalIds.map((p) => p.toLowerCase()));
  return activity.filter(
    (c) =>
      c.dims.kind === "role-assignment-delete" &&
      (c.dims.principalId === "" || principals.has(c.dims.principalId.toLowerCase())) &&
      (c.dims.roleDefinitionId === "" || lastSegment(c.dims.roleDefinitionId) === roleGuid) &&
      c.dims.scope !== "" &&
      (isAtOrAbove(c.dims.scope, vaultId) || isBelow(c.dims.scope, vaultId)),
  );
}
