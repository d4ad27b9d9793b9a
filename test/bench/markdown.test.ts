import { describe, expect, it } from "vitest";
import { duration, ratio, renderMarkdown, type BenchResults } from "../../tools/bench/markdown.js";
import { NEVER } from "../../tools/bench/score.js";
import { incidentKey } from "../../tools/bench/previous-results.js";
import { MIN, score, truth } from "./fixtures.js";
import { growth } from "../../tools/bench/tick-cost.js";

function results(): BenchResults {
  return {
    scenarios: [
      {
        name: "rbac-removal",
        description: "a role | deleted",
        days: 0.25,
        ticks: 73,
        truthIncidents: 1,
        svg: "rbac-removal.svg",
      },
      { name: "healthy-week", description: "", days: 2, ticks: 577, truthIncidents: 0, svg: "healthy-week.svg" },
    ],
    detectors: [
      {
        slug: "vaultwatch",
        title: "vaultwatch",
        namesCauses: true,
        scores: [
          score({
            scenario: "rbac-removal",
            detections: 1,
            truePositives: 1,
            pages: 1,
            notifications: 2,
            incidentPages: 1,
            incidentNotifications: 2,
            truths: [
              truth({
                detected: true,
                pages: 1,
                notifications: 2,
                ttdMs: 4 * MIN,
                dataArrivalMs: 3 * MIN,
                ttdFromDataMs: 1 * MIN,
                ttrMs: 10 * MIN,
                hypothesis: { got: "H2", want: "H2" },
                severity: { got: "SEV-1", want: "SEV-1" },
                matchedEpisodes: 1,
              }),
            ],
          }),
          score({ scenario: "healthy-week", days: 2, healthy: true, detections: 1, pages: 1, notifications: 2 }),
        ],
      },
      {
        slug: "static-403",
        title: "static 403 rule",
        namesCauses: false,
        scores: [
          score({
            scenario: "rbac-removal",
            detections: 1,
            truePositives: 1,
            pages: 1,
            notifications: 1,
            incidentPages: 1,
            incidentNotifications: 1,
            truths: [
              truth({
                detected: true,
                pages: 1,
                notifications: 1,
                ttdMs: 7 * MIN,
                dataArrivalMs: 3 * MIN,
                ttdFromDataMs: 4 * MIN,
                ttrMs: NEVER,
                severity: { got: "SEV-2", want: "SEV-1" },
                matchedEpisodes: 1,
              }),
            ],
          }),
          score({ scenario: "healthy-week", days: 2, healthy: true }),
        ],
      },
      {
        slug: "amba-availability",
        title: "AMBA availability",
        namesCauses: false,
        scores: [
          score({ scenario: "rbac-removal", truths: [truth({})] }),
          score({ scenario: "healthy-week", days: 2, healthy: true }),
        ],
      },
    ],
    failures: [
      {
        source: "test/scenarios/broken.json",
        problem: "$.start: expected an ISO 8601 date-time\n$.end: expected a time after start",
      },
    ],
    requests: [{ scenario: "rbac-removal", ticks: 73, firstTick: 2, meanAfterFirst: 1, maxAfterFirst: 1 }],
    core: growth([
      {
        series: 100,
        evaluations: 3,
        openIncidents: 6,
        changedPerEvaluation: 6,
        cpuMsPerEvaluation: 10,
        wallMsPerEvaluation: 10,
        peakRssBytes: 100 * 2 ** 20,
        rssAtStartBytes: 50 * 2 ** 20,
        inputHeapBytes: 1,
        peakHeapBytes: 20 * 2 ** 20,
      },
      {
        series: 1000,
        evaluations: 3,
        openIncidents: 60,
        changedPerEvaluation: 60,
        cpuMsPerEvaluation: 50,
        wallMsPerEvaluation: 50,
        peakRssBytes: 150 * 2 ** 20,
        rssAtStartBytes: 50 * 2 ** 20,
        inputHeapBytes: 1,
        peakHeapBytes: 60 * 2 ** 20,
      },
    ]),
    timing: { replaySeconds: 12.34, totalSeconds: 20 },
    environment: "Node v22, linux x64",
  };
}

