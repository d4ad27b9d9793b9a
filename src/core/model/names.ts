import type { Caller } from "./subject.js";

/** The parts of an ARM resource ID an operator types into `az` commands. */
export interface ArmName {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  provider: string;
  type: string;
  name: string;
}

/** Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}`; undefined otherwise. */
export function parseArmId(id: string): ArmName | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(
    id.trim(),
  );
  if (!m) return undefined;
  const [, subscriptionId, resourceGroup, provider, type, name] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { id: id.trim(), subscriptionId, resourceGroup, provider, type, name };
}

export interface VaultName {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
}

/** Names a vault from its resource ID; falls back to the raw ID when it does not parse, or to "(unknown vault)". */
export function vaultName(vaultResourceId: string | undefined): VaultName {
  const id = vaultResourceId ?? "";
  const arm = parseArmId(id);
  if (!arm) return { id, name: id || "(unknown vault)", resourceGroup: "", subscriptionId: "" };
  return { id: arm.id, name: arm.name, resourceGroup: arm.resourceGroup, subscriptionId: arm.subscriptionId };
}

export type CallerKind = "user-assigned" | "system-assigned" | "principal" | "anonymous";

/** Who made the calls, in the words an operator uses. */
export interface CallerName {
  kind: CallerKind;
  /** Identity or app name when the logs carry the managed identity's resource ID. */
  name: string | undefined;
  /** What to print: "id-orders (user-assigned identity)". */
  label: string;
  objectId: string;
  appId: string;
  resourceId: string;
  /** For a system-assigned identity, the resource it belongs to (e.g. the Function App). */
  host: ArmName | undefined;
}

/** No caller at all: what a finding about an app, the monitor, or a vault alone names. */
const NO_CALLER: Caller = { callerObjectId: "", callerAppId: "", callerResourceId: "" };

/**
 * Describes a caller from the claims Key Vault logged. Undefined (a finding about no caller) reads
 * as a caller that logged nothing: "calls without a token".
 */
export function callerName(caller: Caller | undefined): CallerName {
  const key = caller ?? NO_CALLER;
  const base = { objectId: key.callerObjectId, appId: key.callerAppId, resourceId: key.callerResourceId };
  const arm = key.callerResourceId ? parseArmId(key.callerResourceId) : undefined;
  if (
    arm &&
    arm.provider.toLowerCase() === "microsoft.managedidentity" &&
    arm.type.toLowerCase() === "userassignedidentities"
  ) {
    return {
      ...base,
      kind: "user-assigned",
      name: arm.name,
      label: `${arm.name} (user-assigned identity)`,
      host: undefined,
    };
  }
  if (arm) {
    return {
      ...base,
      kind: "system-assigned",
      name: arm.name,
      label: `${arm.name} (system-assigned identity of ${arm.type})`,
      host: arm,
    };
  }
  if (key.callerObjectId) {
    return { ...base, kind: "principal", name: undefined, label: `principal ${key.callerObjectId}`, host: undefined };
  }
  return { ...base, kind: "anonymous", name: undefined, label: "calls without a token", host: undefined };
}
