import { capped, formatIssues, issuePath, type ZodIssue } from "../../src/core/common/zod-issues.js";
import type { SignalRow } from "../../src/core/signals/signal-set.js";
import {
  APP_SIGNAL_TABLES,
  DEP_COUNTS,
  KV_COUNTS,
  ROW_SIGNALS,
  SCENARIO_BIN_MINUTES,
  ScenarioFile,
  type ActivitySpec,
  type ControlPlaneSnapshotSpec,
  type ParsedScenarioFile,
  type ProbeSpec,
  type RowSignal,
  type TruthIncidentSpec,
} from "./format.js";

/** The rows of one bin, in the signal model's shapes, merged per dims as Kusto would group them. */
export interface BinRows {
  "kv-requests": SignalRow<"kv-requests">[];
  "dependency-calls": SignalRow<"dependency-calls">[];
  "credential-traces": SignalRow<"credential-traces">[];
  "host-startup": SignalRow<"host-startup">[];
}

/** Everything the replay shows the monitor. Ground truth is kept apart, in `LoadedScenario.truth`. */
export interface ScenarioWorld {
  name: string;
  description: string;
  start: Date;
  end: Date;
  tickMinutes: number;
  workspace: { tables: string[]; ingestionDelayMinutes: number; resourceId: string };
  /** App settings as strings, the way the Functions host hands them over. */
  settings: Record<string, string>;
  /** Rows by bin start (epoch ms); `binStarts` lists the keys in order. */
  bins: Map<number, BinRows>;
  binStarts: number[];
  activity: ActivitySpec[];
  controlPlane: ControlPlaneSnapshotSpec[];
  probes: ProbeSpec[];
}

export interface LoadedScenario {
  world: ScenarioWorld;
  truth: { incidents: TruthIncidentSpec[] } | undefined;
}

/** A scenario that cannot be replayed; each problem names its JSON path. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  /** `cause`: the parse or validation error the problems were read from, when there was one. */
  constructor(
    readonly source: string,
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(`${source} is not a valid scenario:\n${problems.map((p) => `  ${p}`).join("\n")}`, options);
  }
}

const BIN_MS = SCENARIO_BIN_MINUTES * 60_000;
/** A replay longer than this is a mistake (and would hold a lot of rows in memory). */
const MAX_SPAN_DAYS = 60;

/** Parses and checks scenario text; throws ScenarioError naming every problem's JSON path. */
export function parseScenario(text: string, source = "scenario"): LoadedScenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(source, [`$: not JSON: ${(error as Error).message}`], { cause: error });
  }
  const parsed = ScenarioFile.safeParse(raw);
  if (!parsed.success)
    throw new ScenarioError(source, formatIssues(parsed.error.issues, { root: "$", message: messageOf }), {
      cause: parsed.error,
    });
  const problems: string[] = [];
  const world = toWorld(parsed.data, problems);
  if (problems.length > 0) throw new ScenarioError(source, capped(problems));
  return { world, truth: parsed.data.truth ? { incidents: parsed.data.truth.incidents } : undefined };
}

