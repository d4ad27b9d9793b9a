import type { Policy } from "../core/model.js";
import type { SignalSource, StateStore, TeamsChannel } from "./ports.js";
import type { BaselineKeeper } from "./baselines.js";

/** Everything a tick or a health check needs, built once by the composition root. */
export interface Runtime {
  policy: Policy;
  healthStaleAfterMinutes: number;
  signals: SignalSource;
  store: StateStore;
  baselines: BaselineKeeper;
  teams: TeamsChannel;
  /** The monitor's clock: wall time in Azure, simulated time in the local replay. */
  clock: () => Date;
}
