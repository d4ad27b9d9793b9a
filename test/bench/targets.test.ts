import { describe, expect, it } from "vitest";
import { incidentKey, previousDetection } from "../../tools/bench/previous-results.js";
import { compareWithPeer, issueTargets, type TargetDetector } from "../../tools/bench/targets.js";
import { NEVER } from "../../tools/bench/score.js";
import { MIN, score, truth } from "./fixtures.js";

/** A detected incident: found after `ttd` minutes, all clear `ttr` minutes after recovery, with its pages. */
const found = (ttd: number, ttr: number, pages: number, severity: "SEV-1" | "SEV-2" = "SEV-1") =>
  truth({
    detected: true,
    ttdMs: ttd * MIN,
    ttrMs: ttr === NEVER ? NEVER : ttr * MIN,
    hypothesis: { got: "H2", want: "H2" },
    severity: { got: severity, want: "SEV-1" },
    matchedEpisodes: 1,
    pages,
  });

const detector = (title: string, namesCauses: boolean, scores: TargetDetector["scores"]): TargetDetector => ({
  title,
  namesCauses,
  scores,
});

describe("issue 17's targets", () => {
  it("are met by a run that detects every incident, pages once per incident and never on a healthy day", () => {
    // Three incidents; one group alert covers two of them (half a page each).
    const vw = detector("vaultwatch", true, [
      score({ scenario: "a", detections: 1, truePositives: 1, incidentPages: 1, truths: [found(4, 10, 1)] }),
      score({
        scenario: "b",
        detections: 1,
        truePositives: 1,
        incidentPages: 1,
        truths: [found(3, 5, 0.5), found(6, 5, 0.5)],
      }),
      score({ scenario: "quiet", days: 7, healthy: true }),
    ]);
    const { targets } = issueTargets([vw], undefined);
    expect(targets.map((t) => [t.target.split(" ")[0], t.met])).toEqual([
      ["recall", true],
      ["precision", true],
      ["0", true],
      ["at", true],
      ["top-1", true],
      ["severity", true],
      ["time", undefined],
      ["strictly", undefined],
    ]);
    expect(targets[3]!.measured).toBe(
      "0.67 pages per detected incident; at most 1.00 on one; 0 of 3 got more than one",
    );
  });

  it("are not met by a second page for one incident, or a page on a healthy day", () => {
    const vw = detector("vaultwatch", true, [
      score({ scenario: "a", detections: 2, truePositives: 2, incidentPages: 2, truths: [found(4, 10, 2)] }),
      score({ scenario: "quiet", days: 2, healthy: true, pages: 1, detections: 1 }),
    ]);
    const { targets } = issueTargets([vw], undefined);
    expect(targets.find((t) => t.target.startsWith("at most"))).toMatchObject({
      measured: "2.00 pages per detected incident; at most 2.00 on one; 1 of 1 got more than one",
      met: false,
    });
    expect(targets.find((t) => t.target.startsWith("0 pages"))).toMatchObject({ met: false });
    // Two true alerts of three: 67 %.
    expect(targets.find((t) => t.target.startsWith("precision"))).toMatchObject({
      measured: "67 % (2 of 3)",
      met: false,
    });
  });

  it("compare with a peer rule on the incidents both detected, so what the peer misses does not count for either", () => {
    // vaultwatch: fast on a, slow on b. The peer catches only b, slower still, and never resolves it.
    const vw = detector("vaultwatch", true, [
      score({ scenario: "a", detections: 1, truePositives: 1, truths: [found(2, 5, 1)] }),
      score({ scenario: "b", detections: 1, truePositives: 1, truths: [found(20, 5, 1)] }),
    ]);
    const peer = detector("peer", false, [
      score({ scenario: "a", truths: [truth({})] }),
      score({ scenario: "b", detections: 1, truePositives: 1, truths: [found(25, NEVER, 1, "SEV-2")] }),
    ]);
    const c = compareWithPeer(vw, peer);
    expect(c).toMatchObject({ peerDetected: 1, shared: 1 });
    const m = Object.fromEntries(c.metrics.map((x) => [x.metric, [x.vaultwatch, x.peer, x.better]]));
    // On b alone: 20 min against 25, not vaultwatch's 11-minute median over both.
    expect(m["time to detect, median"]).toEqual(["20 min", "25 min", true]);
    expect(m["time to resolve, worst"]).toEqual(["5 min", "never", true]);
    expect(m.recall).toEqual(["100 %", "50 %", true]);
    // Both 100 %: a tie at the best value there is counts as met.
    expect(m.precision).toEqual(["100 %", "100 %", true]);
    expect(m.severity).toEqual(["100 %", "0 %", true]);
    // No healthy scenario: nothing to compare per healthy day.
    expect(m["pages per healthy day"]).toBeUndefined();
    // One page each for the incident: both at most one.
    expect(m["pages per incident"]).toEqual(["1.00", "1.00", true]);
    const { targets } = issueTargets([vw, peer], undefined);
    expect(targets.at(-1)).toMatchObject({ measured: "better than peer on all 8 metrics", met: true });
  });

  it("are not met when a peer rule detects sooner on the same incident", () => {
    const vw = detector("vaultwatch", true, [score({ detections: 1, truePositives: 1, truths: [found(9, 5, 1)] })]);
    const peer = detector("peer", false, [score({ detections: 1, truePositives: 1, truths: [found(7, 5, 1)] })]);
    const { targets } = issueTargets([vw, peer], undefined);
    expect(targets.at(-1)!.met).toBe(false);
    expect(targets.at(-1)!.measured).toContain("time to detect, median (9 min vs 7 min)");
    // Equal times are not strictly better.
    expect(targets.at(-1)!.measured).toContain("time to resolve, median (5 min vs 5 min)");
  });
});

