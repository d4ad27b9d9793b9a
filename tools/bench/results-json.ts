import { classOf, classSlug, classesOf } from "./classes.js";
import type { ColdStart } from "./cold-start.js";
import type { Deployment } from "./deployment.js";
import type { EmulatorThroughput } from "./emulator-throughput.js";
import type { DetectorSlug } from "./peers.js";
import { NEVER, summarize, type Ratio, type ScenarioScore, type Spread, type TruthOutcome } from "./score.js";
import type { CoreGrowth } from "./tick-cost.js";
import type { FaultsResult } from "./faults.js";
import { faultsJson, type JsonFaults } from "./faults-json.js";

/**
 * bench/results/results.json: the headline figures in a shape a script can compare across commits
 * without parsing Markdown. The keys are stable and documented in the README's "results.json"
 * section (results-json-keys.ts); every figure is a number, or null where the Markdown says "n/a",
 * "–" or "never". Pure: results in, object out.
 */

/**
 * 2: `detection` is an object keyed by detector slug, with the same figures for the whole corpus,
 * each class of problem and each scenario; fractions are plain numbers, their counts under `counts`.
 * 1: `detection` was an array of systems with a ratio object per fraction.
 */
export const RESULTS_JSON_VERSION = 2;

/**
 * One detector's figures over a set of scenarios (the corpus, one class, one scenario). The first
 * twelve keys are the ones issue 17 names; the rest say more about the same runs.
 */
export interface JsonFigures {
  precision: number | null;
  recall: number | null;
  ttdMedianMin: number | null;
  ttdWorstMin: number | null;
  ttrMedianMin: number | null;
  ttrWorstMin: number | null;
  top1: number | null;
  severity: number | null;
  pagesPerHealthyDay: number | null;
  notificationsPerHealthyDay: number | null;
  pagesPerIncident: number | null;
  notificationsPerIncident: number | null;
  ttdFromDataMedianMin: number | null;
  ttdFromDataWorstMin: number | null;
  ttrNeverCount: number;
  pagesWorstIncident: number | null;
  counts: JsonCounts;
}

/** The counts behind the fractions and rates. */
export interface JsonCounts {
  scenarios: number;
  healthyScenarios: number;
  truthIncidents: number;
  detected: number;
  alerts: number;
  trueAlerts: number;
  top1Correct: number | null;
  severityCorrect: number;
  healthyDays: number;
  healthyPages: number;
  healthyNotifications: number;
  incidentPages: number;
  incidentNotifications: number;
}

export interface JsonDetection extends JsonFigures {
  title: string;
  /** By class slug (classes.ts), in the Per class table's order. */
  classes: Record<string, JsonFigures & { name: string }>;
  /** By scenario name, every scored scenario (healthy ones too). */
  scenarios: Record<string, JsonFigures & { class: string }>;
  incidents: JsonIncident[];
}

/** One truth incident, for one detector. */
export interface JsonIncident {
  scenario: string;
  class: string;
  incident: string;
  truthHypothesis: string;
  truthSeverity: string;
  detected: boolean;
  dataQueryableMin: number | null;
  ttdMin: number | null;
  ttdFromDataMin: number | null;
  ttrMin: number | null;
  ttrNever: boolean;
  hypothesis: string | null;
  severity: string | null;
  pages: number;
  notifications: number;
}

export interface JsonTickCost {
  series: number;
  openIncidents: number;
  cpuMsPerEvaluation: number;
  peakRssMB: number;
}

export interface JsonColdStart {
  runs: number;
  appMedianMs: number;
  appMinMs: number;
  helloMedianMs: number;
  helloMinMs: number;
  ratioMedian: number;
  ratioMin: number;
  modules: number;
  azurePackages: number;
}

export interface JsonDeployment {
  uploadFiles: number;
  uploadBytes: number;
  toolFilesInDist: number;
}

export interface JsonEmulator {
  storedRows: number;
  storedRecords: number;
  heapMB: number;
  firstParseSeconds: number;
  tickFirstSeconds: number;
  tickQuerySeconds: number;
  tickRowsScanned: number;
  backfillFirstSeconds: number;
  backfillQuerySeconds: number;
  backfillRowsScanned: number;
  rowsPerSecond: number;
  recordsPerSecond: number;
}

