import { describe, expect, it } from "vitest";
import type { ColdStart } from "../../tools/bench/cold-start.js";
import type { Deployment } from "../../tools/bench/deployment.js";
import { buildResultsJson, type ResultsJsonInput } from "../../tools/bench/results-json.js";
import { RESULTS_JSON_KEYS } from "../../tools/bench/results-json-keys.js";
import { scoreScenario, type DetectorRun, type Episode } from "../../tools/bench/score.js";
import type { TruthIncidentSpec } from "../../tools/scenario/format.js";
import { anEpisode, coldSide, emulatorThroughput, MIN } from "./fixtures.js";
import { growth } from "../../tools/bench/tick-cost.js";
import { faultsResult } from "./faults-fixture.js";

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

/** Failures from 01:03 to 01:20 on kv-orders-prod, the truth of the scored scenario below. */
const T0 = Date.parse("2026-03-02T01:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * MIN);
const RBAC: TruthIncidentSpec = {
  name: "orders-denied",
  onset: at(3),
  recovered: at(20),
  hypothesis: "H2",
  severity: "SEV-1",
  vault: "kv-orders-prod",
  identity: "id-func-orders",
};
const window = { start: at(-60), end: at(120) };

/** A vaultwatch alert about RBAC unless the override says otherwise: fired at SEV-1, one page, two notifications. */
function episode(o: Partial<Episode>): Episode {
  return anEpisode({ firedAt: at(7), resolvedAt: at(30), ...o });
}
const run = (...episodes: Episode[]): DetectorRun => ({
  episodes,
  pages: episodes.reduce((n, e) => n + e.pages, 0),
  notifications: episodes.reduce((n, e) => n + e.notifications, 0),
});

/**
 * vaultwatch pages twice for the role removal (it resolved too early and fired again), and once
 * on a healthy day; the static rule detects it late and never resolves; AMBA misses it. A
 * scenario of the user's own has no class of its own.
 */
function input(): ResultsJsonInput {
  return {
    detectors: [
      {
        slug: "vaultwatch",
        title: "vaultwatch",
        namesCauses: true,
        scores: [
          scoreScenario(
            { name: "rbac-removal", ...window },
            [RBAC],
            run(episode({ resolvedAt: at(12) }), episode({ incident: "again", firedAt: at(15) })),
            undefined,
            [at(6)],
          ),
          scoreScenario(
            { name: "healthy-week", start: at(0), end: at(2 * 1440) },
            [],
            run(episode({ firedAt: at(600), resolvedAt: at(660) })),
          ),
          scoreScenario(
            { name: "my-own-world", ...window },
            [{ ...RBAC, name: "mine", hypothesis: "H3" }],
            run(episode({})),
          ),
        ],
      },
      {
        slug: "static-403",
        title: "static 403 rule",
        namesCauses: false,
        scores: [
          scoreScenario(
            { name: "rbac-removal", ...window },
            [RBAC],
            run(
              episode({
                firedAt: at(10),
                resolvedAt: undefined,
                identity: undefined,
                hypothesis: undefined,
                severity: "SEV-2",
                peakSeverity: "SEV-2",
                notifications: 1,
              }),
            ),
          ),
          scoreScenario({ name: "healthy-week", start: at(0), end: at(2 * 1440) }, [], run()),
          scoreScenario({ name: "my-own-world", ...window }, [{ ...RBAC, name: "mine" }], run()),
        ],
      },
      {
        slug: "amba-availability",
        title: "AMBA availability",
        namesCauses: false,
        scores: [
          scoreScenario({ name: "rbac-removal", ...window }, [RBAC], run()),
          scoreScenario({ name: "healthy-week", start: at(0), end: at(2 * 1440) }, [], run()),
          scoreScenario({ name: "my-own-world", ...window }, [{ ...RBAC, name: "mine" }], run()),
        ],
      },
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
    faults: faultsResult(),
    benchWallSeconds: 86.44,
    node: "v22.23.3",
    cpuModel: "AMD EPYC",
    cpuCount: 2,
    date: new Date("2025-01-02T03:04:05Z"),
  };
}

/**
 * Every key path of a value as RESULTS_JSON_KEYS writes it: array items as `name[]`, and the keys
 * of the detection, class and scenario maps as `<detector>`, `<class>` and `<scenario>`.
 */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return [`${prefix}[]`, ...value.flatMap((v) => keyPaths(v, `${prefix}[]`))];
  if (value === null || typeof value !== "object") return [prefix];
  const placeholder =
    prefix === "detection"
      ? "<detector>"
      : prefix.endsWith(".classes")
        ? "<class>"
        : prefix.endsWith(".scenarios")
          ? "<scenario>"
          : undefined;
  const own = prefix === "" ? [] : [prefix];
  return [
    ...own,
    ...Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix === "" ? k : `${prefix}.${placeholder ?? k}`)),
  ];
}

