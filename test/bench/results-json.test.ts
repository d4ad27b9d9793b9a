import { describe, expect, it } from "vitest";
import type { ColdStart } from "../../tools/bench/cold-start.js";
import type { Deployment } from "../../tools/bench/deployment.js";
import { buildResultsJson, RESULTS_JSON_KEYS, type ResultsJsonInput } from "../../tools/bench/results-json.js";
import { NEVER } from "../../tools/bench/score.js";
import { coldSide, emulatorThroughput, MIN, score, truth } from "./fixtures.js";
import { growth } from "../../tools/bench/tick-cost.js";

const coldStart: ColdStart = {
  main: "dist/src/functions/*.js",
  registrationModules: 5,
  app: coldSide(300, 280, 600, ["@azure/functions", "@azure/identity"]),
  hello: coldSide(20, 16, 4, ["@azure/functions"]),
  ratioMedian: 15,
  ratioMin: 17.5,
};

const deployment: Deployment = {
  files: 187,
  bytes: 999_142,
  byFolder: [{ folder: "src/", files: 181, bytes: 708_751 }],
  excludedFiles: 245,
  toolFilesInDist: 0,
  toolLinesInDist: 0,
};

function input(): ResultsJsonInput {
  return {
    detectors: [
      {
        title: "vaultwatch",
        namesCauses: true,
        scores: [
          score({
            detections: 2,
            truePositives: 1,
            truths: [
              truth({
                detected: true,
                ttdMs: 4 * MIN,
                dataArrivalMs: 3 * MIN,
                ttdFromDataMs: 1 * MIN,
                ttrMs: 10 * MIN,
                hypothesis: { got: "H2", want: "H2" },
                severity: { got: "SEV-1", want: "SEV-1" },
              }),
            ],
          }),
          score({ scenario: "healthy", days: 2, healthy: true, pages: 1 }),
        ],
      },
      {
        title: "static 403 rule",
        namesCauses: false,
        scores: [
          score({
            detections: 1,
            truePositives: 1,
            truths: [
              truth({ detected: true, ttdMs: 7 * MIN, ttrMs: NEVER, severity: { got: "SEV-2", want: "SEV-1" } }),
            ],
          }),
        ],
      },
      { title: "AMBA availability", namesCauses: false, scores: [score({ truths: [truth({})] })] },
    ],
    core: growth([
      {
        series: 100,
        evaluations: 3,
        openIncidents: 6,
        changedPerEvaluation: 6,
        cpuMsPerEvaluation: 13.94,
        wallMsPerEvaluation: 14,
        peakRssBytes: 78 * 2 ** 20,
        rssAtStartBytes: 50 * 2 ** 20,
        inputHeapBytes: 1,
        peakHeapBytes: 17 * 2 ** 20,
      },
    ]),
    coldStart,
    deployment,
    emulator: emulatorThroughput(),
    benchWallSeconds: 86.44,
    node: "v22.23.3",
    cpuModel: "AMD EPYC",
    cpuCount: 2,
    date: new Date("2025-01-02T03:04:05Z"),
  };
}

/** Every key path of a value, arrays as `name[]`; a ratio ({num, den, fraction}) counts as one figure. */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return [`${prefix}[]`, ...value.flatMap((v) => keyPaths(v, `${prefix}[]`))];
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Object.entries(value);
  const isRatio = entries.length === 3 && "num" in value && "den" in value && "fraction" in value;
  const own = prefix === "" ? [] : [prefix];
  if (isRatio) return own;
  return [...own, ...entries.flatMap(([k, v]) => keyPaths(v, prefix === "" ? k : `${prefix}.${k}`))];
}

describe("results.json", () => {
  const json = buildResultsJson(input());

  it("has exactly the documented keys", () => {
    const documented = RESULTS_JSON_KEYS.map(([k]) => k).sort();
    expect([...new Set(keyPaths(json))].sort()).toEqual(documented);
  });

  it("holds numbers as numbers, and null only where a figure does not exist", () => {
    expect(json).toMatchObject({
      version: 1,
      date: "2025-01-02T03:04:05.000Z",
      node: "v22.23.3",
      cpuModel: "AMD EPYC",
      cpuCount: 2,
      benchWallSeconds: 86.4,
      tickCost: [{ series: 100, openIncidents: 6, cpuMsPerEvaluation: 13.9, peakRssMB: 78 }],
      coldStart: {
        runs: 9,
        appMedianMs: 300,
        appMinMs: 280,
        helloMedianMs: 20,
        helloMinMs: 16,
        ratioMedian: 15,
        ratioMin: 17.5,
        modules: 600,
        azurePackages: 2,
      },
      deployment: { uploadFiles: 187, uploadBytes: 999_142, toolFilesInDist: 0 },
      emulator: {
        storedRows: 74_649,
        storedRecords: 15_552_870,
        heapMB: 173.2,
        firstParseSeconds: 0.797,
        tickFirstSeconds: 3.171,
        tickQuerySeconds: 0.512,
        tickRowsScanned: 63_314,
        backfillFirstSeconds: 3.933,
        backfillQuerySeconds: 2.735,
        backfillRowsScanned: 359_230,
        rowsPerSecond: 131_324,
        recordsPerSecond: 27_630_159,
      },
    });
    const [vw, rule, amba] = json.detection;
    expect(vw).toEqual({
      system: "vaultwatch",
      recall: { num: 1, den: 1, fraction: 1 },
      precision: { num: 1, den: 2, fraction: 0.5 },
      detectMedianMinutes: 4,
      detectWorstMinutes: 4,
      detectFromDataMedianMinutes: 1,
      detectFromDataWorstMinutes: 1,
      resolveMedianMinutes: 10,
      resolveWorstMinutes: 10,
      resolveNeverCount: 0,
      top1Hypothesis: { num: 1, den: 1, fraction: 1 },
      severity: { num: 1, den: 1, fraction: 1 },
      pagesPerHealthyDay: 0.5,
      healthyPages: 1,
      healthyDays: 2,
      scenarios: [
        {
          scenario: "rbac",
          detectMedianMinutes: 4,
          detectWorstMinutes: 4,
          detectFromDataMedianMinutes: 1,
          detectFromDataWorstMinutes: 1,
        },
      ],
      incidents: [
        { scenario: "rbac", incident: "rbac", dataQueryableMinutes: 3, detectMinutes: 4, detectFromDataMinutes: 1 },
      ],
    });
    expect(rule).toMatchObject({ resolveWorstMinutes: null, resolveNeverCount: 1, top1Hypothesis: null });
    expect(rule!.severity).toEqual({ num: 0, den: 1, fraction: 0 });
    expect(amba).toMatchObject({
      detectMedianMinutes: null,
      detectFromDataMedianMinutes: null,
      pagesPerHealthyDay: null,
    });
    // A missed incident is listed, with nothing to time.
    expect(amba!.incidents).toEqual([
      {
        scenario: "rbac",
        incident: "rbac",
        dataQueryableMinutes: null,
        detectMinutes: null,
        detectFromDataMinutes: null,
      },
    ]);
    expect(amba!.severity.fraction).toBeNull();
    // JSON has no Infinity or NaN: everything survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it("writes null for a measurement that failed, and no tick-cost rows", () => {
    const failed = buildResultsJson({
      ...input(),
      core: { error: "x" },
      coldStart: { error: "y" },
      deployment: { error: "z" },
      emulator: { error: "w" },
    });
    expect(failed.tickCost).toEqual([]);
    expect(failed.coldStart).toBeNull();
    expect(failed.deployment).toBeNull();
    expect(failed.emulator).toBeNull();
  });
});
