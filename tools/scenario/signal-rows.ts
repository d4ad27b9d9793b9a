import { BIN_MINUTES } from "../../src/core/signals/bin.js";
import { kqlDatetime, kqlMinutes } from "../../src/core/queries/kql.js";
import { credentialTracesLeg, dependencyCallsLeg } from "../../src/core/queries/signals/app-insights.js";
import { hostStartupLeg } from "../../src/core/queries/signals/host-startup.js";
import { kvRequestsLeg } from "../../src/core/queries/signals/kv-requests.js";
import type { Leg } from "../../src/core/queries/signals/leg.js";
import { mapSignalRows } from "../../src/core/signals/from-rows.js";
import type { SignalRow } from "../../src/core/signals/signal-set.js";
import { evaluate } from "../kusto/engine.js";
import type { LogStore } from "../emulator/store.js";
import { recordSpan } from "./record-span.js";

/** The per-bin signals a scenario's records feed, as v1 wrote them by hand. */
export type BinSignal = "kv-requests" | "dependency-calls" | "credential-traces" | "host-startup";

const LEGS: Record<BinSignal, (tables: ReadonlySet<string>) => Leg[]> = {
  "kv-requests": (tables) =>
    (["AzureDiagnostics", "AZKVAuditLogs"] as const).filter((t) => tables.has(t)).map((t) => kvRequestsLeg(t, BIN)),
  "dependency-calls": (tables) => (tables.has("AppDependencies") ? [dependencyCallsLeg("workspace", BIN)] : []),
  "credential-traces": (tables) => (tables.has("AppTraces") ? [credentialTracesLeg("workspace", BIN)] : []),
  "host-startup": (tables) => (tables.has("FunctionAppLogs") ? [hostStartupLeg(BIN)] : []),
};
const BIN = kqlMinutes(BIN_MINUTES);

/**
 * What the monitor's own query for a signal returns from the store's records with TimeGenerated in
 * [from, to), as seen at `now` (default: `to`; a later `now` sees late records too): the product's
 * KQL legs run by the evaluator, mapped into the signal model the way the monitor maps its answer.
 * For tools that look at a scenario as the monitor would (the bench's timeline, conversion checks).
 */
export function signalRows<S extends BinSignal>(
  logs: LogStore,
  signal: S,
  o: { from: Date; to: Date; now?: Date },
): SignalRow<S>[] {
  const legs = LEGS[signal](new Set(logs.tables()));
  if (legs.length === 0) return [];
  const members = legs.map((l) => `(${l.source}\n${l.aggregate})`);
  const query = [
    `let windowStart = ${kqlDatetime(o.from)};`,
    `let windowEnd = ${kqlDatetime(o.to)};`,
    members.length === 1 ? members[0]! : `union ${members.join(",\n")}`,
  ].join("\n");
  const result = evaluate(query, logs.view(o.now ?? o.to), { now: o.now ?? o.to });
  const types = result.columns.map((c) => c.type);
  // The SDK hands datetimes over as Dates; the evaluator holds them as epoch milliseconds.
  const rows = result.rows.map((r) =>
    r.map((v, i) => (types[i] === "datetime" && typeof v === "number" ? new Date(v) : v)),
  );
  const mapped = mapSignalRows({ columns: result.columns.map((c) => c.name), rows });
  const bad = mapped.malformed[signal];
  // A row the monitor could not read is a bug in the records or the query, not a row to drop quietly.
  if (bad.count > 0) throw new Error(`${bad.count} ${signal} rows do not fit the signal model; ${bad.first}`);
  return mapped.rows[signal] as SignalRow<S>[];
}

/** Far enough ahead that every record is ingested. */
const EVERYTHING = new Date(8.64e15);

/**
 * Every row a signal's query returns from all of the store's records once all are ingested, by
 * bin start (epoch ms): the signal-level view v1 files were written in, for tools that drew or
 * scored from it (the bench's timeline and identity aliases).
 */
export function signalRowsByBin<S extends BinSignal>(logs: LogStore, signal: S): Map<number, SignalRow<S>[]> {
  const span = recordSpan(logs);
  const out = new Map<number, SignalRow<S>[]>();
  if (!span) return out;
  const rows = signalRows(logs, signal, { from: span.from, to: new Date(span.to.getTime() + 1), now: EVERYTHING });
  for (const r of rows) {
    const t = r.binStart.getTime();
    const list = out.get(t);
    if (list) list.push(r);
    else out.set(t, [r]);
  }
  return out;
}
