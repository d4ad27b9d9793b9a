import type { DiagnosisInput, KvCounts } from "../../../src/core/diagnosis/rules/types.js";
import type { SignalName, SignalRow, SignalStatus } from "../../../src/core/signals/signal-set.js";

/** The playbooks' incident world: kv-orders-prod, the identity id-func-orders of func-orders. */

export const SUB = "4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61";
export const RG = `/subscriptions/${SUB}/resourceGroups/rg-orders-prod`;
export const VAULT_ID = `${RG}/providers/Microsoft.KeyVault/vaults/kv-orders-prod`;
export const OTHER_VAULT_ID = `${RG}/providers/Microsoft.KeyVault/vaults/kv-orders-staging`;
export const SITE_ID = `${RG}/providers/Microsoft.Web/sites/func-orders`;
export const SECRETS_USER = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;

export const ORDERS = {
  objectId: "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93",
  appId: "c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14",
  resourceId: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-func-orders`,
};
export const OTHER_PRINCIPAL = "2e9b7c4d-6a1f-4e3b-8d5c-9f0a1b2c3d4e";
/** An Entra ID group that holds Key Vault Secrets User on kv-orders-prod for its members. */
export const ORDERS_READERS = { objectId: "3a9c5e1b-7d4f-4a2e-8c6b-0e2a4c6e8a52", name: "grp-kv-orders-readers" };
export const APP = "func-orders";

/** "01:03" on the playbook's incident day, UTC. */
export const at = (hhmm: string) => new Date(`2026-04-05T${hhmm}:00Z`);
export const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);

export const BASE_SIGNALS = [
  "kv-requests",
  "dependency-calls",
  "credential-traces",
  "invocations",
  "host-startup",
  "changes",
  "group-membership",
] as const satisfies readonly SignalName[];

export const ALL_OK: Partial<Record<SignalName, SignalStatus>> = Object.fromEntries(BASE_SIGNALS.map((s) => [s, "ok"]));

export function kvCounts(o: Partial<KvCounts> = {}): KvCounts {
  const c: KvCounts = {
    total: 0,
    succeeded: 0,
    unauthorized: 0,
    forbiddenRbac: 0,
    forbiddenPolicy: 0,
    forbiddenFirewall: 0,
    forbiddenOther: 0,
    throttled: 0,
    other: 0,
    firstFailureAt: undefined,
    lastFailureAt: undefined,
    ...o,
  };
  if (o.total === undefined) {
    c.total =
      c.succeeded +
      c.unauthorized +
      c.forbiddenRbac +
      c.forbiddenPolicy +
      c.forbiddenFirewall +
      c.forbiddenOther +
      c.throttled +
      c.other;
  }
  return c;
}

type ChangeKind = SignalRow<"changes">["dims"]["kind"];

const OPERATIONS: Record<ChangeKind, string> = {
  "role-assignment-write": "microsoft.authorization/roleassignments/write",
  "role-assignment-delete": "microsoft.authorization/roleassignments/delete",
  "vault-write": "microsoft.keyvault/vaults/write",
  "vault-access-policy-write": "microsoft.keyvault/vaults/accesspolicies/write",
  "app-identity-change": "microsoft.web/sites/write",
  "diagnostic-setting-write": "microsoft.insights/diagnosticsettings/write",
  "diagnostic-setting-delete": "microsoft.insights/diagnosticsettings/delete",
};

/** A change as the changes signal maps it: scope and principal lower-cased, as the query does. */
export function aChange(
  kind: ChangeKind,
  when: Date,
  o: { scope?: string; principalId?: string; caller?: string; roleDefinitionId?: string; lastAt?: Date } = {},
): SignalRow<"changes"> {
  const isRole = kind === "role-assignment-write" || kind === "role-assignment-delete";
  return {
    binStart: when,
    dims: {
      kind,
      operation: OPERATIONS[kind],
      scope: (o.scope ?? (kind === "app-identity-change" ? SITE_ID : VAULT_ID)).toLowerCase(),
      principalId: (o.principalId ?? (isRole ? ORDERS.objectId : "")).toLowerCase(),
      roleDefinitionId: (o.roleDefinitionId ?? (isRole ? SECRETS_USER : "")).toLowerCase(),
      caller: o.caller ?? "deploy-pipeline@contoso.com",
      status: "Succeeded",
    },
    counts: { events: 1 },
    firstAt: when,
    lastAt: o.lastAt ?? when,
  };
}

/** The caller (id-func-orders unless told) added to or removed from a group, as the group-membership signal maps it. */
export function aMembershipChange(
  change: "added" | "removed",
  when: Date,
  o: { groupObjectId?: string; groupName?: string; memberObjectId?: string; by?: string } = {},
): SignalRow<"group-membership"> {
  return {
    binStart: new Date(Math.floor(when.getTime() / 300_000) * 300_000),
    dims: {
      change,
      memberObjectId: (o.memberObjectId ?? ORDERS.objectId).toLowerCase(),
      groupObjectId: (o.groupObjectId ?? ORDERS_READERS.objectId).toLowerCase(),
      groupName: o.groupName ?? ORDERS_READERS.name,
      initiatedBy: o.by ?? "alice@contoso.com",
    },
    counts: { events: 1 },
    firstAt: when,
    lastAt: when,
  };
}

export function aTrace(
  errorClass: SignalRow<"credential-traces">["dims"]["errorClass"],
  events: number,
  when: Date,
  sample = "",
): SignalRow<"credential-traces"> {
  return { binStart: when, dims: { appRoleName: APP, errorClass }, counts: { events }, sample };
}

export function aDependency(
  o: Partial<SignalRow<"dependency-calls">["counts"]>,
  dims: Partial<SignalRow<"dependency-calls">["dims"]> = {},
  when = at("01:00"),
): SignalRow<"dependency-calls"> {
  const counts = {
    total: 0,
    succeeded: 0,
    unauthorized: 0,
    forbidden: 0,
    throttled: 0,
    timeouts: 0,
    connectionFailures: 0,
    serverErrors: 0,
    otherFailures: 0,
    ...o,
  };
  if (o.total === undefined) {
    counts.total =
      counts.succeeded +
      counts.unauthorized +
      counts.forbidden +
      counts.throttled +
      counts.timeouts +
      counts.connectionFailures +
      counts.serverErrors +
      counts.otherFailures;
  }
  return {
    binStart: when,
    dims: {
      appRoleName: APP,
      target: "kv-orders-prod.vault.azure.net",
      dependencyType: "Azure Key Vault",
      targetKind: "keyvault",
      ...dims,
    },
    counts,
  };
}

export function aStartupFailure(
  functionName: string,
  events: number,
  when: Date,
  sample: string,
  authRelated = true,
): SignalRow<"host-startup"> {
  return { binStart: when, dims: { appName: APP, functionName, authRelated }, counts: { events }, sample };
}

/** A finding for id-func-orders on kv-orders-prod with every signal ok and quiet; override what the case is about. */
export function anInput(o: Partial<DiagnosisInput> = {}): DiagnosisInput {
  return {
    now: at("01:10"),
    kv: kvCounts(),
    vaultResourceId: VAULT_ID,
    caller: { ...ORDERS },
    dependencyCalls: [],
    credentialTraces: [],
    hostStartup: [],
    changes: [],
    signalStatus: { ...ALL_OK },
    ...o,
  };
}
