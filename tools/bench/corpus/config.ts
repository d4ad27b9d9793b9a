import type { ScenarioFileInput } from "../../scenario/format.js";
import { iso, ROLE, roleDefinitionId, WORKSPACE_RESOURCE_ID, type Identity, type Vault } from "./shared.js";
import type { ActivityInput, SnapshotInput, Telemetry, TruthInput } from "./timeline.js";

/** The tables a workspace has when the apps send workspace-based Application Insights there. */
export const AUDIT_TABLES = ["AzureDiagnostics", "AzureActivity"];
export const APP_TABLES = [...AUDIT_TABLES, "AppDependencies", "AppTraces"];
export const FUNCTIONS_TABLES = [...APP_TABLES, "FunctionAppLogs"];

export interface AppEntry {
  name: string;
  identities: Identity[];
  critical: boolean;
  hasFallback: boolean;
}

/** MONITOR_CONFIG (src/core/spec/monitor-spec.ts): the apps and the identities they call with. */
export function monitorConfig(apps: AppEntry[]): Record<string, unknown> {
  return {
    apiVersion: "vaultwatch/v1",
    apps: apps.map((a) => ({
      name: a.name,
      identities: a.identities.map((i) => i.name),
      critical: a.critical,
      hasFallback: a.hasFallback,
    })),
  };
}

export interface PrincipalEntry {
  identity: Identity;
  /** Vaults this principal should hold Key Vault Secrets User on. */
  expect: Vault[];
  /** Groups whose role assignments count as the principal's own. */
  groupObjectIds?: string[];
}

/** CONTROL_PLANE_CONFIG (src/core/controlplane/config.ts), reading the scenario's workspace. */
export function controlPlaneConfig(vaults: Vault[], principals: PrincipalEntry[]): Record<string, unknown> {
  return {
    workspaces: [WORKSPACE_RESOURCE_ID],
    vaults: vaults.map((v) => ({ resourceId: v.id })),
    principals: principals.map((p) => ({
      name: p.identity.name,
      objectId: p.identity.objectId,
      ...(p.groupObjectIds ? { groupObjectIds: p.groupObjectIds } : {}),
      expect: p.expect.map((v) => ({ vault: v.id, role: ROLE.secretsUser.name })),
    })),
  };
}

export interface Grant {
  vault: Vault;
  principalId: string;
  principalType?: "ServicePrincipal" | "User" | "Group";
}

/** What Resource Manager shows from `at` on: the vaults (with property overrides) and Secrets User grants. */
export function snapshot(
  at: number,
  vaults: { vault: Vault; properties?: Record<string, unknown> }[],
  grants: Grant[],
): SnapshotInput {
  return {
    at: iso(at),
    vaults: vaults.map((v) => ({ id: v.vault.id, ...(v.properties ? { properties: v.properties } : {}) })),
    roleAssignments: grants.map((g) => ({
      scope: g.vault.id,
      roleDefinitionGuid: ROLE.secretsUser.guid,
      principalId: g.principalId,
      principalType: g.principalType ?? "ServicePrincipal",
    })),
  };
}

/** A Key Vault Secrets User assignment written or deleted on a vault, as AzureActivity records it. */
export function roleChange(
  at: number,
  kind: "write" | "delete",
  v: Vault,
  principalId: string,
  caller: string,
): ActivityInput {
  return {
    at: iso(at),
    operation: `Microsoft.Authorization/roleAssignments/${kind}`,
    scope: v.id,
    principalId,
    roleDefinitionId: roleDefinitionId(ROLE.secretsUser.guid),
    caller,
  };
}

/** A site write whose request body changes the app's identity block (the changes query's app-identity-change). */
export function siteIdentityWrite(at: number, site: string, caller: string): ActivityInput {
  return { at: iso(at), operation: "Microsoft.Web/sites/write", scope: site, caller };
}

/** A write to the vault resource itself: permission model, network rules. */
export function vaultWrite(at: number, v: Vault, caller: string): ActivityInput {
  return { at: iso(at), operation: "Microsoft.KeyVault/vaults/write", scope: v.id, caller };
}

export function truth(
  t: Omit<TruthInput, "cause" | "onset" | "recovered"> & { cause?: number; onset: number; recovered: number },
): TruthInput {
  const { cause, ...rest } = t;
  return {
    ...rest,
    ...(cause !== undefined ? { cause: iso(cause) } : {}),
    onset: iso(t.onset),
    recovered: iso(t.recovered),
  };
}

/** The common frame of a corpus scenario: format, schema link, workspace, telemetry. */
export function scenario(o: {
  name: string;
  description: string;
  start: number;
  end: number;
  tables: string[];
  settings?: ScenarioFileInput["settings"];
  telemetry: Telemetry;
  activity?: ActivityInput[];
  controlPlane?: SnapshotInput[];
  incidents: TruthInput[];
}): ScenarioFileInput {
  return {
    $schema: "../../docs/scenario.schema.json",
    format: "vaultwatch/scenario/v1",
    name: o.name,
    description: o.description,
    start: iso(o.start),
    end: iso(o.end),
    tickMinutes: 5,
    workspace: { tables: o.tables, ingestionDelayMinutes: 3, resourceId: WORKSPACE_RESOURCE_ID },
    settings: o.settings ?? {},
    series: o.telemetry.series,
    timeline: o.telemetry.timeline(),
    activity: o.activity ?? [],
    controlPlane: o.controlPlane ?? [],
    probes: [],
    truth: { incidents: o.incidents },
  };
}
