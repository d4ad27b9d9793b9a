import type { TickDeps } from "./tick/deps.js";

/** Everything a tick or a health check needs, built once by the composition root. */
export interface Runtime extends TickDeps {
  healthStaleAfterMinutes: number;
}
