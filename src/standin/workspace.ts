import { KV_REQUESTS_COLUMNS, KV_REQUESTS_MARKER } from "../queries/kv-requests.kql.js";

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
}

/** Produces the audit events of one minute: a scenario's traffic. */
export interface TrafficModel {
  eventsForMinute(minute: Date): AuditEvent[];
}

export interface WorkspaceOptions {
  /** Tables that have data; a query on any other fails as a real workspace does. */
  tables: string[];
  traffic: TrafficModel;
  /**
   * Minutes between an event and its visibility to queries. Key Vault resource logs usually take
   * 3-10 minutes end to end; the default keeps the local replay brisk while still lagging.
   */
  ingestionDelayMinutes?: number;
}

export type QueryAnswer = { status: number; body: unknown };

const MINUTE = 60_000;

/**
 * A Log Analytics workspace that answers vaultwatch's own queries from simulated audit events.
 * It cannot run arbitrary KQL: it recognizes each query by its marker line and aggregates the
 * events the way that query does, returning the exact REST response shape.
 */
export class SimulatedWorkspace {
  readonly #tables: Set<string>;
  readonly #traffic: TrafficModel;
  readonly #delay: number;

  constructor(o: WorkspaceOptions) {
    this.#tables = new Set(o.tables);
    this.#traffic = o.traffic;
    this.#delay = o.ingestionDelayMinutes ?? 2;
  }

  answer(query: string, timespan: string | undefined): QueryAnswer {
    const table = sourceTable(query);
    if (!table || !this.#tables.has(table)) {
      return badRequest("SemanticError", `'${table ?? "?"}' could not be resolved: the workspace has no table of that name. Is the diagnostic setting sending to ${table ?? "it"}?`);
    }
    const span = parseTimespan(timespan);
    if (!span) return badRequest("BadArgumentError", `timespan ${JSON.stringify(timespan)} is not an ISO 8601 interval start/end`);
    if (!query.startsWith(KV_REQUESTS_MARKER)) {
      return badRequest("SemanticError", "the simulated workspace answers only vaultwatch's own queries");
    }
    const bin = /bin\(TimeGenerated, (\d+)m\)/.exec(query);
    const binMinutes = bin ? Number(bin[1]) : 5;
    return { status: 200, body: { tables: [this.#kvRequests(span, binMinutes)] } };
  }

  /** The kv-requests aggregation: per bin, vault and caller, with the status split. */
  #kvRequests(span: { start: Date; end: Date }, binMinutes: number) {
    const visibleUntil = span.end.getTime() - this.#delay * MINUTE;
    const groups = new Map<string, (string | number)[] & { ops?: Set<string> }>();
    for (let t = Math.floor(span.start.getTime() / MINUTE) * MINUTE; t < span.end.getTime(); t += MINUTE) {
      if (t < span.start.getTime() || t + MINUTE > visibleUntil) continue;
      for (const e of this.#traffic.eventsForMinute(new Date(t))) {
        if (e.operation === "Authentication" && e.status === 401) continue; // the query leaves out the SDK challenge
        const binStart = Math.floor(t / (binMinutes * MINUTE)) * binMinutes * MINUTE;
        const vault = e.vaultResourceId.toLowerCase();
        const k = [binStart, vault, e.callerObjectId, e.callerAppId, e.callerResourceId].join("|");
        let row = groups.get(k);
        if (!row) {
          row = Object.assign([new Date(binStart).toISOString(), vault, e.callerObjectId, e.callerAppId, e.callerResourceId, 0, 0, 0, 0, 0, 0, ""], { ops: new Set<string>() });
          groups.set(k, row);
        }
        const add = (i: number) => (row[i] = (row[i] as number) + e.count);
        add(5);
        if (e.status >= 200 && e.status <= 299) add(6);
        else if (e.status === 401) add(7);
        else if (e.status === 403) add(8);
        else if (e.status === 429) add(9);
        else add(10);
        if (row.ops!.size < 8) row.ops!.add(e.operation);
      }
    }
    const rows = [...groups.values()].map((r) => {
      const out = r.slice(0, 11);
      out.push(JSON.stringify([...r.ops!])); // dynamic columns travel as JSON text
      return out;
    });
    return { name: "PrimaryResult", columns: KV_REQUESTS_COLUMNS.map(([name, type]) => ({ name, type })), rows };
  }
}

/** The table a query reads: its first line that is neither a comment nor a `let`. */
export function sourceTable(query: string): string | undefined {
  for (const line of query.split("\n")) {
    const t = line.trim();
    if (!t || t.startsWith("//") || t.startsWith("let ")) continue;
    return /^([A-Za-z_][A-Za-z0-9_]*)/.exec(t)?.[1];
  }
  return undefined;
}

function parseTimespan(timespan: string | undefined): { start: Date; end: Date } | undefined {
  const [a, b] = (timespan ?? "").split("/");
  const start = a ? new Date(a) : undefined;
  const end = b ? new Date(b) : undefined;
  if (!start || !end || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end < start) return undefined;
  return { start, end };
}

function badRequest(innerCode: string, message: string): QueryAnswer {
  return {
    status: 400,
    body: { error: { code: "BadArgumentError", message: "The request had some invalid properties", innererror: { code: innerCode, message } } },
  };
}
