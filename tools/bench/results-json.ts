import type { ColdStart } from "./cold-start.js";
import type { Deployment } from "./deployment.js";
import type { EmulatorThroughput } from "./emulator-throughput.js";
import { NEVER, summarize, type Ratio, type ScenarioScore, type Spread } from "./score.js";
import type { CoreGrowth } from "./tick-cost.js";

/**
 * bench/results/results.json: the headline figures in a shape a script can compare across commits
 * without parsing Markdown. The keys are stable and documented in the README's "results.json"
 * section (RESULTS_JSON_KEYS); every figure is a number, or null where the Markdown says "n/a",
 * "–" or "never". Pure: results in, object out.
 */

export const RESULTS_JSON_VERSION = 1;

/** A ratio with its counts; `fraction` is null when the denominator is 0. */
export interface JsonRatio {
  num: number;
  den: number;
  fraction: number | null;
}

export interface JsonDetection {
  system: string;
  recall: JsonRatio;
  precision: JsonRatio;
  detectMedianMinutes: number | null;
  detectWorstMinutes: number | null;
  detectFromDataMedianMinutes: number | null;
  detectFromDataWorstMinutes: number | null;
  resolveMedianMinutes: number | null;
  resolveWorstMinutes: number | null;
  resolveNeverCount: number;
  top1Hypothesis: JsonRatio | null;
  severity: JsonRatio;
  pagesPerHealthyDay: number | null;
  healthyPages: number;
  healthyDays: number;
  scenarios: JsonScenarioDetection[];
  incidents: JsonIncidentDetection[];
}

/** One scored scenario with truth incidents, for one system. */
export interface JsonScenarioDetection {
  scenario: string;
  detectMedianMinutes: number | null;
  detectWorstMinutes: number | null;
  detectFromDataMedianMinutes: number | null;
  detectFromDataWorstMinutes: number | null;
}

/** One truth incident, for one system. */
export interface JsonIncidentDetection {
  scenario: string;
  incident: string;
  dataQueryableMinutes: number | null;
  detectMinutes: number | null;
  detectFromDataMinutes: number | null;
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
  detection: JsonDetection[];
  tickCost: JsonTickCost[];
  coldStart: JsonColdStart | null;
  deployment: JsonDeployment | null;
  emulator: JsonEmulator | null;
}

/** What summarize needs of a detector (markdown.ts's DetectorResults has this shape). */
export interface JsonDetectorInput {
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
    detection: r.detectors.map(detection),
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
  const s = summarize(d.scores, d.namesCauses);
  const detected = d.scores.flatMap((x) => x.truths).filter((t) => t.detected);
  return {
    system: d.title,
    recall: ratio(s.recall),
    precision: ratio(s.precision),
    detectMedianMinutes: minutes(s.ttd.median),
    detectWorstMinutes: minutes(s.ttd.worst),
    detectFromDataMedianMinutes: minutes(s.ttdFromData.median),
    detectFromDataWorstMinutes: minutes(s.ttdFromData.worst),
    resolveMedianMinutes: minutes(s.ttr.median),
    resolveWorstMinutes: minutes(s.ttr.worst),
    resolveNeverCount: detected.filter((t) => t.ttrMs === NEVER).length,
    top1Hypothesis: s.hypothesis ? ratio(s.hypothesis) : null,
    severity: ratio(s.severity),
    pagesPerHealthyDay: s.healthy.days === 0 ? null : round(s.healthy.pages / s.healthy.days, 2),
    healthyPages: s.healthy.pages,
    healthyDays: round(s.healthy.days, 2),
    scenarios: d.scores
      .filter((x) => x.truths.length > 0)
      .map((x) => {
        const one = summarize([x], d.namesCauses);
        return {
          scenario: x.scenario,
          detectMedianMinutes: minutes(one.ttd.median),
          detectWorstMinutes: minutes(one.ttd.worst),
          detectFromDataMedianMinutes: minutes(one.ttdFromData.median),
          detectFromDataWorstMinutes: minutes(one.ttdFromData.worst),
        };
      }),
    incidents: d.scores.flatMap((x) =>
      x.truths.map((t) => ({
        scenario: x.scenario,
        incident: t.name,
        dataQueryableMinutes: minutes(t.dataArrivalMs),
        detectMinutes: minutes(t.ttdMs),
        detectFromDataMinutes: minutes(t.ttdFromDataMs),
      })),
    ),
  };
}

