import { duration, fixed, ratio } from "./format.js";
import { incidentKey, type PreviousDetection } from "./previous-results.js";
import { NEVER, spread, summarize, type Ratio, type ScenarioScore, type Summary, type TruthOutcome } from "./score.js";

/**
 * Issue 17's targets, measured on this run: each with the figure and whether it is met. They are
 * reported, not enforced: a run that misses one still writes its results. Pure: scores in, verdicts out.
 */

/** What a target needs of a detector (markdown.ts's DetectorResults has this shape). */
export interface TargetDetector {
  title: string;
  namesCauses: boolean;
  scores: readonly ScenarioScore[];
}

export interface TargetOutcome {
  target: string;
  measured: string;
  /** Undefined: nothing to measure it on (no healthy scenario, no previous figure …). */
  met: boolean | undefined;
}

/** One metric of vaultwatch against one peer rule. */
export interface MetricComparison {
  metric: string;
  /** What the figures are taken over: the whole run, or the incidents both detected. */
  over: "all scenarios" | "incidents both detected" | "healthy scenarios";
  vaultwatch: string;
  peer: string;
  better: boolean;
}

export interface PeerComparison {
  peer: string;
  /** Truth incidents the peer detected. */
  peerDetected: number;
  /** Of those, the ones vaultwatch detected too. */
  shared: number;
  metrics: MetricComparison[];
}

/** Float slack for comparisons: an incident's pages are sums of shares (a third of a page, three times). */
const EPSILON = 1e-9;

/** Issue 17's "Targets": precision ≥ 95 %, top-1 hypothesis ≥ 90 %, severity ≥ 90 %. */
export const PRECISION_TARGET = 0.95;
export const TOP1_TARGET = 0.9;
export const SEVERITY_TARGET = 0.9;

/** vaultwatch is `detectors[0]`, the peer rules follow (run.ts builds them in that order). */
export function issueTargets(
  detectors: readonly TargetDetector[],
  previous: PreviousDetection | undefined,
): { targets: TargetOutcome[]; peers: PeerComparison[] } {
  const [vw, ...others] = detectors;
  if (!vw) return { targets: [], peers: [] };
  const s = summarize(vw.scores, vw.namesCauses);
  const detected = vw.scores.flatMap((x) => x.truths).filter((t) => t.detected);
  const peers = others.map((p) => compareWithPeer(vw, p));
  const manyPages = detected.filter((t) => t.pages > 1 + EPSILON).length;
  const targets: TargetOutcome[] = [
    {
      target: "recall 100 %",
      measured: ratio(s.recall, "no truth incidents"),
      met: s.recall.den === 0 ? undefined : s.recall.num === s.recall.den,
    },
    atLeast("precision ≥ 95 %", s.precision, PRECISION_TARGET, "no alerts"),
    {
      target: "0 pages on healthy days",
      measured:
        s.healthy.days === 0
          ? "n/a (no healthy scenario)"
          : `${s.healthy.pages} page${s.healthy.pages === 1 ? "" : "s"} in ${fixed(s.healthy.days, 1)} healthy days`,
      met: s.healthy.days === 0 ? undefined : s.healthy.pages === 0,
    },
    {
      target: "at most one page per truth incident (a group's first notification counts once)",
      measured:
        s.incidents.mostPages === undefined
          ? "n/a (nothing detected)"
          : `${fixed(s.incidents.pages / s.recall.num, 2)} pages per detected incident; at most ${fixed(s.incidents.mostPages, 2)} on one; ` +
            `${manyPages} of ${detected.length} got more than one`,
      met: s.incidents.mostPages === undefined ? undefined : manyPages === 0,
    },
    s.hypothesis
      ? atLeast("top-1 hypothesis ≥ 90 %", s.hypothesis, TOP1_TARGET, "nothing detected")
      : { target: "top-1 hypothesis ≥ 90 %", measured: "n/a (names no cause)", met: undefined },
    atLeast("severity ≥ 90 %", s.severity, SEVERITY_TARGET, "nothing detected"),
    ttdAgainstPrevious(vw.scores, s, previous),
    betterThanPeers(peers),
  ];
  return { targets, peers };
}