describe("the previous results.json", () => {
  const v1 = {
    version: 1,
    detection: [
      {
        system: "vaultwatch",
        detectMedianMinutes: 9,
        incidents: [
          { scenario: "rbac-removal", incident: "orders-secrets-user-deleted", detectMinutes: 4 },
          { scenario: "daily-cap", incident: "workspace-daily-cap", detectMinutes: null },
        ],
      },
      { system: "static 403 rule", detectMedianMinutes: 7, incidents: [] },
    ],
  };
  const v2 = {
    version: 2,
    detection: {
      vaultwatch: {
        ttdMedianMin: 6.5,
        incidents: [{ scenario: "rbac-removal", incident: "orders-secrets-user-deleted", ttdMin: 5 }],
      },
    },
  };

  it("is read in either layout: vaultwatch's median and each detected incident's time", () => {
    const one = previousDetection(JSON.stringify(v1))!;
    expect(one.ttdMedianMin).toBe(9);
    expect([...one.incidents]).toEqual([[incidentKey("rbac-removal", "orders-secrets-user-deleted"), 4]]);
    const two = previousDetection(JSON.stringify(v2))!;
    expect(two).toMatchObject({ version: 2, ttdMedianMin: 6.5 });
    expect(two.incidents.get(incidentKey("rbac-removal", "orders-secrets-user-deleted"))).toBe(5);
  });

  it("is no previous figure when missing, unreadable or of another layout", () => {
    expect(previousDetection(undefined)).toBeUndefined();
    expect(previousDetection("{ not json")).toBeUndefined();
    expect(previousDetection(JSON.stringify({ version: 3, detection: {} }))).toBeUndefined();
    expect(previousDetection(JSON.stringify({ version: 1, detection: [{ system: "other" }] }))).toBeUndefined();
  });

  it("gives the time-to-detect target its verdict on the incidents both runs detected", () => {
    const vw = detector("vaultwatch", true, [
      score({ scenario: "rbac-removal", truths: [{ ...found(4, 5, 1), name: "orders-secrets-user-deleted" }] }),
      score({ scenario: "new-world", truths: [{ ...found(30, 5, 1), name: "new" }] }),
    ]);
    const ttd = (previous: string) =>
      issueTargets([vw], previousDetection(previous)).targets.find((t) => t.target.startsWith("time to detect"))!;
    // The new world's 30 minutes are left out: 4 now against 4 before is no worse.
    expect(ttd(JSON.stringify(v1))).toMatchObject({
      measured: "4 min now, 4 min before, over the 1 incident both runs detected; whole run: 17 min now, 9 min before",
      met: true,
    });
    expect(ttd(JSON.stringify(v2)).met).toBe(true);
    const faster = {
      ...v2,
      detection: {
        vaultwatch: { ...v2.detection.vaultwatch, incidents: [{ ...v2.detection.vaultwatch.incidents[0], ttdMin: 3 }] },
      },
    };
    expect(ttd(JSON.stringify(faster)).met).toBe(false);
  });
});