const ratio = (r: Ratio): JsonRatio => ({
  num: r.num,
  den: r.den,
  fraction: r.den === 0 ? null : round(r.num / r.den, 4),
});

/** Minutes, or null for nothing to measure (undefined) and for never (JSON has no Infinity). */
const minutes = (ms: Spread["median"]): number | null =>
  ms === undefined || ms === NEVER ? null : round(ms / 60_000, 1);

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** key → meaning → unit, rendered as the README's "results.json" section; a test keeps it in step with the builder. */
export const RESULTS_JSON_KEYS: readonly (readonly [string, string, string])[] = [
  ["version", "layout version of this file; bumped when a key changes meaning", "integer"],
  ["date", "when the bench ran", "ISO 8601, UTC"],
  ["node", "Node.js version that ran the bench", "e.g. v22.23.3"],
  ["cpuModel", "CPU model of the machine", "text"],
  ["cpuCount", "logical CPUs", "count"],
  ["benchWallSeconds", "wall time of the whole `npm run bench` run, build excluded", "s"],
  ["detection[]", "one entry per system: vaultwatch, then the peer rules, as in the Overall table", ""],
  ["detection[].system", "the system's title", "text"],
  [
    "detection[].recall",
    "truth incidents alerted on (`num`) of all (`den`); `fraction` = num ÷ den, null when den is 0",
    "count, 0–1",
  ],
  [
    "detection[].precision",
    "alerts about a real incident (`num`) of all alerts (`den`), with `fraction`",
    "count, 0–1",
  ],
  [
    "detection[].detectMedianMinutes",
    "time to detect, median over detected incidents; null when none was detected",
    "min",
  ],
  ["detection[].detectWorstMinutes", "time to detect, worst", "min"],
  [
    "detection[].detectFromDataMedianMinutes",
    "time to detect from data arrival (first matching alert − when the incident's first failing record became queryable), median over detected incidents whose data arrival is known; null when there is none",
    "min",
  ],
  ["detection[].detectFromDataWorstMinutes", "time to detect from data arrival, worst", "min"],
  [
    "detection[].resolveMedianMinutes",
    "time to resolve (reset), median; null when none was detected or the median is never",
    "min",
  ],
  [
    "detection[].resolveWorstMinutes",
    "time to resolve (reset), worst; null when none was detected or one never resolved",
    "min",
  ],
  ["detection[].resolveNeverCount", "detected incidents whose alert was still firing at the scenario's end", "count"],
  [
    "detection[].top1Hypothesis",
    "top-1 hypothesis correct (`num` of `den` detected, `fraction`); null for a system that names no cause",
    "count, 0–1",
  ],
  ["detection[].severity", "highest severity equal to the truth's (`num` of `den` detected, `fraction`)", "count, 0–1"],
  [
    "detection[].pagesPerHealthyDay",
    "pages in healthy scenarios ÷ their simulated days; null without a healthy scenario",
    "pages/day",
  ],
  ["detection[].healthyPages", "pages in healthy scenarios", "count"],
  ["detection[].healthyDays", "simulated days of healthy scenarios", "days"],
  ["detection[].scenarios[]", "one entry per scored scenario with truth incidents", ""],
  ["detection[].scenarios[].scenario", "the scenario's name", "text"],
  [
    "detection[].scenarios[].detectMedianMinutes",
    "time to detect in this scenario, median; null when nothing was detected",
    "min",
  ],
  ["detection[].scenarios[].detectWorstMinutes", "time to detect in this scenario, worst", "min"],
  [
    "detection[].scenarios[].detectFromDataMedianMinutes",
    "time to detect from data arrival in this scenario, median; null when nothing with a known data arrival was detected",
    "min",
  ],
  [
    "detection[].scenarios[].detectFromDataWorstMinutes",
    "time to detect from data arrival in this scenario, worst",
    "min",
  ],
  ["detection[].incidents[]", "one entry per truth incident of the scored scenarios", ""],
  ["detection[].incidents[].scenario", "the scenario's name", "text"],
  ["detection[].incidents[].incident", "the truth incident's name", "text"],
  [
    "detection[].incidents[].dataQueryableMinutes",
    "when the incident's first failing record became queryable, after onset; null when no record shows it",
    "min",
  ],
  ["detection[].incidents[].detectMinutes", "time to detect from onset; null when missed", "min"],
  [
    "detection[].incidents[].detectFromDataMinutes",
    "time to detect from data arrival; null when missed or the data arrival is unknown",
    "min",
  ],
  ["tickCost[]", "one entry per synthetic size of the pure core; empty when the measurement failed", ""],
  ["tickCost[].series", "caller×vault series evaluated", "count"],
  ["tickCost[].openIncidents", "incidents open during the evaluation", "count"],
  ["tickCost[].cpuMsPerEvaluation", "user + system CPU per evaluation", "ms"],
  ["tickCost[].peakRssMB", "the child's peak resident set size", "MiB"],
  ["coldStart", "require → registered; null when the measurement failed", ""],
  ["coldStart.runs", "timed runs of each (app, hello world), interleaved", "count"],
  ["coldStart.appMedianMs", "app registration modules, median", "ms"],
  ["coldStart.appMinMs", "app registration modules, fastest run", "ms"],
  ["coldStart.helloMedianMs", "hello-world one-timer, median", "ms"],
  ["coldStart.helloMinMs", "hello-world one-timer, fastest run", "ms"],
  ["coldStart.ratioMedian", "appMedianMs ÷ helloMedianMs", "×"],
  ["coldStart.ratioMin", "appMinMs ÷ helloMinMs", "×"],
  ["coldStart.modules", "modules in require.cache after the app's requires", "count"],
  ["coldStart.azurePackages", "distinct @azure/* packages loaded by the app", "count"],
  ["deployment", "the Functions upload; null when the measurement failed", ""],
  ["deployment.uploadFiles", "git-listed files minus .funcignore", "count"],
  ["deployment.uploadBytes", "their total size", "bytes"],
  [
    "deployment.toolFilesInDist",
    ".js files under dist/src/{standin,replay,scenario,local,cli,bench}; expected 0",
    "count",
  ],
  [
    "emulator",
    "the Log Analytics emulator answering the monitor's combined signals query over a busy workspace (README, Emulator throughput); null when the measurement failed",
    "",
  ],
  ["emulator.storedRows", "rows in the emulated workspace", "count"],
  ["emulator.storedRecords", "records those rows stand for, with multiplicity", "count"],
  ["emulator.heapMB", "heap growth from building the store, after garbage collection", "MiB"],
  ["emulator.firstParseSeconds", "parsing and binding the tick query alone (Kusto.Language)", "s"],
  ["emulator.tickFirstSeconds", "the tick query's first answer: parse, bind and evaluate", "s"],
  ["emulator.tickQuerySeconds", "the tick query's warm answer (bound tree reused), median", "s"],
  ["emulator.tickRowsScanned", "rows the tick query's legs read (a row read by two legs counts twice)", "count"],
  [
    "emulator.backfillFirstSeconds",
    "the first tick's query (14-day history backfill, SLO period sums): first answer",
    "s",
  ],
  ["emulator.backfillQuerySeconds", "the first tick's query: warm answer", "s"],
  ["emulator.backfillRowsScanned", "rows the first tick's query's legs read", "count"],
  ["emulator.rowsPerSecond", "backfillRowsScanned ÷ backfillQuerySeconds: rows through the combined query", "rows/s"],
  [
    "emulator.recordsPerSecond",
    "records (rows weighed by multiplicity) the warm first-tick answer read ÷ its seconds",
    "records/s",
  ],
];

/** The README's "results.json" section. */
export function resultsJsonSection(): string[] {
  return [
    "## results.json",
    "",
    "`npm run bench` also writes `bench/results/results.json`, the headline figures for scripts that compare runs. " +
      "Every figure is a number; `null` stands where the tables say n/a, – or never.",
    "",
    "| key | meaning | unit |",
    "|---|---|---|",
    ...RESULTS_JSON_KEYS.map(([key, meaning, unit]) => `| \`${key}\` | ${meaning.replace(/\|/g, "\\|")} | ${unit} |`),
    "",
  ];
}