function atLeast(target: string, r: Ratio, goal: number, empty: string): TargetOutcome {
  return { target, measured: ratio(r, empty), met: r.den === 0 ? undefined : r.num / r.den >= goal - EPSILON };
}

/**
 * The median time to detect against the previous results.json's, like for like: over the
 * incidents both runs detected (matched by scenario and incident name), so that new corpus worlds
 * do not move the figure; over the whole run only when the previous file lists no incidents.
 * Minutes to one decimal, as results.json writes them.
 */
function ttdAgainstPrevious(
  scores: readonly ScenarioScore[],
  s: Summary,
  previous: PreviousDetection | undefined,
): TargetOutcome {
  const target = "time to detect (median) no worse than the previous results.json";
  const now = minutes(s.ttd.median);
  const nowText = `${duration(s.ttd.median)} now`;
  if (!previous) return { target, measured: `${nowText}; no previous figure`, met: undefined };
  const pairs = scores.flatMap((x) =>
    x.truths.flatMap((t) => {
      const before = previous.incidents.get(incidentKey(x.scenario, t.name));
      return t.detected && before !== undefined ? [{ now: minutes(t.ttdMs)!, before }] : [];
    }),
  );
  if (pairs.length > 0) {
    const a = Number(spread(pairs.map((p) => p.now)).median!.toFixed(1));
    const b = Number(spread(pairs.map((p) => p.before)).median!.toFixed(1));
    const whole =
      previous.ttdMedianMin === undefined ? "" : `; whole run: ${nowText}, ${inMinutes(previous.ttdMedianMin)} before`;
    return {
      target,
      measured: `${inMinutes(a)} now, ${inMinutes(b)} before, over the ${pairs.length} incident${pairs.length === 1 ? "" : "s"} both runs detected${whole}`,
      met: a <= b + EPSILON,
    };
  }
  if (previous.ttdMedianMin === undefined || now === undefined)
    return { target, measured: `${nowText}; no previous figure`, met: undefined };
  return {
    target,
    measured: `${inMinutes(now)} now, ${inMinutes(previous.ttdMedianMin)} before (whole run; no incident in common)`,
    met: now <= previous.ttdMedianMin + EPSILON,
  };
}

function betterThanPeers(peers: readonly PeerComparison[]): TargetOutcome {
  const target = "strictly better than both peer rules on every metric where they detect at all";
  const compared = peers.filter((p) => p.peerDetected > 0);
  if (compared.length === 0) return { target, measured: "n/a (no peer rule detects anything)", met: undefined };
  const parts = compared.map((p) => {
    const worse = p.metrics.filter((m) => !m.better);
    return worse.length === 0
      ? `better than ${p.peer} on all ${p.metrics.length} metrics`
      : `not better than ${p.peer} on ${worse.map((m) => `${m.metric} (${m.vaultwatch} vs ${m.peer})`).join(", ")}`;
  });
  const skipped = peers.filter((p) => p.peerDetected === 0).map((p) => `${p.peer} detects nothing`);
  return {
    target,
    measured: [...parts, ...skipped].join("; "),
    met: compared.every((p) => p.metrics.every((m) => m.better)),
  };
}

/**
 * vaultwatch against one peer rule on the issue's metrics (top-1 aside: the peer rules name no
 * cause). Precision, recall and the healthy-day rates are over the whole run; times, severity and
 * pages per incident over the incidents both detected, so that what the peer misses does not
 * flatter either side. Better means strictly better, or both at the best value there is
 * (100 %, 0 pages or notifications on healthy days, at most one page per incident).
 */
