import type { Policy } from "../core/model/index.js";
import type { NotificationChannel, SignalSource, SilenceStore, StateStore } from "../core/ports/ports.js";
import type { BaselineKeeper } from "./baselines.js";
import type { ControlPlane } from "./control-plane/tick.js";
import type { DeliveryOptions } from "./delivery-options.js";

/** Everything a tick or a health check needs, built once by the composition root. */
export interface Runtime {
  policy: Policy;
  healthStaleAfterMinutes: number;
  signals: SignalSource;
  store: StateStore;
  baselines: BaselineKeeper;
  /** The control-plane check, when CONTROL_PLANE_CONFIG is set. */
  controlPlane: ControlPlane | undefined;
  silences: SilenceStore;
  /** Every configured channel; routes pick among them. */
  channels: NotificationChannel[];
  /** The workspace's ARM ID, for portal links to the evidence query. */
  workspaceResourceId: string | undefined;
  /** In-tick retries and their budget. */
  delivery: DeliveryOptions;
  /** The monitor's clock: wall time in Azure, simulated time in the local replay. */
  clock: () => Date;
}
