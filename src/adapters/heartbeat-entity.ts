import type { TableEntityResult } from "@azure/data-tables";
import { z } from "zod";
import type { Heartbeat } from "../core/model/index.js";
import { orAbsent, safeJson } from "./json.js";
import { QUERY_FAILURE_REASONS } from "../core/signals/query-failure.js";
import { SIGNAL_ROWS, type WorkspaceMemo } from "../core/signals/signal-set.js";
import { optionalIsoDate, Severity } from "./incident-row-schema.js";

/** The monitor's heartbeat as one Tables row (`monitor`/`heartbeat`), nested parts as JSON. */

const HeartbeatEntity = z.object({
  tickAt: z.date(),
  signalStatus: z.enum(["complete", "partial", "failed"]),
  problem: z.string().optional(),
  seriesObserved: z.number(),
  openIncidents: z.number(),
  undelivered: z.number(),
  incidentFailures: z.number().optional(),
  incidentFailure: z.string().optional(),
  signals: z.string().default("{}"),
  slos: z.string().default("[]"),
  requests: z.number().default(0),
  controlPlane: z.string().default("null"),
  memo: z.string().default("{}"),
  ingestion: z.string().default("null"),
  silentVaults: z.string().default("null"),
});

const ControlPlaneJson = z
  .object({
    checkedAt: optionalIsoDate,
    problem: orAbsent(z.string()),
    findings: z.array(
      z.object({
        kind: z.string(),
        summary: z.string(),
        severity: Severity,
        hypothesis: orAbsent(z.string()),
        vaultResourceId: orAbsent(z.string()),
      }),
    ),
    monitorProblems: z.array(z.string()),
    vaults: z.array(
      z.object({
        vaultResourceId: z.string(),
        config: z.string(),
        coverage: z.string(),
        permissionModel: orAbsent(z.string()),
      }),
    ),
    armRequests: z.number(),
    probesFailed: z.number(),
  })
  .nullable()
  .transform((v) => v ?? undefined);

const SlosJson = z.array(
  z.object({
    name: z.string(),
    kind: z.enum(["identity-vault", "app-dependency"]),
    status: z.enum(["firing", "burning-within-budget", "no-data", "no-signal"]),
    firing: orAbsent(z.string()),
    budgetRemaining: orAbsent(z.number()),
    hoursToExhaustion: orAbsent(z.number()),
  }),
);

const SilentVaultsJson = z
  .array(
    z.object({
      vaultResourceId: z.string(),
      lastAt: z.coerce.date(),
      summary: z.string(),
      cause: orAbsent(z.string()),
    }),
  )
  .nullable()
  .transform((v) => v ?? undefined);

const SignalsJson = z.record(
  z.string(),
  z.object({
    status: z.enum(["ok", "no-data", "unavailable", "degraded", "failed"]),
    problem: orAbsent(z.string()),
    // Rows written before the reason was recorded have none.
    reason: orAbsent(z.enum(QUERY_FAILURE_REASONS)),
    gaps: orAbsent(z.array(z.string())),
  }),
);

export function heartbeatToEntity(h: Heartbeat) {
  return {
    partitionKey: "monitor",
    rowKey: "heartbeat",
    ...h,
    problem: h.problem ?? "",
    signals: JSON.stringify(h.signals),
    slos: JSON.stringify(h.slos),
    controlPlane: JSON.stringify(h.controlPlane ?? null),
    memo: memoToJson(h.memo),
    ingestion: JSON.stringify(h.ingestion ?? null),
    silentVaults: JSON.stringify(h.silentVaults ?? null),
  };
}

/**
 * A string property holds at most 32K characters (learn.microsoft.com/rest/api/storageservices/
 * understanding-the-table-service-data-model): period sums that would not fit are left out and
 * simply read again on the next tick.
 */
const MEMO_MAX_CHARS = 30_000;

function memoToJson(memo: WorkspaceMemo | undefined): string {
  if (!memo) return "{}";
  const whole = JSON.stringify(memo);
  return whole.length <= MEMO_MAX_CHARS ? whole : JSON.stringify({ tables: memo.tables, ingestion: memo.ingestion });
}

/** The data horizon as the heartbeat reports it (core/model/heartbeat.ts, IngestionHealth). */
const IngestionJson = z
  .object({
    horizon: z.string(),
    delayMinutes: z.number(),
    tables: z.array(
      z.object({
        table: z.string(),
        events: z.number(),
        horizon: z.string(),
        delayP95Minutes: z.number().nullable(),
        newestEvent: z.string().nullable(),
        newestIngested: z.string().nullable(),
      }),
    ),
    stopped: z.string().nullable(),
  })
  .nullable()
  .transform((v) => v ?? undefined);

const MemoJson = z.object({
  tables: z.object({ at: z.coerce.date(), names: z.array(z.string()) }).optional(),
  // The Key Vault delay the next tick's windows end by (core/signals/ingestion.ts).
  ingestion: z.object({ at: z.coerce.date(), delayMs: z.number().nonnegative() }).optional(),
  period: z
    .object({
      at: z.coerce.date(),
      result: z.object({
        status: z.enum(["ok", "no-data", "unavailable", "degraded", "failed"]),
        rows: z.array(z.looseObject({ binStart: z.coerce.date() }).pipe(SIGNAL_ROWS["slo-period"])),
        problem: orAbsent(z.string()),
        malformedRows: z.number(),
        coverage: z.record(z.string(), z.number()),
      }),
    })
    .optional(),
});

/** A memo that does not parse is no memo: the next tick lists the tables and reads the sums again. */
function memoFromJson(text: string): WorkspaceMemo | undefined {
  const parsed = MemoJson.safeParse(safeJson(text));
  if (!parsed.success || (!parsed.data.tables && !parsed.data.period && !parsed.data.ingestion)) return undefined;
  return parsed.data;
}

/** Undefined when the row does not parse; a nested part that does not parse reads as empty. */
export function heartbeatFromEntity(e: TableEntityResult<Record<string, unknown>>): Heartbeat | undefined {
  const parsed = HeartbeatEntity.safeParse(e);
  if (!parsed.success) return undefined;
  const signals = SignalsJson.safeParse(safeJson(parsed.data.signals));
  const slos = SlosJson.safeParse(safeJson(parsed.data.slos));
  const controlPlane = ControlPlaneJson.safeParse(safeJson(parsed.data.controlPlane));
  const ingestion = IngestionJson.safeParse(safeJson(parsed.data.ingestion));
  const silentVaults = SilentVaultsJson.safeParse(safeJson(parsed.data.silentVaults));
  return {
    ...parsed.data,
    problem: parsed.data.problem || undefined,
    signals: signals.success ? signals.data : {},
    slos: slos.success ? slos.data : [],
    controlPlane: controlPlane.success ? controlPlane.data : undefined,
    memo: memoFromJson(parsed.data.memo),
    ingestion: ingestion.success ? ingestion.data : undefined,
    silentVaults: silentVaults.success ? silentVaults.data : undefined,
  };
}