export function compareWithPeer(vw: TargetDetector, peer: TargetDetector): PeerComparison {
  const a = summarize(vw.scores, vw.namesCauses);
  const b = summarize(peer.scores, peer.namesCauses);
  const both: { vw: TruthOutcome; peer: TruthOutcome }[] = [];
  let peerDetected = 0;
  for (const p of peer.scores) {
    const v = vw.scores.find((x) => x.scenario === p.scenario);
    for (const [i, t] of p.truths.entries()) {
      if (!t.detected) continue;
      peerDetected++;
      const mine = v?.truths[i];
      if (mine?.detected) both.push({ vw: mine, peer: t });
    }
  }
  const times = (side: "vw" | "peer", of: (t: TruthOutcome) => number) => spread(both.map((x) => of(x[side])));
  const severityRight = (side: "vw" | "peer"): Ratio => ({
    num: both.filter((x) => x[side].severity?.got === x[side].severity?.want).length,
    den: both.length,
  });
  const pagesPer = (side: "vw" | "peer") =>
    both.length === 0 ? undefined : both.reduce((n, x) => n + x[side].pages, 0) / both.length;

  const metrics: MetricComparison[] = [
    higher("recall", "all scenarios", a.recall, b.recall),
    higher("precision", "all scenarios", a.precision, b.precision),
    ...(["median", "worst"] as const).map((k) =>
      lower(`time to detect, ${k}`, times("vw", (t) => t.ttdMs!)[k], times("peer", (t) => t.ttdMs!)[k]),
    ),
    ...(["median", "worst"] as const).map((k) =>
      lower(`time to resolve, ${k}`, times("vw", (t) => t.ttrMs!)[k], times("peer", (t) => t.ttrMs!)[k]),
    ),
    higher("severity", "incidents both detected", severityRight("vw"), severityRight("peer")),
  ];
  if (a.healthy.days > 0)
    metrics.push(
      fewer(
        "pages per healthy day",
        "healthy scenarios",
        a.healthy.pages / a.healthy.days,
        b.healthy.pages / b.healthy.days,
        0,
      ),
      fewer(
        "notifications per healthy day",
        "healthy scenarios",
        a.healthy.notifications / a.healthy.days,
        b.healthy.notifications / b.healthy.days,
        0,
      ),
    );
  metrics.push(fewer("pages per incident", "incidents both detected", pagesPer("vw"), pagesPer("peer"), 1));
  return { peer: peer.title, peerDetected, shared: both.length, metrics };
}

function higher(metric: string, over: MetricComparison["over"], a: Ratio, b: Ratio): MetricComparison {
  const x = a.den === 0 ? undefined : a.num / a.den;
  const y = b.den === 0 ? undefined : b.num / b.den;
  const better = x !== undefined && (y === undefined || x > y + EPSILON || (x >= 1 - EPSILON && y >= 1 - EPSILON));
  return { metric, over, vaultwatch: percent(a), peer: percent(b), better };
}

/** Times: strictly sooner (never is later than any time, and not sooner than never). */
function lower(metric: string, a: number | undefined, b: number | undefined): MetricComparison {
  const better = a !== undefined && (b === undefined || (a < b && a !== NEVER));
  return { metric, over: "incidents both detected", vaultwatch: duration(a), peer: duration(b), better };
}

/** Counts per day or per incident: fewer, or both at or under `best`. */
function fewer(
  metric: string,
  over: MetricComparison["over"],
  a: number | undefined,
  b: number | undefined,
  best: number,
): MetricComparison {
  const better =
    a !== undefined && (b === undefined || a < b - EPSILON || (a <= best + EPSILON && b <= best + EPSILON));
  const text = (v: number | undefined) => (v === undefined ? "–" : fixed(v, 2));
  return { metric, over, vaultwatch: text(a), peer: text(b), better };
}

const percent = (r: Ratio) => (r.den === 0 ? "–" : `${Math.round((100 * r.num) / r.den)} %`);

/** "−3 min", as the tables write times. */
const inMinutes = (min: number) => duration(min * 60_000);

/** Minutes to one decimal, as results.json has them; undefined for nothing or never. */
function minutes(ms: number | undefined): number | undefined {
  return ms === undefined || ms === NEVER ? undefined : Number((ms / 60_000).toFixed(1));
}
