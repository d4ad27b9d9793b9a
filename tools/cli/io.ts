import type { ReplayHost } from "../replay/replay.js";

/** Where a command writes: stdout for its results, stderr for progress, warnings and errors. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /**
   * Azurite and the stand-ins a replay runs against; started for each replay when absent. Tests
   * share one: the managed-identity credential keeps its endpoint process-wide (tools/replay/replay.ts).
   */
  host?: ReplayHost | undefined;
}
