import { LEG_COLUMNS } from "../../src/core/queries/signals/leg.js";
import { SIGNALS_MARKER, TABLES_MARKER } from "../../src/core/queries/signals-query.js";
import { SCENARIO_BIN_MINUTES } from "../scenario/format.js";
import type { BinRows, ScenarioWorld } from "../scenario/load.js";
import type { SignalRow } from "../../src/core/signals/signal-set.js";
import { WINDOW_MINUTES } from "../../src/core/slo/windows.js";
import {
  badRequest,
  changesRows,
  coverageRow,
  dataRow,
  parseWindow,
  periodsIn,
  tablesAnswer,
  type QueryAnswer,
  type Window,
  type Workspace,
} from "./workspace.js";
import { deniedOf } from "../../src/core/signals/request-counts.js";

const MINUTE = 60_000;
const BIN = SCENARIO_BIN_MINUTES * MINUTE;
const HOUR = 60 * MINUTE;
const KV_TABLES = new Set(["AzureDiagnostics", "AZKVAuditLogs"]);
/** The alerting windows of the slo-windows leg (queries/signals/slo.ts), in minutes. */
const SLO_SPANS = Object.entries(WINDOW_MINUTES);

type KvRow = SignalRow<"kv-requests">;

/**
 * A Log Analytics workspace that answers vaultwatch's own signals query from a scenario's rows.
 * Like the simulated workspace it reads the window from the query's `let` lines and the legs from
 * their `// leg:` markers. Rows are per 5-minute bin, so a bin is all-or-nothing: it becomes
 * visible `ingestionDelayMinutes` after it ends, and a window takes every bin that overlaps it.
 * The baseline history, SLO windows and periods are summed from the Key Vault rows, as their legs
 * sum the same events in Kusto.
 */
export class ScenarioWorkspace implements Workspace {
  readonly #world: ScenarioWorld;
  readonly #tables: Set<string>;
  readonly #delay: number;

  constructor(world: ScenarioWorld) {
    this.#world = world;
    this.#tables = new Set(world.workspace.tables);
    this.#delay = world.workspace.ingestionDelayMinutes;
  }

