import { EMPTY_SPEC } from "../../src/core/spec/monitor-spec.js";
import { learnBaseline, type Baseline } from "../../src/core/baselines/index.js";
import { seriesId } from "../../src/core/evaluate.js";
import type { Incident, KvRequestBin, Policy, SeriesKey } from "../../src/core/model/index.js";
import { DEFAULT_LIFECYCLE, DEFAULT_NOTIFY } from "../../src/core/model/notify-policy.js";
import { emptyCounts } from "../../src/core/signals/request-counts.js";
import { decideTick, type TickInput } from "../../src/core/tick.js";
import { BIN_MINUTES } from "../../src/core/signals/bin.js";

/**
 * One size of the tick-cost benchmark, in a process of its own so that its peak RSS is its own:
 * `node dist/tools/bench/tick-cost-child.js <series> [evaluations]` builds a synthetic tick for that many
 * caller×vault series and evaluates it with the pure core, `decideTick`, printing one JSON line.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = new Date("2026-03-16T12:00:00Z");
/** Callers per vault: a shared vault serves a handful of apps. */
const CALLERS_PER_VAULT = 10;
/** Requests per series per 5-minute bin. */
const CALLS = 40;

/** The monitor's defaults (config/settings.ts): 15-minute window, 5 failures and 5 %, 15 minutes to resolve. */
const POLICY: Policy = {
  lifecycle: DEFAULT_LIFECYCLE,
  notify: { ...DEFAULT_NOTIFY, channels: ["teams"] },
  binMinutes: BIN_MINUTES,
  windowMinutes: 15,
  minFailures: 5,
  minFailurePercent: 5,
  resolveAfterMinutes: 15,
  criticalIdentities: [],
  spec: EMPTY_SPEC,
};

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

function keyOf(i: number): SeriesKey {
  const vault = Math.floor(i / CALLERS_PER_VAULT);
  return {
    vaultResourceId: `/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-bench/providers/microsoft.keyvault/vaults/kv-bench-${hex(vault, 5)}`,
    callerObjectId: `00000000-0000-0000-0000-${hex(i, 12)}`,
    callerAppId: `11111111-0000-0000-0000-${hex(i, 12)}`,
    callerResourceId: `/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-bench/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-bench-${hex(i, 6)}`,
    auditTable: "AzureDiagnostics",
  };
}

/**
 * What series i does: one in 50 is losing access (403s), one in 50 is throttled, one in 50 is
 * recovering from an open incident, the rest are healthy. Enough of each path that every branch of
 * the core runs, in proportions that keep the tick mostly quiet, as a real estate is.
 */
type Shape = "healthy" | "denied" | "throttled" | "recovering";
const shapeOf = (i: number): Shape => (["denied", "throttled", "recovering"] as const)[i % 50] ?? "healthy";

function bin(key: SeriesKey, at: Date, shape: Shape, before: boolean): KvRequestBin {
  const failing = shape === "denied" || shape === "throttled" || (shape === "recovering" && before);
  const forbidden = failing && shape !== "throttled" ? 30 : 0;
  const throttled = failing && shape === "throttled" ? 25 : 0;
  return {
    binStart: at,
    ...key,
    counts: {
      ...emptyCounts(),
      total: CALLS,
      succeeded: CALLS - forbidden - throttled,
      forbiddenRbac: forbidden,
      throttled,
    },
    operations: ["SecretGet"],
  };
}

/** The rows the signals query returns at `now`: the lookback's four visible bins per series. */
function rowsAt(n: number, now: Date, before: boolean): KvRequestBin[] {
  const rows: KvRequestBin[] = [];
  for (let i = 0; i < n; i++) {
    const key = keyOf(i);
    for (const m of [25, 20, 15, 10]) rows.push(bin(key, new Date(now.getTime() - m * MINUTE), shapeOf(i), before));
  }
  return rows;
}

/** A warm 14-day hourly baseline; each series gets its own copy, as the store loads one per key. */
function templateBaseline(): Baseline {
  const points = Array.from({ length: 14 * 24 }, (_, h) => ({
    at: new Date(NOW.getTime() - (14 * 24 - h) * HOUR),
    failures: h % 9 === 0 ? 1 : 0,
    total: 480,
  }));
  return learnBaseline("template", points, [], NOW);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2]);
  const evaluations = Number(process.argv[3] ?? 5);
  if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(evaluations) || evaluations <= 0)
    throw new Error("usage: tick-cost-child <series> [evaluations]");
  const rssAtStart = process.memoryUsage().rss;

  // Open incidents as the core itself opens them: one tick ten minutes earlier, from failing rows.
  const earlier = new Date(NOW.getTime() - 10 * MINUTE);
  const incidents: Incident[] = decideTick({
    now: earlier,
    signal: { status: "complete", rows: rowsAt(n, earlier, true) },
    incidents: [],
    policy: POLICY,
  }).changed;

  const template = templateBaseline();
  const baselines = new Map<string, Baseline>();
  for (let i = 0; i < n; i++) {
    const id = seriesId(keyOf(i));
    for (const rule of ["kv-auth-denied", "kv-throttled"])
      baselines.set(`${rule}|${id}`, { ...structuredClone(template), seriesKey: `${rule}|${id}` });
  }

  const input: TickInput = {
    now: NOW,
    signal: { status: "complete", rows: rowsAt(n, NOW, false) },
    incidents,
    policy: POLICY,
    baselines,
    evidence: {
      dependencyCalls: [],
      credentialTraces: [],
      hostStartup: [],
      changes: [],
      status: { "dependency-calls": "ok", "credential-traces": "ok", "host-startup": "ok", changes: "ok" },
      problems: {},
      controlPlane: undefined,
    },
    silences: [],
  };
  // The parent starts this process with --expose-gc, so the inputs are measured without garbage.
  globalThis.gc?.();
  const inputHeap = process.memoryUsage().heapUsed;

  // One evaluation to warm the JIT, not counted.
  let changed = decideTick(input).changed.length;
  let peakHeap = process.memoryUsage().heapUsed;
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  for (let k = 0; k < evaluations; k++) {
    changed = decideTick(input).changed.length;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const used = process.cpuUsage(cpu);
  const wallMs = Number(process.hrtime.bigint() - wall) / 1e6;
  const r = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({
      series: n,
      evaluations,
      openIncidents: incidents.length,
      changedPerEvaluation: changed,
      cpuMsPerEvaluation: (used.user + used.system) / 1000 / evaluations,
      wallMsPerEvaluation: wallMs / evaluations,
      // resourceUsage().maxRSS is in kilobytes.
      peakRssBytes: r.maxRSS * 1024,
      rssAtStartBytes: rssAtStart,
      inputHeapBytes: inputHeap,
      peakHeapBytes: peakHeap,
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`tick-cost-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
