import { LEG_COLUMNS } from "../../src/core/queries/signals/leg.js";
import { SIGNALS_MARKER, TABLES_MARKER } from "../../src/core/queries/signals-query.js";
import { WINDOW_MINUTES } from "../../src/core/slo/windows.js";

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

/** One AzureActivity record of a control-plane change. */
export interface ActivityEvent {
  at: Date;
  operation: string;
  scope: string;
  principalId: string;
  roleDefinitionId: string;
  caller: string;
}

/** Anything that answers Log Analytics queries for the stand-in. */
export interface Workspace {
  answer(query: string, timespan: string | undefined): QueryAnswer;
}

export type QueryAnswer = { status: number; body: unknown };

export interface WorkspaceOptions {
  /** Tables that have data; a query on any other fails as a real workspace does. */
  tables: string[];
  traffic: TrafficModel;
  activity?: ActivityEvent[];
  /**
   * Minutes between an event and its visibility to queries. Key Vault resource logs usually take
   * 3-10 minutes end to end; the default keeps the local replay brisk while still lagging.
   */
  ingestionDelayMinutes?: number;
}

const MINUTE = 60_000;
const KV_TABLES = new Set(["AzureDiagnostics", "AZKVAuditLogs"]);

/**
 * A Log Analytics workspace that answers vaultwatch's own queries from simulated events. It
 * cannot run arbitrary KQL: it reads the window from the query's `let` lines and the legs from
 * their `// leg:` markers, and aggregates the events the way each leg does, returning the exact
 * REST response shape. It simulates Key Vault audit events and AzureActivity changes.
 */
export class SimulatedWorkspace implements Workspace {
  readonly #tables: Set<string>;
  readonly #traffic: TrafficModel;
  readonly #activity: ActivityEvent[];
  readonly #delay: number;

  constructor(o: WorkspaceOptions) {
    this.#tables = new Set(o.tables);
    this.#traffic = o.traffic;
    this.#activity = o.activity ?? [];
    this.#delay = o.ingestionDelayMinutes ?? 2;
  }

