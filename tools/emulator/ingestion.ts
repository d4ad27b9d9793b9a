import { fnv1a, mix32, mixNumbers } from "./records/hash.js";

/**
 * When a record becomes queryable: its TimeGenerated plus an ingestion delay. A real workspace
 * answers a query at `now` without the records still on their way, so the emulator must too.
 */
export interface IngestionDelays {
  /** Milliseconds from TimeGenerated to ingestion for the `seq`-th record of `table` at `timeGenerated` (ms). */
  delayMs(table: string, timeGenerated: number, seq: number): number;
}

/**
 * A delay profile in minutes: the body runs from `min` to `max`, skewed towards `min`; a few
 * records (`stragglerShare`) arrive late, between `max` and `stragglerMax`.
 *
 * The body is `min + (max - min) · u^skew` for u uniform in [0, 1): with skew 3 half the records
 * arrive in the first eighth of the range (0.5³ = 0.125), three quarters in the first 42 %, and
 * the last few percent spread up to `max`, the "most near the low end, a tail to the high end"
 * shape the documented figures describe. The documents give ranges, not distributions: this is a
 * choice, not a measurement.
 */
interface Profile {
  min: number;
  max: number;
  skew: number;
  stragglerShare: number;
  stragglerMax: number;
}

/**
 * Resource logs (AzureDiagnostics, AZKVAuditLogs, FunctionAppLogs): "usually available within 3
 * to 10 minutes end-to-end" (MicrosoftDocs/azure-monitor-docs articles/azure-monitor/logs/data-ingestion-time.md,
 * "Azure metrics, resource logs, activity log"). One record in 200 is a straggler of up to 30 minutes.
 */
const RESOURCE_LOGS: Profile = { min: 3, max: 10, skew: 3, stragglerShare: 0.005, stragglerMax: 30 };

/** Activity log: "available for analysis and alerting in 3 to 20 minutes" (same section). */
const ACTIVITY_LOG: Profile = { min: 3, max: 20, skew: 3, stragglerShare: 0.005, stragglerMax: 45 };

/**
 * Application Insights: "Most Application Insights data has a latency of under 5 minutes"
 * (Application Insights FAQ, "How long does it take for telemetry to be collected?"); the SDKs
 * batch for up to ~30 s before sending, hence a floor of half a minute.
 */
const APP_INSIGHTS: Profile = { min: 0.5, max: 5, skew: 3, stragglerShare: 0.005, stragglerMax: 15 };

/** Which profile a table follows. Operation (the workspace's own events) has no documented figure: resource logs'. */
function profileOf(table: string): Profile {
  if (table === "AzureActivity") return ACTIVITY_LOG;
  if (/^App[A-Z]/.test(table) || ["dependencies", "traces", "requests", "exceptions"].includes(table))
    return APP_INSIGHTS;
  return RESOURCE_LOGS;
}

const tableSeeds = new Map<string, number>();

function seedOf(table: string): number {
  let seed = tableSeeds.get(table);
  if (seed === undefined) tableSeeds.set(table, (seed = fnv1a(table)));
  return seed;
}

/** Three independent uniforms in [0, 1) from (table, timeGenerated, seq): the body draw, the straggler coin, its size. */
function draws(table: string, timeGenerated: number, seq: number): [number, number, number] {
  const h = mixNumbers(seedOf(table), timeGenerated, seq);
  const u = (salt: number) => mix32(h ^ salt) / 0x1_0000_0000;
  return [u(0x68e31da4), u(0xb5297a4d), u(0x1b56c4e9)];
}

function delayFrom(p: Profile, [body, coin, tail]: [number, number, number]): number {
  const minutes =
    coin < p.stragglerShare ? p.max + (p.stragglerMax - p.max) * tail ** 2 : p.min + (p.max - p.min) * body ** p.skew;
  return Math.round(minutes * 60_000);
}

/** Azure's documented delays, per table, as the profiles above describe; deterministic in (table, timeGenerated, seq). */
export const AZURE_DELAYS: IngestionDelays = {
  delayMs: (table, timeGenerated, seq) => delayFrom(profileOf(table), draws(table, timeGenerated, seq)),
};

/** The same delay for every record: for tests that want ingestion out of the way (0) or exactly at a boundary. */
export function fixedDelays(minutes: number): IngestionDelays {
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new RangeError(`an ingestion delay must be 0 or more minutes, got ${minutes}`);
  const ms = Math.round(minutes * 60_000);
  return { delayMs: () => ms };
}
