import type { StandIn } from "../standin/server.js";
import type { Endpoint, Fault } from "../standin/faults.js";
import type { AcsStandIn } from "../standin/acs.js";
import type { PagerDutyStandIn } from "../standin/pagerduty.js";
import type { TablesProxy } from "../standin/tables-proxy.js";
import type { Channel } from "./faults-count.js";

/** What a fault case can break: the stand-ins' fault plans, the Tables proxy and the process. */
export interface FaultContext {
  standIn: StandIn;
  acs: AcsStandIn;
  pd: PagerDutyStandIn;
  proxy: TablesProxy;
  /** The process dies right after `channel`'s receiver accepts the next notice, before the monitor records it. */
  crashAfterAccept(channel: Channel): void;
  /** Azurite stops once this tick has made `requests` more Table requests, and is back for the next tick. */
  stopTablesAfter(requests: number): void;
  /** While true, every tick runs twice at once: two processes on the same store. */
  overlap: boolean;
}

export type FaultClass = "none" | "log-analytics" | "tables" | "channels" | "identity" | "crash" | "overlap";

export interface FaultCase {
  /** Stable key in results.json. */
  id: string;
  /** What is injected, in words. */
  fault: string;
  cls: FaultClass;
  /** The fault blinds the monitor: the target is that it says so within `BLIND_TARGET_TICKS`. */
  blinds: boolean;
  /** Minutes after the replay's first tick at which the fault starts (a tick boundary). */
  startMinute: number;
  /** Ticks the fault lasts; `end` runs before the first tick after them. */
  ticks: number;
  begin(ctx: FaultContext): void;
  end?(ctx: FaultContext): void;
}

/** "Monitor blind" within two ticks (the target; the `monitor` rule pages at its second blind tick). */
export const BLIND_TARGET_TICKS = 2;
/** How long a channel waits for an answer in these replays; a timeout fault holds the request longer. */
export const CHANNEL_FUSE_MS = 400;
const HELD_MS = CHANNEL_FUSE_MS + 600;
/**
 * How long one try of a Table request waits here (production: 30 s, src/adapters/table-store.ts):
 * longer than the `tables-timeout` case's 0.5 s hold, so that one stays a reset connection.
 */
export const TABLES_FUSE_MS = 1_000;
/** A request held this long is hung: the proxy lets it go only when the client gives up on it. */
const HUNG_MS = 10 * 60_000;
/** Enough for every request of the fault's ticks; what is left is taken back at its end. */
const PERSISTENT = 10_000;

/**
 * The replay's first tick sends the opened notice (channel faults and crashes start there, taking
 * the first requests); the faults of the monitor's own dependencies start at the next tick, the
 * escalation, so that they meet an open incident.
 */
const AT_ESCALATION = 5;

function untilEnd(endpoint: Endpoint, fault: Fault): Pick<FaultCase, "begin" | "end"> {
  return {
    begin: (c) => c.standIn.faults.inject(endpoint, fault, PERSISTENT),
    end: (c) => {
      while (c.standIn.faults.take(endpoint)) {
        // Taken back: the fault is over.
      }
    },
  };
}

const logAnalytics = (id: string, fault: string, f: Fault, blinds = true): FaultCase => ({
  id,
  fault,
  cls: "log-analytics",
  blinds,
  startMinute: AT_ESCALATION,
  ticks: 2,
  ...untilEnd("logAnalytics", f),
});

/**
 * Every channel at once: the three are independent (each keeps its own queue), so one replay per
 * fault kind counts all three. Each receiver answers its next `times` requests with the fault.
 */
function channels(
  id: string,
  fault: string,
  times: number,
  f: Extract<Fault, { kind: "status" | "delay" | "drop" }>,
): FaultCase {
  return {
    id,
    fault,
    cls: "channels",
    blinds: false,
    startMinute: 0,
    ticks: 1,
    begin: (c) => {
      c.standIn.faults.inject("teams", f, times);
      c.acs.faults.inject(f, times);
      c.pd.faults.inject(f, times);
    },
  };
}

function crash(channel: Channel, title: string): FaultCase {
  return {
    id: `crash-after-${channel}-accepted`,
    fault: `crash between send and record: the process dies once ${title} accepted a notice, before it is recorded`,
    cls: "crash",
    blinds: false,
    startMinute: 0,
    ticks: 1,
    begin: (c) => c.crashAfterAccept(channel),
  };
}

