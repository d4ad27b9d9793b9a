import { convertV1Value } from "../../scenario/convert-v1.js";
import type { ScenarioFileV1Input } from "../../scenario/format-v1.js";
import type {
  AnswerDriftInput,
  IngestionStopInput,
  RecordEntryInput,
  ScenarioV2Input,
} from "../../scenario/format-v2.js";
import {
  challenges,
  hostTraces,
  lateKeyVaultBins,
  otherResources,
  routineActivity,
  type ColdStart,
  type VaultClient,
} from "./raw-extras.js";
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

/**
 * A corpus scenario as its generator tells it: the story's traffic per 5-minute bin as v1 signal
 * rows (the Telemetry), its changes, snapshots and truth, and what the workspace holds besides.
 */
export interface CorpusStory {
  v1: ScenarioFileV1Input;
  /** Every app's Key Vault clients: they send the SDK's challenge at cold starts and token renewals. */
  clients: VaultClient[];
  /** Instances that start cold in the story (deploys, restarts, new pods). */
  coldStarts: ColdStart[];
  /**
   * Records the story has besides its traffic (a restart, a refused write, an app's exceptions,
   * Entra ID's audit events), as v2 record entries.
   */
  noise: RecordEntryInput[];
  /** Stretches in which the workspace ingests nothing (a daily cap reached): `workspace.stops`. */
  stops?: IngestionStopInput[];
  /** Stretches in which the answers to the signals query drift: `workspace.answerDrifts`. */
  answerDrifts?: AnswerDriftInput[];
  /**
   * Vaults that authorize with access policies for the whole story: Key Vault logs their allowed
   * requests with isAccessPolicyMatch true (and no isRbacAuthorized), as it does on such a vault.
   */
  accessPolicyVaults?: Vault[];
}

/** The common frame of a corpus scenario: format, schema link, workspace, telemetry. */
export function scenario(o: {
  name: string;
  description: string;
  start: number;
  end: number;
  tables: string[];
  settings?: ScenarioFileV1Input["settings"];
  telemetry: Telemetry;
  activity?: ActivityInput[];
  controlPlane?: SnapshotInput[];
  incidents: TruthInput[];
  clients: VaultClient[];
  coldStarts?: ColdStart[];
  noise?: RecordEntryInput[];
  stops?: IngestionStopInput[];
  answerDrifts?: AnswerDriftInput[];
  accessPolicyVaults?: Vault[];
}): CorpusStory {
  return {
    v1: {
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
    },
    clients: o.clients,
    coldStarts: o.coldStarts ?? [],
    noise: o.noise ?? [],
    ...(o.stops?.length ? { stops: o.stops } : {}),
    ...(o.answerDrifts?.length ? { answerDrifts: o.answerDrifts } : {}),
    ...(o.accessPolicyVaults?.length ? { accessPolicyVaults: o.accessPolicyVaults } : {}),
  };
}

/**
 * The story as raw records (format v2). The traffic's signal rows become records by the
 * documented v1 mapping (tools/scenario/convert-v1.ts: a bin's records at its start, visible 3
 * minutes after it ends), with about one Key Vault bin in fifty arriving late; then what a real
 * workspace also holds is added (raw-extras.ts): the SDK's challenges at every cold start and
 * token renewal of each client, other services' AzureDiagnostics rows, routine activity-log
 * events and host traces, and the story's noise.
 */
export function corpusScenario(story: CorpusStory): ScenarioV2Input {
  const { v1 } = story;
  const v2 = convertV1Value(v1, v1.name, { lateMinutes: lateKeyVaultBins(v1.name), withoutRoutineActivity: true });
  const historyFrom = Date.parse((v1.timeline ?? [])[0]!.at);
  const end = Date.parse(v1.end);
  const records = v2.records ?? [];
  v2.records = [
    ...records.filter((r) => r.kind === "activity"),
    ...story.noise,
    ...routineActivity(historyFrom, end),
    ...challenges(story.clients, story.coldStarts, historyFrom, end),
    ...otherResources(historyFrom, end),
    ...hostTraces(story.clients, historyFrom, end),
    ...records.filter((r) => r.kind !== "activity"),
  ];
  if (story.stops?.length) v2.workspace = { ...v2.workspace, stops: story.stops };
  if (story.answerDrifts?.length) v2.workspace = { ...v2.workspace, answerDrifts: story.answerDrifts };
  const onPolicies = new Set((story.accessPolicyVaults ?? []).map((v) => v.id.toLowerCase()));
  for (const t of Object.values(v2.templates ?? {}))
    if (t.kind === "kv-audit" && onPolicies.has((t.vaultResourceId ?? "").toLowerCase()))
      t.permissionModel = "accessPolicy";
  return v2;
}