describe("the Markdown results", () => {
  const md = renderMarkdown(results());
  const rowOf = (metric: string) => md.split("\n").find((l) => l.startsWith(`| ${metric}`));

  it("compare the three detectors side by side, overall", () => {
    expect(md).toContain("| metric | vaultwatch | static 403 rule | AMBA availability |");
    // vaultwatch fired twice (one in the healthy scenario); the static rule once, rightly; AMBA never.
    expect(rowOf("precision")).toContain("| 50 % (1 of 2) | 100 % (1 of 1) | n/a (no alerts) |");
    expect(rowOf("recall")).toContain("| 100 % (1 of 1) | 100 % (1 of 1) | 0 % (0 of 1) |");
    expect(rowOf("time to detect, median")).toContain("| 4 min | 7 min | – |");
    expect(rowOf("time to detect from data arrival, median")).toContain("| 1 min | 4 min | – |");
    expect(rowOf("time to detect from data arrival, worst")).toContain("| 1 min | 4 min | – |");
    expect(rowOf("time to resolve (reset), worst")).toContain("| 10 min | never | – |");
    expect(rowOf("top-1 hypothesis correct")).toContain(
      "| 100 % (1 of 1) | n/a (names no cause) | n/a (names no cause) |",
    );
    expect(rowOf("severity correct")).toContain("| 100 % (1 of 1) | 0 % (0 of 1) | n/a (nothing detected) |");
    expect(rowOf("pages per healthy day")).toContain("| 0.50 (1 page in 2.0 days) | 0.00 (0 pages in 2.0 days) |");
    expect(rowOf("notifications per healthy day")).toContain("| 1.00 (2 notifications in 2.0 days) |");
    expect(rowOf("pages per detected incident")).toContain(
      "| 1.00 (1 page, 1 incident) | 1.00 (1 page, 1 incident) | n/a (nothing detected) |",
    );
    expect(rowOf("notifications per detected incident")).toContain("| 2.00 (2 notifications, 1 incident) |");
  });

  it("report each class of problem: the role removal detected with one page, the healthy week's page", () => {
    const classes = md.slice(md.indexOf("## Per class"), md.indexOf("## Per scenario"));
    expect(classes).toContain(
      "| role removed | 1 | 1 | vaultwatch | 1 / 1 | 1 / 1 | 1.00 | – | 1 / 1 | 1 / 1 | 4 min |",
    );
    expect(classes).toContain("|  |  |  | AMBA availability | 0 / 1 | – | – | – | – | – | – |");
    expect(classes).toContain("| healthy | 1 | 0 | vaultwatch | – | 0 / 1 | – | 0.50 | – | – | – |");
    expect(classes.indexOf("| role removed")).toBeLessThan(classes.indexOf("| healthy"));
  });

  it("report issue 17's targets with the figure and a verdict, and vaultwatch against the peer rule that detects", () => {
    const targets = md.slice(md.indexOf("## Targets"), md.indexOf("## Per class"));
    const row = (t: string) => targets.split("\n").find((l) => l.startsWith(`| ${t}`));
    expect(row("recall 100 %")).toBe("| recall 100 % | 100 % (1 of 1) | met |");
    expect(row("precision ≥ 95 %")).toBe("| precision ≥ 95 % | 50 % (1 of 2) | **not met** |");
    expect(row("0 pages on healthy days")).toBe(
      "| 0 pages on healthy days | 1 page in 2.0 healthy days | **not met** |",
    );
    expect(row("at most one page")).toContain(
      "| 1.00 pages per detected incident; at most 1.00 on one; 0 of 1 got more than one | met |",
    );
    expect(row("time to detect")).toBe(
      "| time to detect (median) no worse than the previous results.json | 4 min now; no previous figure | – |",
    );
    // The static rule never resolved: vaultwatch is better there, but not on precision or the healthy day.
    expect(row("strictly better")).toContain(
      "not better than static 403 rule on precision (50 % vs 100 %), pages per healthy day",
    );
    expect(row("strictly better")).toContain("AMBA availability detects nothing | **not met** |");
    expect(targets).toContain("| time to resolve, worst | incidents both detected | 10 min vs never ✓ |");
    expect(targets).toContain("| pages per incident | incidents both detected | 1.00 vs 1.00 ✓ |");
    expect(targets).not.toContain("vaultwatch vs AMBA availability");
  });

  it("compare the time to detect with the previous results.json on the incidents both runs detected", () => {
    const previous = { version: 1, ttdMedianMin: 9, incidents: new Map([[incidentKey("rbac-removal", "rbac"), 3]]) };
    const slower = renderMarkdown({ ...results(), previous });
    expect(slower).toContain(
      "| 4 min now, 3 min before, over the 1 incident both runs detected; whole run: 4 min now, 9 min before | **not met** |",
    );
    const faster = renderMarkdown({
      ...results(),
      previous: { ...previous, incidents: new Map([[incidentKey("rbac-removal", "rbac"), 4]]) },
    });
    expect(faster).toContain(
      "| 4 min now, 4 min before, over the 1 incident both runs detected; whole run: 4 min now, 9 min before | met |",
    );
  });

  it("list every scenario and incident, and the ones that failed", () => {
    expect(md).toContain(
      "| [rbac-removal](rbac-removal.svg) | 0.25 | 1 | vaultwatch | 1 / 1 | 1 / 1 | 4 min | 10 min | 1 / 1 | 1 / 1 | 1 | 1.00 | 2 |",
    );
    expect(md).toContain("|  |  |  | AMBA availability | 0 / 0 | 0 / 1 | – | – | – | – | 0 | – | 0 |");
    expect(md).toContain(
      "| rbac-removal | rbac | H2, SEV-1 | +3 min | 4 min / 1 min / 10 min / H2 ✓ / SEV-1 ✓ | 7 min / 4 min / never | missed |",
    );
    expect(md).toContain(
      "- `test/scenarios/broken.json`: $.start: expected an ISO 8601 date-time; $.end: expected a time after start",
    );
    expect(md).toContain("- [rbac-removal](rbac-removal.svg) — a role \\| deleted");
  });

  it("report tick cost with growth relative to 100 series", () => {
    expect(md).toContain("| rbac-removal | 73 | 2 | 1.00 | 1 |");
    expect(md).toContain("| 1,000 | 60 | 50.0 ms | 50.0 µs | 5.0× (10×) | 150 MB | 1.5× | 60 MB | 3.0× |");
    expect(md).toContain("The replays took 12.3 s of wall time and the whole run 20.0 s on Node v22, linux x64.");
  });

  it("say how each number is computed, with both peer rules' definitions", () => {
    expect(md).toContain("## How each number is computed");
    expect(md).toContain("[onset − 15 min, recovered + 30 min]");
    expect(md).toMatch(/count > 10, windowSize PT5M, frequency PT5M, Sev 1 \(SEV-2\)/);
    expect(md).toMatch(/Availability` Average LessThan 90 %/);
  });

  it("format durations and ratios for people", () => {
    expect([4 * MIN, -10 * MIN, 7.5 * MIN, 65 * MIN, 50 * 60 * MIN, NEVER, undefined].map(duration)).toEqual([
      "4 min",
      "−10 min",
      "7.5 min",
      "1 h 05 min",
      "2 d 2 h",
      "never",
      "–",
    ]);
    expect(ratio({ num: 2, den: 3 }, "none")).toBe("67 % (2 of 3)");
    expect(ratio({ num: 0, den: 0 }, "none")).toBe("n/a (none)");
  });
});