export interface ResultsJson {
  version: number;
  date: string;
  node: string;
  cpuModel: string;
  cpuCount: number;
  benchWallSeconds: number;
  detection: Record<string, JsonDetection>;
  tickCost: JsonTickCost[];
  coldStart: JsonColdStart | null;
  deployment: JsonDeployment | null;
  emulator: JsonEmulator | null;
  faults: JsonFaults | null;
}

/** What the figures need of a detector (markdown.ts's DetectorResults has this shape). */
export interface JsonDetectorInput {
  slug: DetectorSlug;
  title: string;
  namesCauses: boolean;
  scores: readonly ScenarioScore[];
}

export interface ResultsJsonInput {
  detectors: readonly JsonDetectorInput[];
  core: CoreGrowth[] | { error: string };
  coldStart: ColdStart | { error: string };
  deployment: Deployment | { error: string };
  emulator: EmulatorThroughput | { error: string };
  /** The fault matrix; absent or an error: `faults` is null. */
  faults?: FaultsResult | { error: string } | undefined;
  benchWallSeconds: number;
  node: string;
  cpuModel: string;
  cpuCount: number;
  date: Date;
}

export function buildResultsJson(r: ResultsJsonInput): ResultsJson {
  return {
    version: RESULTS_JSON_VERSION,
    date: r.date.toISOString(),
    node: r.node,
    cpuModel: r.cpuModel,
    cpuCount: r.cpuCount,
    benchWallSeconds: round(r.benchWallSeconds, 1),
    detection: Object.fromEntries(r.detectors.map((d) => [d.slug, detection(d)])),
    tickCost: Array.isArray(r.core)
      ? r.core.map((c) => ({
          series: c.series,
          openIncidents: c.openIncidents,
          cpuMsPerEvaluation: round(c.cpuMsPerEvaluation, 1),
          peakRssMB: round(c.peakRssBytes / 1024 / 1024, 1),
        }))
      : [],
    coldStart:
      "error" in r.coldStart
        ? null
        : {
            runs: r.coldStart.app.runs,
            appMedianMs: round(r.coldStart.app.medianMs, 1),
            appMinMs: round(r.coldStart.app.minMs, 1),
            helloMedianMs: round(r.coldStart.hello.medianMs, 1),
            helloMinMs: round(r.coldStart.hello.minMs, 1),
            ratioMedian: round(r.coldStart.ratioMedian, 1),
            ratioMin: round(r.coldStart.ratioMin, 1),
            modules: r.coldStart.app.modules,
            azurePackages: r.coldStart.app.azurePackages.length,
          },
    deployment:
      "error" in r.deployment
        ? null
        : {
            uploadFiles: r.deployment.files,
            uploadBytes: r.deployment.bytes,
            toolFilesInDist: r.deployment.toolFilesInDist,
          },
    emulator: "error" in r.emulator ? null : emulator(r.emulator),
    faults: !r.faults || "error" in r.faults ? null : faultsJson(r.faults),
  };
}

function emulator(e: EmulatorThroughput): JsonEmulator {
  return {
    storedRows: e.storedRows,
    storedRecords: e.storedRecords,
    heapMB: round(e.heapBytes / 1024 / 1024, 1),
    firstParseSeconds: round(e.parseSeconds, 3),
    tickFirstSeconds: round(e.tick.firstSeconds, 3),
    tickQuerySeconds: round(e.tick.warmSeconds, 3),
    tickRowsScanned: e.tick.rowsScanned,
    backfillFirstSeconds: round(e.backfill.firstSeconds, 3),
    backfillQuerySeconds: round(e.backfill.warmSeconds, 3),
    backfillRowsScanned: e.backfill.rowsScanned,
    rowsPerSecond: Math.round(e.rowsPerSecond),
    recordsPerSecond: Math.round(e.recordsPerSecond),
  };
}