/** `$.timeline[3]["kv-requests"][0].counts.total`: JSONPath, brackets for names that need them. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return issuePath(path, { root: "$" });
}

function messageOf(issue: ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const replayOwned = issue.keys.filter((k) => REPLAY_OWNED.has(k));
    if (replayOwned.length > 0)
      return `${replayOwned.join(", ")}: the replay sets this itself (stand-in endpoints, identities and secrets); remove it`;
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  }
  return issue.message;
}

const REPLAY_OWNED = new Set([
  "LOG_ANALYTICS_WORKSPACE_ID",
  "LOG_ANALYTICS_ENDPOINT",
  "LOG_ANALYTICS_WORKSPACE_RESOURCE_ID",
  "STATE_TABLE_ENDPOINT",
  "STATE_STORAGE_CONNECTION_STRING",
  "STATE_TABLE_PREFIX",
  "TEAMS_WEBHOOK_URL",
  "EMAIL_ENDPOINT",
  "EMAIL_SENDER",
  "EMAIL_RECIPIENTS",
  "PAGERDUTY_ROUTING_KEY",
  "PAGERDUTY_URL",
  "AZURE_CLIENT_ID",
  "MONITOR_SCHEDULE",
  "ARM_ENDPOINT",
  "IDENTITY_ENDPOINT",
  "QUERY_TIMEOUT_SECONDS",
  "HEALTH_STALE_AFTER_MINUTES",
]);

function toWorld(f: ParsedScenarioFile, problems: string[]): ScenarioWorld {
  const at = (path: PropertyKey[], message: string) => problems.push(`${jsonPath(path)}: ${message}`);
  if (f.end.getTime() <= f.start.getTime()) at(["end"], "expected a time after start");
  if (f.end.getTime() - f.start.getTime() > MAX_SPAN_DAYS * 86_400_000)
    at(["end"], `expected at most ${MAX_SPAN_DAYS} days after start`);

  const tables = new Set(f.workspace.tables);
  const bins = new Map<number, BinRows>();
  f.timeline.forEach((entry, i) => {
    const from = entry.at.getTime();
    if (from % BIN_MS !== 0)
      at(
        ["timeline", i, "at"],
        `expected the start of a ${SCENARIO_BIN_MINUTES}-minute bin (minutes divisible by ${SCENARIO_BIN_MINUTES}, no seconds)`,
      );
    const until = entry.until?.getTime() ?? from + BIN_MS;
    if (entry.until && (until <= from || until % BIN_MS !== 0))
      at(["timeline", i, "until"], `expected a ${SCENARIO_BIN_MINUTES}-minute boundary after at`);
    if (until - from > MAX_SPAN_DAYS * 86_400_000)
      return at(["timeline", i, "until"], `expected at most ${MAX_SPAN_DAYS} days after at`);
    for (const signal of ROW_SIGNALS) {
      entry[signal].forEach((row, j) => {
        const path = ["timeline", i, signal, j];
        const dims = dimsOf(f, signal, row, path, at);
        if (!dims) return;
        const table = signal === "kv-requests" ? (dims as { source: string }).source : APP_SIGNAL_TABLES[signal];
        if (!tables.has(table)) at(path, `the workspace has no ${table} table: add it to workspace.tables`);
        const counts = countsOf(signal, row.counts as Record<string, number | undefined>, path, at);
        if (!counts) return;
        for (let t = from; t < until; t += BIN_MS)
          add(bins, t, signal, dims, counts, "sample" in row ? row.sample : undefined);
      });
    }
  });

  f.controlPlane.forEach((s, i) => {
    if (s.vaults.length === 0 && s.roleAssignments.length === 0)
      at(["controlPlane", i], "expected vaults or roleAssignments: an empty snapshot hides every vault");
  });
  const hasCp = f.settings.CONTROL_PLANE_CONFIG !== undefined;
  const firstCp = Math.min(...f.controlPlane.map((s) => s.at.getTime()));
  if (hasCp && !(firstCp <= f.start.getTime()))
    at(
      ["controlPlane"],
      "CONTROL_PLANE_CONFIG is set: expected a snapshot at or before start, so Resource Manager has something to show",
    );
  f.truth?.incidents.forEach((t, i) => {
    if (t.recovered.getTime() <= t.onset.getTime())
      at(["truth", "incidents", i, "recovered"], "expected a time after onset");
    if (t.cause && t.cause.getTime() > t.onset.getTime())
      at(["truth", "incidents", i, "cause"], "expected a time at or before onset");
  });

  const binStarts = [...bins.keys()].sort((a, b) => a - b);
  return {
    name: f.name,
    description: f.description,
    start: f.start,
    end: f.end,
    tickMinutes: f.tickMinutes,
    workspace: f.workspace,
    settings: settingsOf(f.settings),
    bins,
    binStarts,
    activity: [...f.activity].sort((a, b) => a.at.getTime() - b.at.getTime()),
    controlPlane: [...f.controlPlane].sort((a, b) => a.at.getTime() - b.at.getTime()),
    probes: [...f.probes].sort((a, b) => a.at.getTime() - b.at.getTime()),
  };
}

type Row = { series?: string | undefined; dims?: unknown };

function dimsOf(
  f: ParsedScenarioFile,
  signal: RowSignal,
  row: Row,
  path: PropertyKey[],
  at: (p: PropertyKey[], m: string) => void,
): Record<string, unknown> | undefined {
  if ((row.series === undefined) === (row.dims === undefined)) {
    at(path, "expected exactly one of series (a name from `series`) or dims");
    return undefined;
  }
  if (row.dims !== undefined) return row.dims as Record<string, unknown>;
  const s = f.series[row.series!];
  if (!s) {
    at(
      [...path, "series"],
      `no series named ${JSON.stringify(row.series)}${Object.keys(f.series).length ? `; known: ${Object.keys(f.series).join(", ")}` : ""}`,
    );
    return undefined;
  }
  if (s.signal !== signal) {
    at([...path, "series"], `series ${JSON.stringify(row.series)} is a ${s.signal} series, not ${signal}`);
    return undefined;
  }
  return s.dims as Record<string, unknown>;
}

/** Fills the counts in: missing ones are 0, a missing total is the sum of the status counts. */
function countsOf(
  signal: RowSignal,
  given: Record<string, number | undefined>,
  path: PropertyKey[],
  at: (p: PropertyKey[], m: string) => void,
): Record<string, number> | undefined {
  const keys = signal === "kv-requests" ? KV_COUNTS : signal === "dependency-calls" ? DEP_COUNTS : ["events"];
  const counts = Object.fromEntries(keys.map((k) => [k, given[k] ?? 0]));
  if (signal === "credential-traces" || signal === "host-startup") return counts;
  const parts = keys.filter((k) => k !== "total").reduce((n, k) => n + counts[k]!, 0);
  if (given.total === undefined) counts.total = parts;
  else if (parts > counts.total!) {
    at([...path, "counts"], `the status counts add up to ${parts}, more than total ${counts.total}`);
    return undefined;
  }
  return counts;
}

function add(
  bins: Map<number, BinRows>,
  t: number,
  signal: RowSignal,
  dims: Record<string, unknown>,
  counts: Record<string, number>,
  sample: string | undefined,
): void {
  let b = bins.get(t);
  if (!b) {
    b = { "kv-requests": [], "dependency-calls": [], "credential-traces": [], "host-startup": [] };
    bins.set(t, b);
  }
  const rows = b[signal] as { dims: unknown; counts: Record<string, number>; sample?: string }[];
  const key = JSON.stringify(dims);
  const same = rows.find((r) => JSON.stringify(r.dims) === key);
  if (same) {
    for (const [k, v] of Object.entries(counts)) same.counts[k] = (same.counts[k] ?? 0) + v;
    return;
  }
  rows.push({
    binStart: new Date(t),
    dims,
    counts: { ...counts },
    ...(sample !== undefined ? { sample } : {}),
  } as (typeof rows)[number]);
}

function settingsOf(s: ParsedScenarioFile["settings"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(",") : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}
