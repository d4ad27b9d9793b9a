import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from "@azure/monitor-query-logs";
import { isRestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import type { KvRequestBin, SignalOutcome } from "../core/model.js";
import { KV_REQUESTS_COLUMNS, renderKvRequests, type KeyVaultAuditTable } from "../queries/kv-requests.kql.js";
import type { KvRequestSource } from "../app/ports.js";

export interface KvRequestSourceOptions {
  client: LogsQueryClient;
  workspaceId: string;
  table: KeyVaultAuditTable;
  binMinutes: number;
  /** How far back each tick reads: the evaluation window or the recovery confirmation, plus a bin. */
  lookbackMinutes: number;
  /** Sent as `Prefer: wait=N`: how long the service may run the query. */
  serverTimeoutSeconds: number;
  /** Bounds the whole exchange, the client's own retries included. */
  clientTimeoutMs: number;
}

const count = z.number().int().nonnegative();
const Row = z.object({
  BinStart: z.date(),
  VaultResourceId: z.string().min(1, "VaultResourceId is empty"),
  CallerObjectId: z.string(),
  CallerAppId: z.string(),
  CallerResourceId: z.string(),
  Total: count,
  Succeeded: count,
  Unauthorized: count,
  Forbidden: count,
  Throttled: count,
  Other: count,
  Operations: z.array(z.string()),
});

/** Runs the kv-requests query through `LogsQueryClient` and maps rows into the signal model. */
export function createKvRequestSource(o: KvRequestSourceOptions): KvRequestSource {
  const query = renderKvRequests({ table: o.table, binMinutes: o.binMinutes });
  return {
    async fetch(now) {
      const timespan = { startTime: new Date(now.getTime() - o.lookbackMinutes * 60_000), endTime: now };
      try {
        const result = await withDeadline(
          o.client.queryWorkspace(o.workspaceId, query, timespan, {
            serverTimeoutInSeconds: o.serverTimeoutSeconds,
            // monitor-query-logs 1.0.0 drops `abortSignal` when it converts options (only
            // `requestOptions` survives), so the per-attempt timeout goes there, and the race
            // below bounds the exchange as a whole.
            requestOptions: { timeout: o.clientTimeoutMs },
          }),
          o.clientTimeoutMs,
        );
        if (result.status === LogsQueryResultStatus.Success) {
          return fromTables(result.tables, undefined);
        }
        const why = `${result.partialError.code}: ${result.partialError.message}`;
        return fromTables(result.partialTables, `the workspace returned a partial result (${why})`);
      } catch (error) {
        return { status: "failed", problem: describeQueryError(error) };
      }
    },
  };
}

/** Maps the primary table into bins; malformed rows are counted and reported, never zeroed. */
export function fromTables(tables: LogsTable[], partialProblem: string | undefined): SignalOutcome {
  const table = tables[0];
  if (!table) {
    return partialProblem ? { status: "partial", rows: [], problem: partialProblem } : { status: "failed", problem: "the query returned no table" };
  }
  const names = table.columnDescriptors.map((c) => c.name ?? "");
  const missing = KV_REQUESTS_COLUMNS.map(([n]) => n).filter((n) => !names.includes(n));
  if (missing.length > 0) {
    return { status: "failed", problem: `the query result lacks column(s) ${missing.join(", ")}` };
  }
  const rows: KvRequestBin[] = [];
  let bad = 0;
  let firstBad = "";
  table.rows.forEach((raw, index) => {
    const record = Object.fromEntries(names.map((n, i) => [n, raw[i]]));
    const parsed = Row.safeParse(record);
    if (!parsed.success) {
      bad++;
      if (!firstBad) {
        const issue = parsed.error.issues[0];
        firstBad = `row ${index}: ${issue?.path.join(".") || "row"} ${issue?.message ?? "is malformed"}`;
      }
      return;
    }
    const r = parsed.data;
    rows.push({
      binStart: r.BinStart,
      vaultResourceId: r.VaultResourceId,
      callerObjectId: r.CallerObjectId,
      callerAppId: r.CallerAppId,
      callerResourceId: r.CallerResourceId,
      total: r.Total,
      succeeded: r.Succeeded,
      unauthorized: r.Unauthorized,
      forbidden: r.Forbidden,
      throttled: r.Throttled,
      other: r.Other,
      operations: r.Operations,
    });
  });
  const problems = [partialProblem, bad > 0 ? `${bad} of ${table.rows.length} rows were malformed (first: ${firstBad})` : undefined].filter(
    (p): p is string => p !== undefined,
  );
  return problems.length === 0 ? { status: "complete", rows } : { status: "partial", rows, problem: problems.join("; ") };
}

/** Rejects with a TimeoutError when `promise` has not settled within `ms`. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: "TimeoutError" })), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The innermost error message Log Analytics gave: the outer one is usually generic. */
function innermost(details: unknown): string | undefined {
  let e = (details as { error?: { message?: string; innererror?: unknown } } | undefined)?.error;
  let message: string | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    message = e.message ?? message;
    e = e.innererror as typeof e;
  }
  return message;
}

/** One line an operator can act on; no token or secret ever appears in SDK error text. */
export function describeQueryError(error: unknown): string {
  if (isRestError(error)) {
    const status = error.statusCode ?? "no status";
    const hint =
      error.statusCode === 403
        ? " (the monitor's identity needs Log Analytics Reader on the workspace)"
        : error.statusCode === 429
          ? " (the query API allows 200 requests per 30 s per identity)"
          : "";
    const detail = innermost(error.details);
    const message = detail && detail !== error.message ? `${error.message}: ${detail}` : error.message;
    return `Log Analytics answered ${status}${error.code ? ` ${error.code}` : ""}: ${message}${hint}`;
  }
  if (error instanceof Error) {
    if (error.name === "AbortError" || error.name === "TimeoutError") return `the Log Analytics query timed out (${error.message})`;
    if (error.name === "CredentialUnavailableError" || error.name === "AuthenticationError" || error.name === "AggregateAuthenticationError") {
      return `the monitor could not get a token for Log Analytics: ${error.message.split("\n")[0]}`;
    }
    return `${error.name}: ${error.message.split("\n")[0]}`;
  }
  return String(error);
}
