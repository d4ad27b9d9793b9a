import type { Policy } from "../core/model.js";
import type { KeyVaultAuditTable } from "../queries/kv-requests.kql.js";
import type { KvRequestSource, StateStore, TeamsChannel } from "./ports.js";

/** Everything a tick or a health check needs, built once by the composition root. */
export interface Runtime {
  policy: Policy;
  auditTable: KeyVaultAuditTable;
  healthStaleAfterMinutes: number;
  source: KvRequestSource;
  store: StateStore;
  teams: TeamsChannel;
  /** The monitor's clock: wall time in Azure, simulated time in the local replay. */
  clock: () => Date;
}
