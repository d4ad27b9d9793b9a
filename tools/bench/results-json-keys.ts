import { FAULTS_KEYS } from "./faults-json.js";

/**
 * The documented keys of results.json (results-json.ts): key → meaning → unit, rendered as the
 * README's "results.json" section. A test walks an emitted file and keeps this list and the builder
 * in step. In a key, `<detector>`, `<class>` and `<scenario>` stand for the object keys they name,
 * and `[]` for the items of an array.
 */

type KeyRow = readonly [key: string, meaning: string, unit: string];

/** The figures of a detector over some scenarios; the first twelve are the ones issue 17 names. */
const FIGURES: readonly KeyRow[] = [
  [
    "precision",
    "alerts about a truth incident ÷ all alerts (every alert in a healthy scenario is false); null without alerts",
    "0–1",
  ],
  [
    "recall",
    "truth incidents with at least one matching alert ÷ all truth incidents; null without truth incidents",
    "0–1",
  ],
  [
    "ttdMedianMin",
    "time to detect (first matching alert − onset, negative when the alert came first), median over detected incidents; null when none was detected",
    "min",
  ],
  ["ttdWorstMin", "time to detect, worst (latest); null when none was detected", "min"],
  [
    "ttrMedianMin",
    "time to resolve (the matching alerts' last resolution − recovery), median over detected incidents; null when none was detected or when the median incident never resolved (never sorts last; see ttrNeverCount)",
    "min",
  ],
  [
    "ttrWorstMin",
    "time to resolve, worst; null when none was detected or when one never resolved: never is written as null here and counted in ttrNeverCount",
    "min",
  ],
  [
    "top1",
    "detected incidents whose top-1 hypothesis is the truth's ÷ detected incidents; null for a detector that names no cause (the peer rules) or when none was detected",
    "0–1",
  ],
  [
    "severity",
    "detected incidents whose matching alerts' highest severity is the truth's ÷ detected incidents; null when none was detected",
    "0–1",
  ],
  [
    "pagesPerHealthyDay",
    "pages in healthy scenarios (whose truth lists no incidents) ÷ their simulated days; null without a healthy scenario",
    "pages/day",
  ],
  [
    "notificationsPerHealthyDay",
    "notifications of any kind in healthy scenarios ÷ their simulated days; null without a healthy scenario",
    "notifications/day",
  ],
  [
    "pagesPerIncident",
    "pages of the alerts matched to truth incidents ÷ detected incidents. An alert's pages are all it sent from its firing to its resolution " +
      "(vaultwatch: the fired line and each escalation at SEV-1/2, never an `updated` line; a peer rule: its firing); " +
      "an alert matched to several incidents (a group) counts once; pages of alerts that match no incident count against precision instead; null when none was detected",
    "pages/incident",
  ],
  [
    "notificationsPerIncident",
    "every notification of the alerts matched to truth incidents (fired, repeated, escalated, updated, acknowledged, resolved; a peer rule's firing and resolution), each alert once, ÷ detected incidents; null when none was detected",
    "notifications/incident",
  ],
  [
    "ttdFromDataMedianMin",
    "time to detect from data arrival (first matching alert − when the incident's first failing record became queryable), median over detected incidents whose data arrival is known; null when there is none",
    "min",
  ],
  ["ttdFromDataWorstMin", "time to detect from data arrival, worst", "min"],
  [
    "ttrNeverCount",
    "detected incidents whose matching alert was still firing at the scenario's end (time to resolve: never)",
    "count",
  ],
  [
    "pagesWorstIncident",
    "the most pages one detected incident got: its matching alerts' pages, an alert matched to several incidents shared equally among them; " +
      "at most 1 is issue 17's one page per incident; null when none was detected",
    "pages",
  ],
  ["counts", "the counts behind the fractions and rates above", ""],
  ["counts.scenarios", "scored scenarios", "count"],
  ["counts.healthyScenarios", "scored scenarios whose truth lists no incidents", "count"],
  ["counts.truthIncidents", "truth incidents: recall's denominator", "count"],
  [
    "counts.detected",
    "truth incidents with a matching alert: recall's numerator, and the denominator of top1, severity and the per-incident rates",
    "count",
  ],
  ["counts.alerts", "alerts (each a firing to its resolution): precision's denominator", "count"],
  ["counts.trueAlerts", "alerts that match at least one truth incident: precision's numerator", "count"],
  [
    "counts.top1Correct",
    "detected incidents whose top-1 hypothesis is the truth's; null for a detector that names no cause",
    "count",
  ],
  ["counts.severityCorrect", "detected incidents whose highest severity is the truth's", "count"],
  ["counts.healthyDays", "simulated days of the healthy scenarios (end − start)", "days"],
  ["counts.healthyPages", "pages in the healthy scenarios", "count"],
  ["counts.healthyNotifications", "notifications in the healthy scenarios", "count"],
  [
    "counts.incidentPages",
    "pages of the alerts matched to truth incidents, each alert once: pagesPerIncident's numerator",
    "count",
  ],
  [
    "counts.incidentNotifications",
    "notifications of those alerts, each alert once: notificationsPerIncident's numerator",
    "count",
  ],
];