/** The fault matrix: one replay each, over the same incident. */
export const FAULT_CASES: readonly FaultCase[] = [
  {
    id: "none",
    fault: "no fault (the reference)",
    cls: "none",
    blinds: false,
    startMinute: 0,
    ticks: 0,
    begin: () => {},
  },
  logAnalytics("log-analytics-429", "Log Analytics 429 with Retry-After 1 s on every query for 2 ticks", {
    kind: "status",
    status: 429,
    retryAfterSeconds: 1,
  }),
  logAnalytics("log-analytics-5xx", "Log Analytics 503 on every query for 2 ticks", { kind: "status", status: 503 }),
  logAnalytics(
    "log-analytics-timeout",
    "Log Analytics 504 GatewayTimeout (server timeout) on every query for 2 ticks",
    {
      kind: "status",
      status: 504,
      body: { error: { code: "GatewayTimeout", message: "Gateway timeout" } },
    },
  ),
  logAnalytics("log-analytics-partial", "Log Analytics partial answers (200 with PartialError) for 2 ticks", {
    kind: "partial",
  }),
  logAnalytics("log-analytics-malformed", "Log Analytics malformed rows (a count that is not a number) for 2 ticks", {
    kind: "malformed-rows",
  }),
  {
    id: "tables-412",
    fault: "Tables 412 UpdateConditionNotSatisfied on the next 3 incident writes",
    cls: "tables",
    blinds: false,
    startMinute: AT_ESCALATION,
    ticks: 1,
    begin: (c) => c.proxy.inject({ kind: "status", status: 412 }, { times: 3, kind: "write", table: "Incidents" }),
    end: (c) => c.proxy.clearFaults(),
  },
  {
    id: "tables-503",
    fault: "Tables 503 ServerBusy on the next 4 requests",
    cls: "tables",
    blinds: false,
    startMinute: AT_ESCALATION,
    ticks: 1,
    begin: (c) => c.proxy.inject({ kind: "status", status: 503 }, { times: 4 }),
    end: (c) => c.proxy.clearFaults(),
  },
  {
    id: "tables-timeout",
    fault: "Tables requests held 0.5 s and reset unanswered, the next 2",
    cls: "tables",
    blinds: false,
    startMinute: AT_ESCALATION,
    ticks: 1,
    begin: (c) => c.proxy.inject({ kind: "hold-then-reset", ms: 500 }, { times: 2 }),
    end: (c) => c.proxy.clearFaults(),
  },
  {
    id: "tables-hung",
    fault: `Tables requests hang (held unanswered past the ${TABLES_FUSE_MS} ms fuse on each try), the next 2`,
    cls: "tables",
    blinds: false,
    startMinute: AT_ESCALATION,
    ticks: 1,
    begin: (c) => c.proxy.inject({ kind: "hold-then-reset", ms: HUNG_MS }, { times: 2 }),
    end: (c) => c.proxy.clearFaults(),
  },
  {
    id: "tables-stopped-mid-tick",
    fault: "Azurite stopped mid-tick (after the tick's 6th Table request), back for the next tick",
    cls: "tables",
    blinds: false,
    startMinute: AT_ESCALATION,
    ticks: 1,
    begin: (c) => c.stopTablesAfter(6),
  },
  channels("channels-4xx", "Teams, email and PagerDuty answer 400 once", 1, { kind: "status", status: 400 }),
  channels("channels-5xx", "Teams, email and PagerDuty answer 503 four times", 4, { kind: "status", status: 503 }),
  channels("channels-429", "Teams, email and PagerDuty answer 429 (Retry-After 60 s) twice", 2, {
    kind: "status",
    status: 429,
    retryAfterSeconds: 60,
  }),
  channels("channels-timeout", `Teams, email and PagerDuty hold twice past the ${CHANNEL_FUSE_MS} ms fuse`, 2, {
    kind: "delay",
    ms: HELD_MS,
  }),
  channels("channels-dropped", "Teams, email and PagerDuty drop the connection three times", 3, { kind: "drop" }),
  {
    id: "monitor-token",
    fault: "the monitor's own token fails for 2 ticks (identity endpoint 400: the identity is not attached)",
    cls: "identity",
    blinds: true,
    startMinute: AT_ESCALATION,
    ticks: 2,
    ...untilEnd("identity", {
      kind: "status",
      status: 400,
      body: { statusCode: 400, message: "Unable to load the proper Managed Identity." },
    }),
  },
  crash("teams", "Teams"),
  crash("email", "ACS email"),
  crash("pagerduty", "PagerDuty"),
  {
    id: "overlapping-ticks",
    fault: "overlapping ticks: two processes run every tick at once on the same store",
    cls: "overlap",
    blinds: false,
    startMinute: 0,
    ticks: 12,
    begin: (c) => {
      c.overlap = true;
    },
    end: (c) => {
      c.overlap = false;
    },
  },
];
