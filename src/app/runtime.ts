import type { Policy } from "../core/model.js";
import type { SignalSource, StateStore, TeamsChannel } from "./ports.js";
import type { BaselineKeeper } from "./baselines.js";
import type { ControlPlane } from "./control-plane.js";

/** Everything a tick or a health check needs, built once by the composition root. */
export interface Runtime {
  policy: Policy;
  healthStaleAfterMinutes: number;
  signals: SignalSource;
  store: StateStore;
  baselines: BaselineKeeper;
  /** The control-plane check, when CONTROL_PLANE_CONFIG is set. */
  controlPlane: ControlPlane | undefined;
  teams: TeamsChannel;
  /** The monitor's clock: wall time in Azure, simulated time in the local replay. */
  clock: () => Date;
}
