import { BACKFILL_HOURS } from "../../../src/core/baselines/absorb.js";
import { SCENARIO_FORMAT_V2 } from "../../scenario/format.js";
import type { ScenarioWorld } from "../../scenario/load.js";
import { zodProblems } from "../../scenario/scenario-error.js";
import { MAX_SPAN_DAYS, settingsOf } from "../../scenario/world-checks.js";
import { DEFAULT_WORKSPACE_RESOURCE_ID, Settings } from "../../scenario/world-parts.js";
import type { LoadedLogs } from "./read-export.js";

const MINUTE = 60_000;
const DAY = 86_400_000;
/** As for scenarios: a longer replay is a mistake and would take hours. */
export const MAX_REPLAY_DAYS = MAX_SPAN_DAYS;
/** The history the monitor reads before its first tick: the baselines' backfill. */
export const HISTORY_DAYS = BACKFILL_HOURS / 24;

export interface LogsWorldOptions {
  /** The first tick; the exports' first record (on a tick boundary) when absent. */
  from?: Date;
  /** The last tick is at or before this; when everything exported has become visible when absent. */
  to?: Date;
  /** Minutes between ticks: the timer's schedule (5 unless given). */
  tickMinutes?: number;
  /** App settings, with the keys a scenario's `settings` takes (parseSettingsFile). */
  settings?: Record<string, string>;
  /** The workspace's resource ID, for the portal links in notifications. */
  workspaceResourceId?: string;
  /** The name the replay goes by: the exports directory's. */
  name?: string;
}

/** A replay of exports that cannot be set up: bad options or settings. Each problem says which. */
export class LogsWorldError extends Error {
  override readonly name = "LogsWorldError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/**
 * The world `vaultwatch replay --logs` runs the monitor in: the exported records as the workspace
 * (with each record's ingestion time, exported or modelled), ticks from `from` to `to`, and the
 * settings to backtest. Exports hold no Resource Manager state and no token-probe outcomes, so
 * the control-plane checks and probes see nothing (leave CONTROL_PLANE_CONFIG unset).
 */
export function logsWorld(loaded: LoadedLogs, o: LogsWorldOptions = {}): ScenarioWorld {
  const { summary } = loaded;
  const tickMinutes = o.tickMinutes ?? 5;
  const problems: string[] = [];
  if (!Number.isInteger(tickMinutes) || tickMinutes < 1 || tickMinutes > 60)
    problems.push(`--tick-minutes: expected a whole number of minutes from 1 to 60, got ${tickMinutes}`);
  const span = exportSpan(loaded);
  if (!span) throw new LogsWorldError([`${summary.dir}: the exports hold no records`]);
  const tick = Math.max(1, Math.trunc(tickMinutes)) * MINUTE;
  const start = o.from ?? new Date(Math.ceil(span.first / tick) * tick);
  const end = o.to ?? new Date(Math.ceil(span.visible / tick) * tick);
  if (Number.isNaN(start.getTime())) problems.push("--from: expected an ISO 8601 date-time");
  if (Number.isNaN(end.getTime())) problems.push("--to: expected an ISO 8601 date-time");
  else if (end.getTime() <= start.getTime())
    problems.push(`--to: expected a time after ${start.toISOString()} (the first tick)`);
  else if (end.getTime() - start.getTime() > MAX_REPLAY_DAYS * DAY)
    problems.push(
      `the replay would run ${Math.round((end.getTime() - start.getTime()) / DAY)} days of ticks; at most ${MAX_REPLAY_DAYS}: pass --from and --to`,
    );
  if (o.settings?.CONTROL_PLANE_CONFIG !== undefined)
    problems.push(
      "CONTROL_PLANE_CONFIG: exports hold no Resource Manager state to check it against; remove it to replay logs",
    );
  if (problems.length > 0) throw new LogsWorldError(problems);
  return {
    name: o.name ?? "logs",
    description: `exports in ${summary.dir}`,
    start,
    end,
    tickMinutes,
    workspace: {
      resourceId: o.workspaceResourceId ?? DEFAULT_WORKSPACE_RESOURCE_ID,
      // Tables an export named exist even when they had no rows in range, as in the workspace.
      tables: loaded.store.tables(),
      // Records without an exported ingestion time were given Azure's documented delays by the store.
      ingestion: "azure",
    },
    settings: o.settings ?? {},
    logs: loaded.store,
    // The AzureActivity records are in `logs`, where the monitor's changes query reads them; this
    // list feeds only the old signal-level stand-in, which a logs replay does not use.
    activity: [],
    controlPlane: [],
    probes: [],
    // Raw records, as a v2 scenario holds them.
    format: SCENARIO_FORMAT_V2,
  };
}

/** The exports' first and last TimeGenerated, and when the last of them became visible (epoch ms). */
export function exportSpan(loaded: LoadedLogs): { first: number; last: number; visible: number } | undefined {
  const tables = Object.values(loaded.summary.tables);
  if (tables.length === 0) return undefined;
  const first = Math.min(...tables.map((t) => t.first));
  const last = Math.max(...tables.map((t) => t.last));
  let visible = Math.max(last, loaded.summary.lastIngested ?? last);
  // Records without an exported ingestion time follow the table's delays; ask the store when the last one is visible.
  for (const table of Object.keys(loaded.summary.tables))
    for (const r of loaded.store.records(table, { from: last - DAY, to: Number.POSITIVE_INFINITY }))
      visible = Math.max(visible, r.ingestedAt);
  return { first, last, visible };
}

/** Days of history before `start` in the exports: the baselines want HISTORY_DAYS of it. */
export function historyBefore(loaded: LoadedLogs, start: Date): number {
  const span = exportSpan(loaded);
  return span ? Math.max(0, (start.getTime() - span.first) / DAY) : 0;
}

/**
 * Settings from a JSON file with the keys a scenario's `settings` takes (docs/scenarios.md):
 * the monitor's thresholds, critical identities, MONITOR_CONFIG and so on, as strings the way the
 * Functions host hands them over. Throws LogsWorldError naming each problem's JSON path.
 */
export function parseSettingsFile(text: string, source: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new LogsWorldError([`${source}: not JSON: ${(error as Error).message}`]);
  }
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) throw new LogsWorldError(zodProblems(parsed.error.issues).map((p) => `${source}: ${p}`));
  return settingsOf(parsed.data);
}