describe("results.json", () => {
  const json = buildResultsJson(input());
  const vw = json.detection.vaultwatch!;

  it("has exactly the documented keys, each with a meaning and a unit or a note that it holds others", () => {
    const documented = RESULTS_JSON_KEYS.map(([k]) => k).sort();
    expect([...new Set(keyPaths(json))].sort()).toEqual(documented);
    for (const [key, meaning] of RESULTS_JSON_KEYS) expect(meaning.length, key).toBeGreaterThan(10);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it("keys detection by the detectors' stable slugs, with the issue's figures for each", () => {
    expect(Object.keys(json.detection)).toEqual(["vaultwatch", "static-403", "amba-availability"]);
    for (const d of Object.values(json.detection))
      expect(Object.keys(d).slice(1, 13)).toEqual([
        "precision",
        "recall",
        "ttdMedianMin",
        "ttdWorstMin",
        "ttrMedianMin",
        "ttrWorstMin",
        "top1",
        "severity",
        "pagesPerHealthyDay",
        "notificationsPerHealthyDay",
        "pagesPerIncident",
        "notificationsPerIncident",
      ]);
  });

  it("counts both pages of an incident paged twice, and the healthy day's page apart", () => {
    expect(vw).toMatchObject({
      title: "vaultwatch",
      // Four alerts: two about the role removal, one on the healthy day, one in the user's world.
      precision: 0.75,
      recall: 1,
      // Fired at 01:07 for an onset at 01:03; the second alert resolved at 01:30, 10 minutes after recovery.
      ttdMedianMin: 4,
      ttdWorstMin: 4,
      ttrMedianMin: 10,
      ttrWorstMin: 10,
      // H2 right on the role removal, H2 for the user's H3.
      top1: 0.5,
      severity: 1,
      pagesPerHealthyDay: 0.5,
      notificationsPerHealthyDay: 1,
      // Three pages for two detected incidents, two of them for one.
      pagesPerIncident: 1.5,
      notificationsPerIncident: 3,
      ttdFromDataMedianMin: 1,
      ttrNeverCount: 0,
      pagesWorstIncident: 2,
      counts: {
        scenarios: 3,
        healthyScenarios: 1,
        truthIncidents: 2,
        detected: 2,
        alerts: 4,
        trueAlerts: 3,
        top1Correct: 1,
        severityCorrect: 2,
        healthyDays: 2,
        healthyPages: 1,
        healthyNotifications: 2,
        incidentPages: 3,
        incidentNotifications: 6,
      },
    });
    expect(vw.scenarios["rbac-removal"]).toMatchObject({
      class: "role-removed",
      pagesPerIncident: 2,
      pagesPerHealthyDay: null,
    });
    expect(vw.scenarios["healthy-week"]).toMatchObject({
      class: "healthy",
      pagesPerIncident: null,
      pagesPerHealthyDay: 0.5,
      recall: null,
      precision: 0,
    });
  });

  it("reports per class, with a user's own scenario under other", () => {
    expect(Object.keys(vw.classes)).toEqual(["role-removed", "healthy", "other"]);
    expect(vw.classes["role-removed"]).toMatchObject({ name: "role removed", recall: 1, top1: 1, pagesPerIncident: 2 });
    expect(vw.classes.other).toMatchObject({ name: "other", top1: 0, pagesPerIncident: 1, counts: { scenarios: 1 } });
    expect(json.detection["amba-availability"]!.classes["role-removed"]).toMatchObject({
      recall: 0,
      precision: null,
      ttdMedianMin: null,
      pagesPerIncident: null,
    });
  });

  it("writes never as null with a count, and a peer rule's top-1 as null", () => {
    const rule = json.detection["static-403"]!;
    expect(rule).toMatchObject({
      recall: 0.5,
      ttdMedianMin: 7,
      ttrMedianMin: null,
      ttrWorstMin: null,
      ttrNeverCount: 1,
      top1: null,
      severity: 0,
      pagesPerIncident: 1,
      notificationsPerIncident: 1,
      pagesPerHealthyDay: 0,
      counts: { top1Correct: null },
    });
    expect(rule.incidents[0]).toEqual({
      scenario: "rbac-removal",
      class: "role-removed",
      incident: "orders-denied",
      truthHypothesis: "H2",
      truthSeverity: "SEV-1",
      detected: true,
      dataQueryableMin: null,
      ttdMin: 7,
      ttdFromDataMin: null,
      ttrMin: null,
      ttrNever: true,
      hypothesis: null,
      severity: "SEV-2",
      pages: 1,
      notifications: 1,
    });
    // A missed incident is listed, with nothing to time.
    expect(json.detection["amba-availability"]!.incidents[1]).toMatchObject({
      scenario: "my-own-world",
      class: "other",
      detected: false,
      ttdMin: null,
      ttrNever: false,
      pages: 0,
    });
    // JSON has no Infinity or NaN: everything survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it("holds the machine's measurements as numbers", () => {
    expect(json).toMatchObject({
      version: 2,
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
