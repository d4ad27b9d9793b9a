import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseScenario, type ScenarioWorld } from "../scenario/load.js";
import { BLIND_TARGET_TICKS, CHANNEL_FUSE_MS, FAULT_CASES, type FaultCase, type FaultClass } from "./faults-cases.js";
import { add, countDeliveries, sum, timeToBlind, zero, type Channel, type PerChannel } from "./faults-count.js";
import { replayUnderFault, startFaultHost, type Span } from "./faults-replay.js";

/**
 * The `faults` section of the benchmark: one replay of the same incident per fault, counting per
 * channel the notices lost and duplicated, the ticks that failed, and how long the monitor took
 * to say it was blind. Figures go to results.json under `faults` (results-json-keys.ts says what
 * each key means) and to the README's fault-matrix table.
 */

/** The incident: the RBAC removal corpus world (first 403 at 01:03, restored 01:14, quiet from 01:25). */
export const FAULT_WORLD = "rbac-removal";
/**
 * From the opened notice (01:10) to the resolution (01:40), then a drain of 15 minutes with every
 * fault lifted: 10 five-minute ticks a replay. A notice refused with a 4xx at 01:10 is tried again
 * 30 minutes later (the backoff cap, core/notify/backoff.ts), inside the span.
 */
const SPAN = { start: "01:10", end: "01:40", drainMinutes: 15 };

export interface FaultCaseResult {
  id: string;
  fault: string;
  cls: FaultClass;
  /** The targets this case is held to, in words. */
  target: string;
  lost: PerChannel;
  duplicated: PerChannel;
  absorbed: PerChannel;
  merged: PerChannel;
  decided: PerChannel;
  /**
   * Notices the fault-free replay decided that this one never decided, per channel: not lost (no
   * channel was ever handed them) and not a target, since a blind monitor holds vault notices
   * back by design, but a fault that changes what on-call is told shows here. Null: no reference ran.
   */
  notDecided: PerChannel | null;
  lostNotices: string[];
  ticks: number;
  ticksFailed: number;
  /** Crashes between send and record this replay had (0 or 1): the bound of Teams' residual duplicates. */
  crashes: number;
  blinds: boolean;
  blindAfterTicks: number | null;
  blindAfterMinutes: number | null;
  monitorIncidentAfterTicks: number | null;
  blindReason: string | null;
  undeliveredAtEnd: number;
  met: boolean;
  seconds: number;
}

export interface FaultTarget {
  target: number;
  value: number;
  met: boolean;
}

export interface FaultsResult {
  world: string;
  span: { start: string; end: string; drainMinutes: number; tickMinutes: number; ticksPerReplay: number };
  channelFuseMs: number;
  cases: FaultCaseResult[];
  totals: {
    cases: number;
    casesMet: number;
    lost: PerChannel;
    duplicated: PerChannel;
    absorbed: PerChannel;
    ticksFailed: number;
    crashes: number;
  };
  targets: {
    /** 0 notices lost in every case. */
    lost: FaultTarget;
    /** 0 duplicates on email and PagerDuty, and on Teams outside a crash between send and record. */
    duplicated: FaultTarget;
    /** Teams' residual: duplicate cards, bounded by one per crash between send and record. */
    teamsResidual: FaultTarget & { crashes: number };
    /** The slowest "monitor blind" among the faults that blind it, in ticks (target: at most 2). */
    blind: FaultTarget;
  };
  wallSeconds: number;
}

/** Runs every fault case (or those whose id is in `only`) over the corpus world and scores them. */
export async function measureFaults(
  scenariosDir: string,
  progress: (s: string) => void = () => undefined,
  only?: readonly string[],
): Promise<FaultsResult> {
  const started = performance.now();
  const world = await faultWorld(scenariosDir);
  const day = world.start.toISOString().slice(0, 10);
  const at = (hhmm: string) => new Date(`${day}T${hhmm}:00Z`);
  const span: Span = { start: at(SPAN.start), end: at(SPAN.end), drainMinutes: SPAN.drainMinutes };
  const cases = FAULT_CASES.filter((c) => !only || only.includes(c.id));
  const host = await startFaultHost();
  const results: FaultCaseResult[] = [];
  // The fault-free replay's notices, by channel and ID: what each fault is compared with.
  let reference: Set<string> | undefined;
  try {
    for (const [i, c] of cases.entries()) {
      const t = performance.now();
      const run = await replayUnderFault(host, world, span, c);
      const counts = countDeliveries(host.recorder.decided, host.recorder.accepted);
      const blind = timeToBlind(run.ticks, run.startIndex);
      const incident = timeToBlind(
        run.ticks.map((tick, k) => ({ at: tick.at, blindReported: run.monitorIncident[k]! })),
        run.startIndex,
      );
      const crashes = run.processes - (c.cls === "overlap" ? 2 : 1);
      const decidedHere = new Set(host.recorder.decided.map((d) => `${d.channel}|${d.noticeId}`));
      if (c.cls === "none") reference = decidedHere;
      const notDecided = reference && zero();
      for (const k of reference ?? []) {
        if (notDecided && !decidedHere.has(k)) notDecided[k.slice(0, k.indexOf("|")) as Channel]++;
      }
      const r: FaultCaseResult = {
        id: c.id,
        fault: c.fault,
        cls: c.cls,
        target: targetOf(c),
        lost: counts.lost,
        duplicated: counts.duplicated,
        absorbed: counts.absorbed,
        merged: counts.merged,
        decided: counts.decided,
        notDecided: notDecided ?? null,
        lostNotices: counts.lostIds,
        ticks: run.ticks.length,
        ticksFailed: run.ticksFailed,
        crashes,
        blinds: c.blinds,
        blindAfterTicks: c.blinds ? (blind?.ticks ?? null) : null,
        blindAfterMinutes: c.blinds ? (blind?.minutes ?? null) : null,
        monitorIncidentAfterTicks: c.blinds ? (incident?.ticks ?? null) : null,
        blindReason: c.blinds ? (run.blindReason ?? null) : null,
        undeliveredAtEnd: run.undeliveredAtEnd,
        met: false,
        seconds: round((performance.now() - t) / 1000),
      };
      r.met = caseMet(r);
      results.push(r);
      progress(
        `  [${i + 1}/${cases.length}] ${c.id}: lost ${sum(r.lost)}, duplicated ${sum(r.duplicated)} (Teams ${r.duplicated.teams}), ` +
          `absorbed ${sum(r.absorbed)}, ${r.ticksFailed} tick(s) failed` +
          `${c.blinds ? `, blind after ${r.blindAfterTicks ?? "never"} tick(s)` : ""} — ${r.met ? "met" : "NOT MET"} (${r.seconds} s)`,
      );
    }
  } finally {
    await host.close();
  }
  return summarize(world.name, span, world.tickMinutes, results, round((performance.now() - started) / 1000));
}

