import type { Policy } from "../../core/model/index.js";
import type {
  BaselineStore,
  NotificationChannel,
  SignalSource,
  SilenceStore,
  StateStore,
} from "../../core/ports/ports.js";
import type { ControlPlane } from "../control-plane/tick.js";
import type { DeliveryOptions } from "../delivery/options.js";

/** What a tick reads, writes and sends through: the ports, the policy and the clock. */
export interface TickDeps {
  policy: Policy;
  signals: SignalSource;
  store: StateStore;
  baselines: BaselineStore;
  silences: SilenceStore;
  /** The control-plane check, when CONTROL_PLANE_CONFIG is set. */
  controlPlane: ControlPlane | undefined;
  /** Every configured channel; routes pick among them. */
  channels: NotificationChannel[];
  /** The workspace's ARM ID, for portal links to the evidence query. */
  workspaceResourceId: string | undefined;
  delivery: DeliveryOptions;
  /** The monitor's clock: wall time in Azure, simulated time in the local replay. */
  clock: () => Date;
}