  answer(query: string, timespan: string | undefined): QueryAnswer {
    if (!timespan) return badRequest("BadArgumentError", "the request has no timespan");
    if (query.startsWith(TABLES_MARKER)) return tablesAnswer([...this.#tables]);
    if (!query.startsWith(SIGNALS_MARKER))
      return badRequest("SemanticError", "the simulated workspace answers only vaultwatch's own queries");
    const w = parseWindow(query);
    if (!w)
      return badRequest("SyntaxError", "the query does not declare windowStart/windowEnd/priorStart/changesStart");
    const rows: unknown[][] = [];
    for (const [, signal, table, kind] of query.matchAll(/^\/\/ leg: (\S+) (\S+) (data|coverage)$/gm)) {
      if (!this.#tables.has(table!))
        return badRequest("SemanticError", `'${table}' could not be resolved: the workspace has no table of that name`);
      if (signal === "kv-requests" && KV_TABLES.has(table!))
        rows.push(...this.#kv(table!, kind as "data" | "coverage", w));
      else if (signal === "kv-history" && KV_TABLES.has(table!))
        rows.push(...this.#history(table!, kind as "data" | "coverage", w));
      else if ((signal === "slo-windows" || signal === "slo-period") && KV_TABLES.has(table!))
        rows.push(...this.#slo(signal, table!, kind as "data" | "coverage", w, periodsIn(query)));
      else if (signal === "changes") rows.push(...this.#changes(kind as "data" | "coverage", w));
      else return badRequest("SemanticError", `the simulated workspace has no events for ${signal} in ${table}`);
    }
    return {
      status: 200,
      body: { tables: [{ name: "PrimaryResult", columns: LEG_COLUMNS.map(([name, type]) => ({ name, type })), rows }] },
    };
  }

  #visibleUntil(w: Window): number {
    return w.windowEnd - this.#delay * MINUTE;
  }

  #kv(table: string, kind: "data" | "coverage", w: Window): unknown[][] {
    const groups = new Map<
      string,
      { binStart: number; dims: Record<string, string>; counts: Record<string, number> }
    >();
    let events = 0;
    const until = Math.min(w.windowEnd, this.#visibleUntil(w));
    for (let t = Math.ceil(w.windowStart / MINUTE) * MINUTE; t + MINUTE <= until; t += MINUTE) {
      for (const e of this.#traffic.eventsForMinute(new Date(t))) {
        if (e.operation === "Authentication" && e.status === 401) continue; // the query leaves out the SDK challenge
        events += e.count;
        const binStart = Math.floor(t / (5 * MINUTE)) * 5 * MINUTE;
        const dims = {
          vaultResourceId: e.vaultResourceId.toLowerCase(),
          callerObjectId: e.callerObjectId.toLowerCase(),
          callerAppId: e.callerAppId.toLowerCase(),
          callerResourceId: e.callerResourceId,
          operation: e.operation,
          source: table,
        };
        const key = `${binStart}|${Object.values(dims).join("|")}`;
        let g = groups.get(key);
        if (!g) {
          g = {
            binStart,
            dims,
            counts: {
              total: 0,
              succeeded: 0,
              unauthorized: 0,
              forbiddenRbac: 0,
              forbiddenPolicy: 0,
              forbiddenFirewall: 0,
              forbiddenOther: 0,
              throttled: 0,
              other: 0,
            },
          };
          groups.set(key, g);
        }
        const c = g.counts as Record<string, number>;
        const add = (k: string) => (c[k] = (c[k] ?? 0) + e.count);
        add("total");
        if (e.status >= 200 && e.status <= 299) add("succeeded");
        else if (e.status === 401) add("unauthorized");
        else if (e.status === 403)
          add(
            e.denial === "firewall" ? "forbiddenFirewall" : e.denial === "policy" ? "forbiddenPolicy" : "forbiddenRbac",
          );
        else if (e.status === 429) add("throttled");
        else add("other");
      }
    }
    if (kind === "coverage") return [coverageRow("kv-requests", table, events, w)];
    return [...groups.values()].map((g) => dataRow("kv-requests", g.binStart, g.dims, g.counts));
  }

  /** Hourly history per vault and caller: denials, throttles, all requests. */
  #history(table: string, kind: "data" | "coverage", w: Window): unknown[][] {
    const HOUR = 60 * MINUTE;
    const until = Math.min(w.windowEnd, this.#visibleUntil(w));
    const groups = new Map<
      string,
      { binStart: number; dims: Record<string, string>; counts: { denied: number; throttled: number; total: number } }
    >();
    let events = 0;
    for (let t = Math.ceil(w.historyStart / MINUTE) * MINUTE; t + MINUTE <= until; t += MINUTE) {
      for (const e of this.#traffic.eventsForMinute(new Date(t))) {
        if (e.operation === "Authentication" && e.status === 401) continue;
        events += e.count;
        const binStart = Math.floor(t / HOUR) * HOUR;
        const dims = {
          vaultResourceId: e.vaultResourceId.toLowerCase(),
          callerObjectId: e.callerObjectId.toLowerCase(),
          callerAppId: e.callerAppId.toLowerCase(),
          callerResourceId: e.callerResourceId,
          source: table,
        };
        const key = `${binStart}|${Object.values(dims).join("|")}`;
        const g = groups.get(key) ?? { binStart, dims, counts: { denied: 0, throttled: 0, total: 0 } };
        groups.set(key, g);
        g.counts.total += e.count;
        if (e.status === 401 || e.status === 403) g.counts.denied += e.count;
        if (e.status === 429) g.counts.throttled += e.count;
      }
    }
    if (kind === "coverage") return [coverageRow("kv-history", table, events, w)];
    return [...groups.values()].map((g) => dataRow("kv-history", g.binStart, g.dims, g.counts));
  }

  /** Window or period sums per vault and caller: bad = 401, 403, 429 or 5xx. */
  #slo(
    signal: "slo-windows" | "slo-period",
    table: string,
    kind: "data" | "coverage",
    w: Window,
    periods: number[],
  ): unknown[][] {
    const spans: [string, number][] =
      signal === "slo-windows" ? Object.entries(WINDOW_MINUTES) : periods.map((d) => [`${d}d`, d * 1440]);
    const longest = Math.max(...spans.map(([, m]) => m));
    const until = Math.min(w.windowEnd, this.#visibleUntil(w));
    const groups = new Map<string, { dims: Record<string, string>; counts: Record<string, number> }>();
    let events = 0;
    for (let t = w.windowEnd - longest * MINUTE; t + MINUTE <= until; t += MINUTE) {
      const age = (w.windowEnd - t) / MINUTE;
      for (const e of this.#traffic.eventsForMinute(new Date(t))) {
        if (e.operation === "Authentication" && e.status === 401) continue;
        events += e.count;
        const dims = {
          subject: "identity-vault",
          vaultResourceId: e.vaultResourceId.toLowerCase(),
          callerObjectId: e.callerObjectId.toLowerCase(),
          callerAppId: e.callerAppId.toLowerCase(),
          callerResourceId: e.callerResourceId,
          source: table,
        };
        const key = Object.values(dims).join("|");
        let g = groups.get(key);
        if (!g) {
          g = {
            dims,
            counts: Object.fromEntries(
              spans.flatMap(([n]) => [
                [`bad${n}`, 0],
                [`total${n}`, 0],
              ]),
            ),
          };
          groups.set(key, g);
        }
        const bad = e.status === 401 || e.status === 403 || e.status === 429 || e.status >= 500;
        for (const [n, minutes] of spans) {
          if (age > minutes) continue;
          g.counts[`total${n}`]! += e.count;
          if (bad) g.counts[`bad${n}`]! += e.count;
        }
      }
    }
    if (kind === "coverage") return [coverageRow(signal, table, events, w)];
    return [...groups.values()].map((g) => dataRow(signal, w.windowEnd, g.dims, g.counts));
  }

  #changes(kind: "data" | "coverage", w: Window): unknown[][] {
    return changesRows(this.#activity, kind, w, this.#delay);
  }
}

/** Answers with a fixed response body: for tests of the mapping from the exact REST shape. */
export class FixtureWorkspace implements Workspace {
  constructor(
    readonly tables: string[],
    public body: unknown,
  ) {}

  answer(query: string): QueryAnswer {
    if (query.startsWith(TABLES_MARKER)) return tablesAnswer(this.tables);
    return { status: 200, body: JSON.parse(JSON.stringify(this.body)) as unknown };
  }
}

/** AzureActivity records as the changes leg returns them: visible `delayMinutes` after they happen. */
export function changesRows(
  activity: readonly ActivityEvent[],
  kind: "data" | "coverage",
  w: Window,
  delayMinutes: number,
): unknown[][] {
  const seen = activity.filter(
    (a) =>
      a.at.getTime() >= w.changesStart &&
      a.at.getTime() < w.windowEnd &&
      a.at.getTime() + delayMinutes * MINUTE <= w.windowEnd,
  );
  if (kind === "coverage") return [coverageRow("changes", "AzureActivity", seen.length, w)];
  return seen.map((a) => {
    const op = a.operation.toLowerCase();
    const kindOf = op.endsWith("roleassignments/write")
      ? "role-assignment-write"
      : op.endsWith("roleassignments/delete")
        ? "role-assignment-delete"
        : op.endsWith("accesspolicies/write")
          ? "vault-access-policy-write"
          : op === "microsoft.keyvault/vaults/write"
            ? "vault-write"
            : "app-identity-change";
    const row = dataRow(
      "changes",
      Math.floor(a.at.getTime() / (5 * MINUTE)) * 5 * MINUTE,
      {
        kind: kindOf,
        operation: op,
        scope: a.scope.toLowerCase(),
        principalId: a.principalId,
        roleDefinitionId: a.roleDefinitionId.toLowerCase(),
        caller: a.caller,
        status: "Succeeded",
      },
      { events: 1 },
    );
    row[6] = a.at.toISOString();
    row[7] = a.at.toISOString();
    return row;
  });
}

export interface Window {
  windowStart: number;
  windowEnd: number;
  priorStart: number;
  changesStart: number;
  historyStart: number;
}

/** The SLO periods a query's period legs ask for (the `BadNd` columns of its slo-period legs). */
export function periodsIn(query: string): number[] {
  const periodLegs = query
    .split("// leg: ")
    .filter((leg) => leg.startsWith("slo-period "))
    .join("\n");
  return [...new Set([...periodLegs.matchAll(/\bBad(\d+)d = /g)].map((m) => Number(m[1])))];
}

export function parseWindow(query: string): Window | undefined {
  const read = (name: string) => {
    const m = new RegExp(`^let ${name} = datetime\\(([^)]+)\\);$`, "m").exec(query);
    return m ? Date.parse(m[1]!) : NaN;
  };
  const w = {
    windowStart: read("windowStart"),
    windowEnd: read("windowEnd"),
    priorStart: read("priorStart"),
    changesStart: read("changesStart"),
    historyStart: read("historyStart"),
  };
  return Object.values(w).some(Number.isNaN) ? undefined : w;
}

export function dataRow(
  signal: string,
  binStart: number,
  dims: Record<string, unknown>,
  counts: Record<string, number>,
): unknown[] {
  // Dynamic columns travel as JSON text in the REST response.
  return [
    signal,
    "data",
    new Date(binStart).toISOString(),
    JSON.stringify(dims),
    JSON.stringify(counts),
    "",
    null,
    null,
  ];
}

export function coverageRow(signal: string, table: string, events: number, w: Window): unknown[] {
  return [
    signal,
    "coverage",
    new Date(w.windowStart).toISOString(),
    JSON.stringify({ table }),
    JSON.stringify({ events }),
    "",
    new Date(w.windowStart).toISOString(),
    new Date(w.windowEnd).toISOString(),
  ];
}

export function tablesAnswer(tables: string[]): QueryAnswer {
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

export function badRequest(innerCode: string, message: string): QueryAnswer {
  return {
    status: 400,
    body: {
      error: {
        code: "BadArgumentError",
        message: "The request had some invalid properties",
        innererror: { code: innerCode, message },
      },
    },
  };
}
