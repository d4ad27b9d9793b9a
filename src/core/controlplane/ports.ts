import type { RoleInfo } from "./roles.js";
import type { DiagnosticSettingView, DiscoveredVault, ProbeOutcome, RoleAssignmentView, VaultConfig } from "./views.js";
import type { VaultSnapshot } from "./drift.js";

/**
 * The ports the ARM and identity adapters implement. Every read answers with our own result union;
 * no SDK error crosses this line.
 */

/** Why an ARM read did not answer. */
export type ArmFailure =
  /** 403 AuthorizationFailed: the MONITOR lacks a role on `scope` (never a finding about the vault). */
  | { kind: "forbidden"; scope: string; action: string | undefined; message: string }
  /** 404: the resource (or its resource group) does not exist. */
  | { kind: "not-found"; message: string }
  /** 429 after the client's own retries, or a Retry-After longer than the read may wait. */
  | { kind: "throttled"; retryAfterSeconds: number | undefined; message: string }
  /** 5xx, connection failures. */
  | { kind: "unavailable"; status: number | undefined; message: string }
  /** No answer within the read's deadline. */
  | { kind: "timeout"; message: string }
  /** The monitor could not get an ARM token; `error` is the credential's error, for classifyProbeFailure. */
  | { kind: "credential"; message: string; error: unknown }
  /** Anything else (400, an answer that does not parse). */
  | { kind: "unexpected"; status: number | undefined; message: string }
  /**
   * A 200 whose body is not what the operation returns (no list of role assignments, say): the
   * monitor cannot judge what the read was for, which is its problem, never the vault's.
   */
  | { kind: "malformed"; message: string };

export type ArmRead<T> = { ok: true; value: T } | { ok: false; failure: ArmFailure };

export interface RoleAssignmentReader {
  /** Assignments of `principalId` at, above and below `scope` (direct ones; groups are not expanded). */
  listForPrincipal(scope: string, principalId: string): Promise<ArmRead<RoleAssignmentView[]>>;
  /** Names and permissions of a role, by GUID, read at `scope` when it is not a built-in role. Cached. */
  resolveRole(roleGuid: string, scope: string): Promise<ArmRead<RoleInfo>>;
}

export interface VaultReader {
  read(vaultId: string): Promise<ArmRead<VaultConfig>>;
}

export interface DiagnosticSettingsReader {
  list(resourceId: string): Promise<ArmRead<DiagnosticSettingView[]>>;
}

export interface VaultDiscovery {
  /** Every Key Vault the monitor can see in these subscriptions. */
  discover(subscriptionIds: string[]): Promise<ArmRead<DiscoveredVault[]>>;
}

export interface IdentityProber {
  /** Tries to get a token for `scope` as the identity (system-assigned when clientId is undefined). */
  probe(clientId: string | undefined, scope: string): Promise<ProbeOutcome>;
  /** True when the platform names its token endpoint (IDENTITY_ENDPOINT / MSI_ENDPOINT), so an unreachable one is an outage, not a missing identity. */
  readonly endpointConfigured: boolean;
}

/** A 429 that ARM answered, whether or not a retry then succeeded. */
export interface ThrottleObservation {
  at: Date;
  /** "GET /subscriptions/.../providers/Microsoft.KeyVault/vaults/kv" without query string. */
  request: string;
  retryAfterSeconds: number | undefined;
}

/** Counts the ARM round trips and throttling the adapters saw since the last drain. */
export interface ArmTraffic {
  drain(): { requests: number; throttled: ThrottleObservation[] };
}

/** A value as loaded from storage, with the ETag a conditional write must present. */
export interface StoredSnapshot {
  value: VaultSnapshot;
  etag: string | undefined;
}

export type SnapshotSaveResult = { status: "saved"; etag: string } | { status: "conflict" };

export interface SnapshotStore {
  loadAll(): Promise<{ snapshots: Map<string, StoredSnapshot>; unreadable: string[] }>;
  save(snapshot: VaultSnapshot, etag: string | undefined): Promise<SnapshotSaveResult>;
}

/** The adapters the check reads through; I/O stays behind these. */
export interface ControlPlaneDeps {
  roleAssignments: RoleAssignmentReader;
  vaults: VaultReader;
  diagnosticSettings: DiagnosticSettingsReader;
  /** Needed only when the config asks for discovery. */
  discovery: VaultDiscovery | undefined;
  prober: IdentityProber;
  /** The monitor's own identity: its failures are monitor problems, not findings. */
  monitorIdentity: { name: string; clientId: string | undefined };
  /** Round trips and 429s the ARM adapters saw; drained once per check. */
  traffic: ArmTraffic | undefined;
}
