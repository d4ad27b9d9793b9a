import type { ActivityChange } from "../../core/controlplane/activity.js";
import type { VaultRef } from "../../core/controlplane/arm-ids.js";
import type { VaultSnapshot } from "../../core/controlplane/drift.js";
import type { ControlPlaneFinding } from "../../core/controlplane/findings.js";
import type { ProbeCause } from "../../core/controlplane/probes.js";
import type { RoleHolder } from "../../core/controlplane/roles.js";
import type { VaultConfig } from "../../core/controlplane/views.js";
import type { KeyVaultAuditTable } from "../../core/model/signals.js";

export interface ControlPlaneInput {
  now: Date;
  /** Last snapshots by lower-case vault ID. */
  previousSnapshots: ReadonlyMap<string, VaultSnapshot>;
  /** Rows of the `changes` signal this tick; undefined when that signal is unavailable or failed. */
  activity: readonly ActivityChange[] | undefined;
}

/** One vault's standing, for `/api/health`. */
export interface VaultStatus {
  vaultResourceId: string;
  source: "listed" | "discovered";
  config: "read" | "not-found" | "unknown";
  permissionModel: VaultConfig["permissionModel"] | undefined;
  coverage: "covered" | "blind-spot" | "unknown";
  /** The audit table the vault's events land in, when covered. */
  auditTable: KeyVaultAuditTable | undefined;
}

export interface ProbeResult {
  identity: string;
  clientId: string | undefined;
  scope: string;
  ok: boolean;
  /** For a success: the same token as last time (answered from the process's token cache). */
  cached: boolean | undefined;
  cause: ProbeCause | undefined;
}

/** Who holds a principal's expected role on a vault: the principal itself, or the groups it is configured in. */
export interface RoleHolding {
  vaultResourceId: string;
  /** Lower case. */
  principalObjectId: string;
  role: string;
  /** Empty when none does (the role is missing, or held only below the vault). */
  holders: RoleHolder[];
}

export interface ControlPlaneReport {
  checkedAt: Date;
  vaults: VaultStatus[];
  /** About vaults and identities: these feed the findings / incident pipeline. */
  findings: ControlPlaneFinding[];
  /** About the monitor itself (its access, ARM throttling, its own token): health shows them as degraded. */
  monitorProblems: ControlPlaneFinding[];
  /** New snapshots to save (ETag-guarded), one per vault whose configuration was read. */
  snapshots: VaultSnapshot[];
  probes: ProbeResult[];
  /** ARM round trips the adapters counted, retries included. */
  armRequests: number;
  /** Per principal and vault where access is expected and the assignments were listed: who holds the role. */
  roleHolders?: RoleHolding[] | undefined;
}

export interface Monitored {
  ref: VaultRef;
  source: "listed" | "discovered";
}