function detection(d: JsonDetectorInput): JsonDetection {
  const names = d.scores.map((x) => x.scenario);
  return {
    title: d.title,
    ...figures(d.scores, d.namesCauses),
    classes: Object.fromEntries(
      classesOf(names).map((c) => [
        classSlug(c),
        {
          name: c,
          ...figures(
            d.scores.filter((x) => classOf(x.scenario) === c),
            d.namesCauses,
          ),
        },
      ]),
    ),
    scenarios: Object.fromEntries(
      d.scores.map((x) => [x.scenario, { class: classSlug(classOf(x.scenario)), ...figures([x], d.namesCauses) }]),
    ),
    incidents: d.scores.flatMap((x) => x.truths.map((t) => incident(x.scenario, t))),
  };
}

/** The figures over some scenarios: fractions 0–1, minutes, per day and per incident. */
export function figures(scores: readonly ScenarioScore[], namesCauses: boolean): JsonFigures {
  const s = summarize(scores, namesCauses);
  const detected = scores.flatMap((x) => x.truths).filter((t) => t.detected);
  const quiet = s.healthy.days === 0 ? undefined : s.healthy.days;
  const found = s.recall.num === 0 ? undefined : s.recall.num;
  return {
    precision: fraction(s.precision),
    recall: fraction(s.recall),
    ttdMedianMin: minutes(s.ttd.median),
    ttdWorstMin: minutes(s.ttd.worst),
    ttrMedianMin: minutes(s.ttr.median),
    ttrWorstMin: minutes(s.ttr.worst),
    top1: s.hypothesis ? fraction(s.hypothesis) : null,
    severity: fraction(s.severity),
    pagesPerHealthyDay: quiet === undefined ? null : round(s.healthy.pages / quiet, 2),
    notificationsPerHealthyDay: quiet === undefined ? null : round(s.healthy.notifications / quiet, 2),
    pagesPerIncident: found === undefined ? null : round(s.incidents.pages / found, 2),
    notificationsPerIncident: found === undefined ? null : round(s.incidents.notifications / found, 2),
    ttdFromDataMedianMin: minutes(s.ttdFromData.median),
    ttdFromDataWorstMin: minutes(s.ttdFromData.worst),
    ttrNeverCount: detected.filter((t) => t.ttrMs === NEVER).length,
    pagesWorstIncident: s.incidents.mostPages === undefined ? null : round(s.incidents.mostPages, 2),
    counts: {
      scenarios: scores.length,
      healthyScenarios: s.healthy.scenarios,
      truthIncidents: s.recall.den,
      detected: s.recall.num,
      alerts: s.precision.den,
      trueAlerts: s.precision.num,
      top1Correct: s.hypothesis ? s.hypothesis.num : null,
      severityCorrect: s.severity.num,
      healthyDays: round(s.healthy.days, 2),
      healthyPages: s.healthy.pages,
      healthyNotifications: s.healthy.notifications,
      incidentPages: s.incidents.pages,
      incidentNotifications: s.incidents.notifications,
    },
  };
}

function incident(scenario: string, t: TruthOutcome): JsonIncident {
  return {
    scenario,
    class: classSlug(classOf(scenario)),
    incident: t.name,
    truthHypothesis: t.want.hypothesis,
    truthSeverity: t.want.severity,
    detected: t.detected,
    dataQueryableMin: minutes(t.dataArrivalMs),
    ttdMin: minutes(t.ttdMs),
    ttdFromDataMin: minutes(t.ttdFromDataMs),
    ttrMin: minutes(t.ttrMs),
    ttrNever: t.ttrMs === NEVER,
    hypothesis: t.hypothesis?.got ?? null,
    severity: t.severity?.got ?? null,
    pages: round(t.pages, 2),
    notifications: round(t.notifications, 2),
  };
}

const fraction = (r: Ratio): number | null => (r.den === 0 ? null : round(r.num / r.den, 4));

/** Minutes, or null for nothing to measure (undefined) and for never (JSON has no Infinity). */
const minutes = (ms: Spread["median"]): number | null =>
  ms === undefined || ms === NEVER ? null : round(ms / 60_000, 1);

const round = (v: number, digits: number) => Number(v.toFixed(digits));
