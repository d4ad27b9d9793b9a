import type { FaultsResult } from "./faults.js";
import { CHANNELS, type PerChannel } from "./faults-count.js";

/**
 * results.json's `faults`: the fault matrix's figures, without the Markdown's words (the notices
 * lost by ID, health's reasons). Every figure is a number, or null where the table says –.
 */
export interface JsonFaults {
  world: string;
  ticksPerReplay: number;
  tickMinutes: number;
  drainMinutes: number;
  channelFuseMs: number;
  wallSeconds: number;
  cases: JsonFaultCase[];
  totals: FaultsResult["totals"];
  targets: FaultsResult["targets"];
}

export interface JsonFaultCase {
  id: string;
  fault: string;
  class: string;
  target: string;
  lost: PerChannel;
  duplicated: PerChannel;
  absorbed: PerChannel;
  merged: PerChannel;
  decided: PerChannel;
  notDecided: PerChannel | null;
  ticksFailed: number;
  crashes: number;
  blinds: boolean;
  blindAfterTicks: number | null;
  blindAfterMinutes: number | null;
  monitorIncidentAfterTicks: number | null;
  undeliveredAtEnd: number;
  met: boolean;
}

export function faultsJson(r: FaultsResult): JsonFaults {
  return {
    world: r.world,
    ticksPerReplay: r.span.ticksPerReplay,
    tickMinutes: r.span.tickMinutes,
    drainMinutes: r.span.drainMinutes,
    channelFuseMs: r.channelFuseMs,
    wallSeconds: r.wallSeconds,
    cases: r.cases.map((c) => ({
      id: c.id,
      fault: c.fault,
      class: c.cls,
      target: c.target,
      lost: c.lost,
      duplicated: c.duplicated,
      absorbed: c.absorbed,
      merged: c.merged,
      decided: c.decided,
      notDecided: c.notDecided,
      ticksFailed: c.ticksFailed,
      crashes: c.crashes,
      blinds: c.blinds,
      blindAfterTicks: c.blindAfterTicks,
      blindAfterMinutes: c.blindAfterMinutes,
      monitorIncidentAfterTicks: c.monitorIncidentAfterTicks,
      undeliveredAtEnd: c.undeliveredAtEnd,
      met: c.met,
    })),
    totals: r.totals,
    targets: r.targets,
  };
}

type KeyRow = readonly [key: string, meaning: string, unit: string];

/** A per-channel object's key and one row for each channel under it. */
function perChannel(key: string, meaning: string): KeyRow[] {
  return [
    [key, `${meaning}, by channel`, ""],
    ...CHANNELS.map(
      (c): KeyRow => [
        `${key}.${c}`,
        `${meaning}: ${c === "pagerduty" ? "PagerDuty" : c === "teams" ? "Teams" : "email (ACS)"}`,
        "count",
      ],
    ),
  ];
}

/** results.json's `faults` keys, for results-json-keys.ts. */
export const FAULTS_KEYS: readonly KeyRow[] = [
  [
    "faults",
    "the fault matrix: one replay of one incident per injected fault (README, Fault matrix); null when it was not measured or failed",
    "",
  ],
  ["faults.world", "the corpus world replayed", "name"],
  ["faults.ticksPerReplay", "ticks in each replay, the drain included", "count"],
  ["faults.tickMinutes", "simulated minutes between ticks", "min"],
  ["faults.drainMinutes", "simulated minutes at the end of each replay with every fault lifted", "min"],
  [
    "faults.channelFuseMs",
    "how long the channels wait for an answer in these replays (production: 10 s, ACS 30 s)",
    "ms",
  ],
  ["faults.wallSeconds", "wall time of every replay of the matrix", "s"],
  ["faults.cases[]", "one per injected fault, in the table's order", ""],
  ["faults.cases[].id", "the fault's stable key", "name"],
  ["faults.cases[].fault", "what was injected, in words", "text"],
  ["faults.cases[].class", "none, log-analytics, tables, channels, identity, crash or overlap", "name"],
  ["faults.cases[].target", "the targets the case is held to, in words", "text"],
  ...perChannel(
    "faults.cases[].lost",
    "notices decided for a channel that its receiver never accepted by the end of the drain",
  ),
  ...perChannel(
    "faults.cases[].duplicated",
    "notices on-call saw more than once (a Teams card or ACS message shown again; a PagerDuty repeat under its dedup_key shows nothing new)",
  ),
  ...perChannel(
    "faults.cases[].absorbed",
    "repeats the receiver's own idempotency took in (ACS Operation-Id, PagerDuty dedup_key and action)",
  ),
  ...perChannel("faults.cases[].merged", "notices another queued notice stands for (superseded repeats, a queue cap)"),
  ...perChannel("faults.cases[].decided", "notices decided, each counted once"),
  ...perChannel(
    "faults.cases[].notDecided",
    "notices the fault-free replay decided that this one never did (not a target); the object is null when no reference ran",
  ),
  ["faults.cases[].ticksFailed", "ticks that threw or whose process died", "count"],
  ["faults.cases[].crashes", "crashes between send and record in the replay", "count"],
  ["faults.cases[].blinds", "whether the fault blinds the monitor, so the blind target applies", "boolean"],
  [
    "faults.cases[].blindAfterTicks",
    "ticks from the fault's first, both counted, until the monitor's own incident opened or /api/health answered 503 naming the failing signal; null when it does not blind or was never reported",
    "ticks",
  ],
  ["faults.cases[].blindAfterMinutes", "the same as simulated minutes from the fault's first tick", "min"],
  [
    "faults.cases[].monitorIncidentAfterTicks",
    "ticks from the fault's first until the monitor's own incident was open; null as blindAfterTicks",
    "ticks",
  ],
  ["faults.cases[].undeliveredAtEnd", "notices the last tick's heartbeat still counted undelivered", "count"],
  ["faults.cases[].met", "every target of the case met", "boolean"],
  ["faults.totals", "sums over every case", ""],
  ["faults.totals.cases", "faults replayed", "count"],
  ["faults.totals.casesMet", "faults that meet every target", "count"],
  ...perChannel("faults.totals.lost", "notices lost over every case"),
  ...perChannel("faults.totals.duplicated", "notices duplicated over every case"),
  ...perChannel("faults.totals.absorbed", "repeats absorbed over every case"),
  ["faults.totals.ticksFailed", "ticks failed over every case", "count"],
  ["faults.totals.crashes", "crashes between send and record over every case", "count"],
  ["faults.targets", "the issue's targets with the measured value and whether each is met", ""],
  ...target("lost", "notices lost (target 0)"),
  ...target(
    "duplicated",
    "duplicates no channel's idempotency absorbs and no crash between send and record explains (target 0)",
  ),
  ...target("teamsResidual", "duplicate Teams cards (target: at most one per crash between send and record)"),
  ["faults.targets.teamsResidual.crashes", "crashes between send and record the residual is bounded by", "count"],
  ...target(
    "blind",
    'the slowest time to "monitor blind" over the blinding faults (target 2 ticks; -1: one was never reported)',
    "ticks",
  ),
];

function target(name: string, meaning: string, unit = "count"): KeyRow[] {
  return [
    [`faults.targets.${name}`, meaning, ""],
    [`faults.targets.${name}.target`, "the target value it is held to", unit],
    [`faults.targets.${name}.value`, "the value this run measured", unit],
    [`faults.targets.${name}.met`, "whether the measured value is within the target", "boolean"],
  ];
}
