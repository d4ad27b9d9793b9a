import type { LogStore } from "../emulator/store.js";
import { signalRowsByBin } from "../scenario/signal-rows.js";
import type { SignalRow } from "../../src/core/signals/signal-set.js";

/**
 * A scenario's kv-requests rows by bin start (epoch ms), as the monitor's query returns them once
 * every record is ingested. Running the query is the costly part (the evaluator over the whole
 * store), and the bench asks for the same world's rows twice (identity aliases and the timeline):
 * each store is queried once.
 */
export function kvRowsByBin(logs: LogStore): ReadonlyMap<number, readonly SignalRow<"kv-requests">[]> {
  let rows = CACHE.get(logs);
  if (!rows) {
    rows = signalRowsByBin(logs, "kv-requests");
    CACHE.set(logs, rows);
  }
  return rows;
}

// Keyed weakly, so a world the bench is done with takes its rows with it.
const CACHE = new WeakMap<LogStore, Map<number, SignalRow<"kv-requests">[]>>();
