import { isAtOrAbove, isBelow, lastSegment, normalizeId } from "./arm-ids.js";

/**
 * Control-plane changes from AzureActivity, in the shape of the `changes` signal's rows
 * (src/signals/model.ts, ChangesRow): those rows can be passed in as they are. The activity log
 * reaches the workspace 3-20 minutes after the change, so "not found yet" is a normal answer.
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

/** "2026-11-23 01:00 UTC" */
export function utc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "alice@contoso.com at 2026-11-23 01:00 UTC (microsoft.keyvault/vaults/write)" */
export function describeChange(c: ActivityChange): string {
  const who = c.dims.caller || "an unnamed caller";
  const times =
    c.counts.events > 1
      ? `${c.counts.events} times between ${utc(c.firstAt)} and ${utc(c.lastAt)}`
      : `at ${utc(c.lastAt)}`;
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
