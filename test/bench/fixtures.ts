import type { ColdStart } from "../../tools/bench/cold-start.js";
import type { EmulatorThroughput } from "../../tools/bench/emulator-throughput.js";
import type { Episode, ScenarioScore, TruthOutcome } from "../../tools/bench/score.js";

export const MIN = 60_000;

/** A vaultwatch alert about RBAC on kv-orders-prod: SEV-1, H2, one page, two notifications; times are the caller's. */
export const anEpisode = (o: Partial<Episode> & Pick<Episode, "firedAt" | "resolvedAt">): Episode => ({
  incident: "inc",
  rule: "kv-auth-denied",
  severity: "SEV-1",
  peakSeverity: "SEV-1",
  hypothesis: "H2",
  vault: "kv-orders-prod",
  identity: "id-func-orders",
  app: undefined,
  added: [],
  pages: 1,
  escalations: 0,
  notifications: 2,
  ...o,
});

/** One truth incident's outcome: missed unless the override says otherwise. */
export const truth = (o: Partial<TruthOutcome>): TruthOutcome => ({
  name: "rbac",
  want: { hypothesis: "H2", severity: "SEV-1" },
  detected: false,
  ttdMs: undefined,
  ttrMs: undefined,
  hypothesis: undefined,
  severity: undefined,
  matchedEpisodes: 0,
  pages: 0,
  notifications: 0,
  ...o,
});

/** One scenario's score: a quarter day with nothing detected unless the override says otherwise. */
export const score = (o: Partial<ScenarioScore>): ScenarioScore => ({
  scenario: "rbac",
  days: 0.25,
  healthy: false,
  detections: 0,
  truePositives: 0,
  truths: [],
  notifications: 0,
  pages: 0,
  incidentPages: 0,
  incidentNotifications: 0,
  ...o,
});

/** One side of a cold-start measurement (the app or the hello world). */
export const coldSide = (
  medianMs: number,
  minMs: number,
  modules: number,
  azurePackages: string[],
  registered = { functions: 1, hooks: 0 },
): ColdStart["app"] => ({
  runs: 9,
  medianMs,
  minMs,
  allMs: [minMs, medianMs],
  modules,
  azurePackages,
  ...registered,
  errors: [],
});

/** An emulator-throughput measurement, with the figures of one run on the bench's 2-core machine. */
export const emulatorThroughput = (): EmulatorThroughput => ({
  size: { callers: 50, vaults: 20, days: 7, everyMinutes: 10 },
  storedRows: 74_649,
  storedRecords: 15_552_870,
  buildSeconds: 2.2567,
  heapBytes: 181_636_952,
  parseSeconds: 0.79681,
  tick: {
    legs: 10,
    queryChars: 27_061,
    firstSeconds: 3.17086,
    warmSeconds: 0.512,
    rowsScanned: 63_314,
    recordsScanned: 13_370_806,
    resultRows: 111,
  },
  backfill: {
    legs: 15,
    queryChars: 39_322,
    firstSeconds: 3.93275,
    warmSeconds: 2.73545,
    rowsScanned: 359_230,
    recordsScanned: 75_580_918,
    resultRows: 8_566,
  },
  rowsPerSecond: 359_230 / 2.73545,
  recordsPerSecond: 75_580_918 / 2.73545,
});