  answer(query: string, timespan: string | undefined): QueryAnswer {
    if (!timespan) return badRequest("BadArgumentError", "the request has no timespan");
    if (query.startsWith(TABLES_MARKER)) return tablesAnswer([...this.#tables]);
    if (!query.startsWith(SIGNALS_MARKER))
      return badRequest("SemanticError", "the scenario workspace answers only vaultwatch's own queries");
    const w = parseWindow(query);
    if (!w)
      return badRequest(
        "SyntaxError",
        "the query does not declare windowStart/windowEnd/priorStart/changesStart/historyStart",
      );
    const rows: unknown[][] = [];
    for (const [, signal, table, kind] of query.matchAll(/^\/\/ leg: (\S+) (\S+) (data|coverage)$/gm)) {
      if (!this.#tables.has(table!))
        return badRequest("SemanticError", `'${table}' could not be resolved: the workspace has no table of that name`);
      const k = kind as "data" | "coverage";
      if (signal === "changes") rows.push(...changesRows(this.#world.activity, k, w, this.#delay));
      else if (signal === "kv-requests")
        rows.push(...this.#perBin("kv-requests", table!, k, w, (r) => (r.dims as { source: string }).source === table));
      else if (signal === "dependency-calls" || signal === "credential-traces" || signal === "host-startup")
        rows.push(...this.#perBin(signal, table!, k, w, () => true));
      else if (signal === "kv-history" && KV_TABLES.has(table!)) rows.push(...this.#history(table!, k, w));
      else if ((signal === "slo-windows" || signal === "slo-period") && KV_TABLES.has(table!))
        rows.push(...this.#kvSlo(signal, table!, k, w, periodsIn(query)));
      else if (signal === "slo-windows" || signal === "slo-period")
        rows.push(...this.#dependencySlo(signal, table!, k, w, periodsIn(query)));
      // Invocations are not part of scenario format v1: the table answers, with no rows.
      else if (signal === "invocations") rows.push(...(k === "coverage" ? [coverageRow(signal, table!, 0, w)] : []));
      else return badRequest("SemanticError", `the scenario workspace has no rows for ${signal} in ${table}`);
    }
    return {
      status: 200,
      body: { tables: [{ name: "PrimaryResult", columns: LEG_COLUMNS.map(([name, type]) => ({ name, type })), rows }] },
    };
  }

  /** Bins that overlap [from, windowEnd) and are already visible at windowEnd. */
  *#bins(from: number, w: Window): Generator<[number, BinRows]> {
    const visibleUntil = w.windowEnd - this.#delay * MINUTE;
    const starts = this.#world.binStarts;
    for (let i = lowerBound(starts, from - BIN + 1); i < starts.length; i++) {
      const t = starts[i]!;
      if (t >= w.windowEnd || t + BIN > visibleUntil) break;
      yield [t, this.#world.bins.get(t)!];
    }
  }

  #perBin<S extends keyof BinRows>(
    signal: S,
    table: string,
    kind: "data" | "coverage",
    w: Window,
    keep: (r: BinRows[S][number]) => boolean,
  ): unknown[][] {
    const out: unknown[][] = [];
    let events = 0;
    for (const [t, bin] of this.#bins(w.windowStart, w)) {
      for (const r of bin[signal] as BinRows[S][number][]) {
        if (!keep(r)) continue;
        const counts = r.counts as Record<string, number>;
        events += counts.total ?? counts.events ?? 0;
        const row = dataRow(signal, t, r.dims as Record<string, unknown>, counts);
        if ("sample" in r) row[5] = r.sample;
        out.push(row);
      }
    }
    return kind === "coverage" ? [coverageRow(signal, table, events, w)] : out;
  }

  /** Hourly denials, throttles and requests per caller and vault, summed from the 5-minute rows. */
  #history(table: string, kind: "data" | "coverage", w: Window): unknown[][] {
    const groups = new Map<
      string,
      { hour: number; dims: Record<string, string>; counts: { denied: number; throttled: number; total: number } }
    >();
    let events = 0;
    for (const [t, bin] of this.#bins(w.historyStart, w)) {
      for (const r of bin["kv-requests"]) {
        if (r.dims.source !== table) continue;
        events += r.counts.total;
        const hour = Math.floor(t / HOUR) * HOUR;
        const { operation: _, ...dims } = r.dims;
        const key = `${hour}|${JSON.stringify(dims)}`;
        const g = groups.get(key) ?? { hour, dims, counts: { denied: 0, throttled: 0, total: 0 } };
        groups.set(key, g);
        g.counts.total += r.counts.total;
        g.counts.denied += denied(r);
        g.counts.throttled += r.counts.throttled;
      }
    }
    if (kind === "coverage") return [coverageRow("kv-history", table, events, w)];
    return [...groups.values()].map((g) => dataRow("kv-history", g.hour, g.dims, g.counts));
  }

  /** Bad (401, 403, 429) and total requests per identity and vault over each span ending at the window's end. */
  #kvSlo(
    signal: "slo-windows" | "slo-period",
    table: string,
    kind: "data" | "coverage",
    w: Window,
    periods: number[],
  ): unknown[][] {
    return this.#slo(signal, table, kind, w, periods, (bin) =>
      bin["kv-requests"]
        .filter((r) => r.dims.source === table)
        .map((r) => {
          const { operation: _, ...dims } = r.dims;
          return {
            dims: { subject: "identity-vault", ...dims },
            bad: denied(r) + r.counts.throttled,
            total: r.counts.total,
          };
        }),
    );
  }

  /** Failed and total calls per app and target, for app→dependency SLOs. */
  #dependencySlo(
    signal: "slo-windows" | "slo-period",
    table: string,
    kind: "data" | "coverage",
    w: Window,
    periods: number[],
  ): unknown[][] {
    return this.#slo(signal, table, kind, w, periods, (bin) =>
      bin["dependency-calls"].map((r) => ({
        dims: {
          subject: "app-dependency",
          appRoleName: r.dims.appRoleName,
          targetKind: r.dims.targetKind,
          target: r.dims.target,
        },
        bad: r.counts.total - r.counts.succeeded,
        total: r.counts.total,
      })),
    );
  }

  #slo(
    signal: "slo-windows" | "slo-period",
    table: string,
    kind: "data" | "coverage",
    w: Window,
    periods: number[],
    take: (bin: BinRows) => { dims: Record<string, string>; bad: number; total: number }[],
  ): unknown[][] {
    const spans = signal === "slo-windows" ? SLO_SPANS : periods.map((d): [string, number] => [`${d}d`, d * 1440]);
    const longest = Math.max(0, ...spans.map(([, m]) => m));
    const groups = new Map<string, { dims: Record<string, string>; counts: Record<string, number> }>();
    let events = 0;
    for (const [t, bin] of this.#bins(w.windowEnd - longest * MINUTE, w)) {
      const ageMinutes = (w.windowEnd - t) / MINUTE;
      for (const r of take(bin)) {
        events += r.total;
        const key = JSON.stringify(r.dims);
        let g = groups.get(key);
        if (!g) {
          g = {
            dims: r.dims,
            counts: Object.fromEntries(
              spans.flatMap(([n]) => [
                [`bad${n}`, 0],
                [`total${n}`, 0],
              ]),
            ),
          };
          groups.set(key, g);
        }
        for (const [n, minutes] of spans) {
          if (ageMinutes > minutes) continue;
          g.counts[`total${n}`]! += r.total;
          g.counts[`bad${n}`]! += r.bad;
        }
      }
    }
    if (kind === "coverage") return [coverageRow(signal, table, events, w)];
    return [...groups.values()].map((g) => dataRow(signal, w.windowEnd, g.dims, g.counts));
  }
}

function denied(r: KvRow): number {
  return deniedOf(r.counts);
}

/** First index whose value is >= x in a sorted array. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
