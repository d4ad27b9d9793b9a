import { LogAnalyticsEmulator, type QueryAnswer, type Workspace } from "../emulator/emulator.js";
import { fixedDelays } from "../emulator/ingestion.js";
import { activityRecords, ROUTINE_KEY_READ } from "../emulator/records/activity.js";
import { azkvAuditLog, azureDiagnosticsAudit, kvChallenge } from "../emulator/records/key-vault.js";
import type { RawRecord } from "../emulator/records/raw-record.js";
import { LogStore } from "../emulator/store.js";

export type { QueryAnswer, Workspace };

/** Requests of one caller for one operation and status in one minute, as Key Vault logs them. */
export interface AuditEvent {
  minute: Date;
  vaultResourceId: string;
  callerObjectId: string;
  callerAppId: string;
  callerResourceId: string;
  operation: string;
  status: number;
  count: number;
  /** What denied a 403; RBAC when not given. */
  denial?: "rbac" | "policy" | "firewall";
}

/** Produces the audit events of one minute: a scenario's traffic. */
export interface TrafficModel {
  eventsForMinute(minute: Date): AuditEvent[];
}

/** One control-plane change; Azure logs it as a Start and a Success event in AzureActivity. */
export interface ActivityEvent {
  at: Date;
  operation: string;
  scope: string;
  principalId: string;
  roleDefinitionId: string;
  caller: string;
}

export interface WorkspaceOptions {
  /** Tables that exist; a query on any other fails as a real workspace does. */
  tables: string[];
  traffic: TrafficModel;
  activity?: ActivityEvent[];
  /**
   * Minutes between an event and its visibility to queries. Key Vault resource logs usually take
   * 3-10 minutes end to end; the default keeps the local replay brisk while still lagging.
   */
  ingestionDelayMinutes?: number;
  /** The workspace's clock; the end of each request's timespan when absent. */
  now?: () => Date;
}

const MINUTE = 60_000;
const KV_TABLES = ["AzureDiagnostics", "AZKVAuditLogs"] as const;

/** Key Vault audit records of one simulated event, in a table's shape (the SDK challenge has no caller). */
export function auditRecord(table: (typeof KV_TABLES)[number], e: AuditEvent, at: Date): RawRecord {
  if (e.operation === "Authentication" && e.status === 401) return kvChallenge(at, e.vaultResourceId, table);
  const event = {
    at,
    vaultResourceId: e.vaultResourceId,
    callerObjectId: e.callerObjectId,
    callerAppId: e.callerAppId,
    callerResourceId: e.callerResourceId,
    operation: e.operation,
    status: e.status,
    ...(e.status === 403 ? { denial: e.denial ?? "rbac" } : {}),
  };
  return table === "AZKVAuditLogs" ? azkvAuditLog(event) : azureDiagnosticsAudit(event);
}

/** A traffic model's minutes as raw records of a Key Vault table, made when a query reads them. */
export function trafficSource(table: (typeof KV_TABLES)[number], traffic: TrafficModel) {
  return function* (range: { from: number; to: number }) {
    for (let t = Math.ceil(range.from / MINUTE) * MINUTE; t < range.to; t += MINUTE)
      for (const e of traffic.eventsForMinute(new Date(t)))
        if (e.count > 0)
          yield {
            // Built once per kind of event; every minute's copy differs only in its time.
            key: `${e.vaultResourceId}|${e.callerObjectId}|${e.callerAppId}|${e.callerResourceId}|${e.operation}|${e.status}|${e.denial ?? ""}`,
            at: t,
            record: () => auditRecord(table, e, new Date(t)),
            count: e.count,
          };
  };
}

const ROUTINE_EVERY = ROUTINE_KEY_READ.everyMinutes * MINUTE;
const ROUTINE_SCOPE =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-shared/providers/Microsoft.Storage/storageAccounts/stshared";

function* routineActivity(range: { from: number; to: number }) {
  for (let t = Math.ceil(range.from / ROUTINE_EVERY) * ROUTINE_EVERY; t < range.to; t += ROUTINE_EVERY)
    for (const record of activityRecords({
      at: new Date(t),
      operation: ROUTINE_KEY_READ.operation,
      scope: ROUTINE_SCOPE,
      caller: ROUTINE_KEY_READ.caller,
    }))
      yield { record };
}

/** A store holding a traffic model's Key Vault records and the activity log's Start/Success pairs. */
export function simulatedStore(o: WorkspaceOptions): LogStore {
  // A minute's events are stamped with the minute's start but happen all through it: they are all
  // in once the minute is over, plus the delay.
  const store = new LogStore({ delays: fixedDelays((o.ingestionDelayMinutes ?? 2) + 1) });
  for (const table of o.tables) store.declare(table);
  for (const table of KV_TABLES) if (o.tables.includes(table)) store.addSource(table, trafficSource(table, o.traffic));
  if (o.tables.includes("AzureActivity")) {
    // Routine key reads keep the table present whether or not the story changes anything.
    store.addSource("AzureActivity", routineActivity);
  }
  if (o.tables.includes("AzureActivity"))
    for (const a of o.activity ?? [])
      for (const record of activityRecords({
        at: a.at,
        operation: a.operation,
        scope: a.scope,
        principalId: a.principalId,
        roleDefinitionId: a.roleDefinitionId,
        caller: a.caller,
      }))
        store.add("AzureActivity", record);
  return store;
}

/**
 * A Log Analytics workspace over simulated Key Vault traffic and control-plane changes: the
 * emulator (tools/emulator) running vaultwatch's real KQL over the raw records the traffic makes.
 */
export class SimulatedWorkspace extends LogAnalyticsEmulator {
  constructor(o: WorkspaceOptions) {
    super(simulatedStore(o), { now: o.now });
  }
}

/**
 * Answers with a fixed response body, for tests of the mapping from the exact REST shape. The query
 * still runs on the emulator over empty tables, so it must be valid KQL over them; the table
 * detection query (whose answer has a SourceTable column) is answered for real.
 */
export class FixtureWorkspace implements Workspace {
  readonly #emulator: LogAnalyticsEmulator;
  readonly #store: LogStore;

  constructor(
    readonly tables: string[],
    public body: unknown,
  ) {
    this.#store = new LogStore();
    for (const t of tables) this.#store.declare(t);
    // The same stand-in answers for a classic Application Insights resource, whose tables these are.
    for (const t of CLASSIC_TABLES) this.#store.declare(t);
    this.#emulator = new LogAnalyticsEmulator(this.#store);
  }

  answer(query: string, timespan: string | undefined): QueryAnswer {
    const real = this.#emulator.answer(query, timespan ?? "2000-01-01T00:00:00Z/2000-01-02T00:00:00Z");
    if (real.status !== 200) return real;
    const columns = (real.body as { tables: { columns: { name: string }[] }[] }).tables[0]?.columns ?? [];
    if (columns.some((c) => c.name === "SourceTable")) return tablesAnswer(this.tables);
    return { status: 200, body: JSON.parse(JSON.stringify(this.body)) as unknown };
  }
}

const CLASSIC_TABLES = ["dependencies", "traces", "requests", "exceptions"];

/** The table-detection answer: each table with some events. */
function tablesAnswer(tables: string[]): QueryAnswer {
  return {
    status: 200,
    body: {
      tables: [
        {
          name: "PrimaryResult",
          columns: [
            { name: "SourceTable", type: "string" },
            { name: "Events", type: "long" },
          ],
          rows: tables.map((t) => [t, 1]),
        },
      ],
    },
  };
}