/** Whether one case meets its targets: nothing lost, duplicates only Teams' bounded residual, blind in time. */
export function caseMet(
  r: Pick<FaultCaseResult, "lost" | "duplicated" | "crashes" | "blinds" | "blindAfterTicks">,
): boolean {
  return (
    sum(r.lost) === 0 &&
    r.duplicated.email === 0 &&
    r.duplicated.pagerduty === 0 &&
    r.duplicated.teams <= r.crashes &&
    (!r.blinds || (r.blindAfterTicks !== null && r.blindAfterTicks <= BLIND_TARGET_TICKS))
  );
}

export function summarize(
  world: string,
  span: Span,
  tickMinutes: number,
  cases: FaultCaseResult[],
  wallSeconds: number,
): FaultsResult {
  const total = (pick: (c: FaultCaseResult) => PerChannel) => cases.reduce((a, c) => add(a, pick(c)), zero());
  const lost = total((c) => c.lost);
  const duplicated = total((c) => c.duplicated);
  const crashes = cases.reduce((n, c) => n + c.crashes, 0);
  // Duplicates no channel's idempotency absorbs and no crash explains.
  const unexplained = cases.reduce(
    (n, c) => n + c.duplicated.email + c.duplicated.pagerduty + Math.max(0, c.duplicated.teams - c.crashes),
    0,
  );
  const blinding = cases.filter((c) => c.blinds);
  const worstBlind = blinding.some((c) => c.blindAfterTicks === null)
    ? Number.POSITIVE_INFINITY
    : Math.max(0, ...blinding.map((c) => c.blindAfterTicks ?? 0));
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  return {
    world,
    span: {
      start: hhmm(span.start),
      end: hhmm(span.end),
      drainMinutes: span.drainMinutes,
      tickMinutes,
      ticksPerReplay: cases[0]?.ticks ?? 0,
    },
    channelFuseMs: CHANNEL_FUSE_MS,
    cases,
    totals: {
      cases: cases.length,
      casesMet: cases.filter((c) => c.met).length,
      lost,
      duplicated,
      absorbed: total((c) => c.absorbed),
      ticksFailed: cases.reduce((n, c) => n + c.ticksFailed, 0),
      crashes,
    },
    targets: {
      lost: { target: 0, value: sum(lost), met: sum(lost) === 0 },
      duplicated: { target: 0, value: unexplained, met: unexplained === 0 },
      teamsResidual: { target: crashes, value: duplicated.teams, met: duplicated.teams <= crashes, crashes },
      blind: {
        target: BLIND_TARGET_TICKS,
        // JSON has no infinity: a blinding fault never reported counts as -1, and is not met.
        value: Number.isFinite(worstBlind) ? worstBlind : -1,
        met: Number.isFinite(worstBlind) && worstBlind <= BLIND_TARGET_TICKS,
      },
    },
    wallSeconds,
  };
}

function targetOf(c: FaultCase): string {
  const parts = ["0 lost"];
  parts.push(c.cls === "crash" ? "0 duplicated on email and PagerDuty, at most 1 on Teams" : "0 duplicated");
  if (c.blinds) parts.push(`blind reported within ${BLIND_TARGET_TICKS} ticks`);
  return parts.join("; ");
}

/** The corpus world without its control-plane check: ARM is not part of this matrix, and no request may leave the machine. */
async function faultWorld(scenariosDir: string): Promise<ScenarioWorld> {
  const file = join(scenariosDir, `${FAULT_WORLD}.json`);
  const { world } = parseScenario(await readFile(file, "utf8"), file);
  const { CONTROL_PLANE_CONFIG: _armless, ...settings } = world.settings;
  return { ...world, settings };
}

const round = (x: number) => Math.round(x * 10) / 10;