const DETECTOR = "detection.<detector>";
const CLASS = `${DETECTOR}.classes.<class>`;
const SCENARIO = `${DETECTOR}.scenarios.<scenario>`;

/** The figures again under a narrower key: same meaning and unit, over fewer scenarios. */
const narrowed = (prefix: string, over: string): KeyRow[] =>
  FIGURES.map(([key, , unit]) => [`${prefix}.${key}`, `as \`${DETECTOR}.${key}\`, over ${over}`, unit]);

export const RESULTS_JSON_KEYS: readonly KeyRow[] = [
  [
    "version",
    "layout version of this file; bumped when a key moves or changes meaning (2: `detection` keyed by detector, with classes and scenarios; 1: `detection` was an array)",
    "integer",
  ],
  ["date", "when the bench ran", "ISO 8601, UTC"],
  ["node", "Node.js version that ran the bench", "e.g. v22.23.3"],
  ["cpuModel", "CPU model of the machine", "text"],
  ["cpuCount", "logical CPUs", "count"],
  ["benchWallSeconds", "wall time of the whole `npm run bench` run, build excluded", "s"],
  ["detection", "one entry per detector, keyed by a stable slug: `vaultwatch`, `static-403`, `amba-availability`", ""],
  [DETECTOR, "the detector's figures over every scored scenario", ""],
  [`${DETECTOR}.title`, "the detector's name in the Markdown tables (may be reworded; the slug is what stays)", "text"],
  ...FIGURES.map(([key, meaning, unit]): KeyRow => [`${DETECTOR}.${key}`, meaning, unit]),
  [
    `${DETECTOR}.classes`,
    "one entry per class of problem among the scored scenarios, keyed by the class's slug (tools/bench/classes.ts: `role-removed`, `one-cause-across-callers`, `healthy` …; `other` for a scenario the bench does not know)",
    "",
  ],
  [CLASS, "the detector's figures over the class's scenarios", ""],
  [`${CLASS}.name`, "the class as the Per class table names it", "text"],
  ...narrowed(CLASS, "the class's scenarios"),
  [`${DETECTOR}.scenarios`, "one entry per scored scenario, healthy ones too, keyed by the scenario's name", ""],
  [SCENARIO, "the detector's figures over that scenario alone", ""],
  [`${SCENARIO}.class`, "the scenario's class slug", "text"],
  ...narrowed(SCENARIO, "this scenario"),
  [`${DETECTOR}.incidents[]`, "one entry per truth incident of the scored scenarios, detected or not", ""],
  [`${DETECTOR}.incidents[].scenario`, "the scenario's name", "text"],
  [`${DETECTOR}.incidents[].class`, "the scenario's class slug", "text"],
  [`${DETECTOR}.incidents[].incident`, "the truth incident's name", "text"],
  [
    `${DETECTOR}.incidents[].truthHypothesis`,
    "the cause the truth names (`none` for one without an access cause)",
    "text",
  ],
  [`${DETECTOR}.incidents[].truthSeverity`, "the severity the truth names", "SEV-1…SEV-4"],
  [`${DETECTOR}.incidents[].detected`, "whether an alert matched it", "boolean"],
  [
    `${DETECTOR}.incidents[].dataQueryableMin`,
    "when the incident's first failing record became queryable, after onset; null when no record shows it",
    "min",
  ],
  [`${DETECTOR}.incidents[].ttdMin`, "time to detect from onset; null when missed", "min"],
  [
    `${DETECTOR}.incidents[].ttdFromDataMin`,
    "time to detect from data arrival; null when missed or the data arrival is unknown",
    "min",
  ],
  [
    `${DETECTOR}.incidents[].ttrMin`,
    "time to resolve; null when missed or never resolved (then ttrNever is true)",
    "min",
  ],
  [`${DETECTOR}.incidents[].ttrNever`, "a matching alert was still firing at the scenario's end", "boolean"],
  [
    `${DETECTOR}.incidents[].hypothesis`,
    "the top-1 hypothesis it named; null when missed or for a detector that names no cause",
    "text",
  ],
  [
    `${DETECTOR}.incidents[].severity`,
    "the highest severity its matching alerts reached; null when missed",
    "SEV-1…SEV-4",
  ],
  [
    `${DETECTOR}.incidents[].pages`,
    "its matching alerts' pages, an alert matched to several incidents shared equally among them",
    "pages",
  ],
  [`${DETECTOR}.incidents[].notifications`, "its matching alerts' notifications, shared the same way", "notifications"],
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
  ...FAULTS_KEYS,
];

/** The README's "results.json" section. */
export function resultsJsonSection(): string[] {
  return [
    "## results.json",
    "",
    "`npm run bench` also writes `bench/results/results.json`, the headline figures for scripts that compare runs. " +
      "Every figure is a number; `null` stands where the tables say n/a, – or never. " +
      "In a key, `<detector>`, `<class>` and `<scenario>` stand for the object keys they name and `[]` for an array's items. " +
      "Fractions are 0–1, times are minutes.",
    "",
    "| key | meaning | unit |",
    "|---|---|---|",
    ...RESULTS_JSON_KEYS.map(([key, meaning, unit]) => `| \`${key}\` | ${meaning.replace(/\|/g, "\\|")} | ${unit} |`),
    "",
  ];
}
