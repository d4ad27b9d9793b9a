import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { TableClient } from "@azure/data-tables";
import type { ControlPlaneConfig } from "../../core/controlplane/config.js";
import type { ControlPlaneDeps, SnapshotStore } from "../../core/controlplane/ports.js";
import { createDiagnosticSettingsReader } from "./diagnostic-settings.js";
import { createIdentityProber } from "./identity-prober.js";
import type { ArmAdapterOptions } from "./options.js";
import { createVaultDiscovery } from "./resource-graph.js";
import { createRoleAssignmentReader } from "./role-assignments.js";
import { createVaultSnapshotStore } from "./snapshot-store.js";
import { ArmTrafficLog } from "./traffic.js";
import { createVaultReader } from "./vaults.js";

export interface ControlPlaneDepsOptions {
  /** The monitor's credential, the same one every other client uses (docs/adr/0005). */
  credential: TokenCredential;
  config: ControlPlaneConfig;
  /** The monitor's own identity as named in reports; clientId is AZURE_CLIENT_ID (undefined: system-assigned). */
  monitorIdentity: { name: string; clientId: string | undefined };
  /** process.env: tells the prober whether the platform names a token endpoint. */
  env: Record<string, string | undefined>;
  /** The table for vault snapshots, e.g. `<prefix>ControlPlane`. */
  snapshotsTable: TableClient;
  /** The local replay and tests: sends ARM requests to the stand-in. Production passes none. */
  httpClient?: HttpClient;
  /** Sovereign clouds: https://management.chinacloudapi.cn and so on. */
  armEndpoint?: string;
}

/**
 * Every adapter the control-plane check needs, built once per process so that role names stay
 * cached between ticks. Pass the result to runControlPlaneCheck (src/app/control-plane/record.ts).
 */
export function createControlPlaneDeps(o: ControlPlaneDepsOptions): ControlPlaneDeps & { snapshots: SnapshotStore } {
  const traffic = new ArmTrafficLog();
  const arm: ArmAdapterOptions = {
    credential: o.credential,
    traffic,
    timeoutMs: o.config.armTimeoutSeconds * 1000,
    ...(o.httpClient ? { httpClient: o.httpClient } : {}),
    ...(o.armEndpoint ? { endpoint: o.armEndpoint } : {}),
  };
  return {
    roleAssignments: createRoleAssignmentReader(arm),
    vaults: createVaultReader(arm),
    diagnosticSettings: createDiagnosticSettingsReader(arm),
    discovery: o.config.discovery ? createVaultDiscovery(arm) : undefined,
    prober: createIdentityProber({ env: o.env, timeoutMs: o.config.probeTimeoutSeconds * 1000 }),
    monitorIdentity: o.monitorIdentity,
    traffic,
    snapshots: createVaultSnapshotStore(o.snapshotsTable),
  };
}
