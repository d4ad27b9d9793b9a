import { randomBytes } from "node:crypto";
import { loadSettings } from "../../src/config/settings.js";
import { createRuntime } from "../../src/composition.js";
import { runTick } from "../../src/app/run-tick.js";
import { checkHealth } from "../../src/app/check-health.js";
import type { Runtime } from "../../src/app/runtime.js";
import { DEFAULT_DELIVERY } from "../../src/app/delivery/options.js";
import type { Logger } from "../../src/core/ports/ports.js";
import type { Notice } from "../../src/core/model/index.js";
import { createCredential } from "../../src/adapters/credential.js";
import { createTeamsWebhook } from "../../src/adapters/teams-webhook.js";
import { createAcsEmailChannel } from "../../src/adapters/acs-email.js";
import { createPagerDutyChannel } from "../../src/adapters/pagerduty.js";
import type { Sleep } from "../../src/adapters/retry.js";
import { settingsFor, startReplayHost, type ReplayHost } from "../replay/replay.js";
import type { ScenarioWorld } from "../scenario/load.js";
import { redirectTo } from "../standin/redirect.js";
import { startAcsStandIn, type AcsStandIn } from "../standin/acs.js";
import { startPagerDutyStandIn, type PagerDutyStandIn } from "../standin/pagerduty.js";
import { startTablesProxy, type ProxyDoor, type TablesProxy } from "../standin/tables-proxy.js";
import { DeliveryRecorder } from "./faults-recorder.js";
import { CHANNEL_FUSE_MS, TABLES_FUSE_MS, type FaultCase, type FaultContext } from "./faults-cases.js";
import { CHANNELS, type Channel, type TickObservation } from "./faults-count.js";

const MINUTE = 60_000;

/** Azurite behind the Tables proxy, the stand-ins for Log Analytics, identity and Teams, ACS and PagerDuty. */
export interface FaultHost {
  replay: ReplayHost;
  proxy: TablesProxy;
  acs: AcsStandIn;
  pd: PagerDutyStandIn;
  recorder: DeliveryRecorder;
  close(): Promise<void>;
}

export async function startFaultHost(): Promise<FaultHost> {
  // Tokens that are expired when issued: every request asks the identity endpoint, so a token
  // fault is met when it happens instead of hidden behind a token cached in real time.
  const replay = await startReplayHost({ tokenLifetimeSeconds: 0 });
  const proxy = await startTablesProxy(replay.tables);
  const acs = await startAcsStandIn({ name: "acs-faults" });
  const pd = await startPagerDutyStandIn();
  const recorder = new DeliveryRecorder({ standIn: replay.standIn, acs, pd });
  return {
    replay,
    proxy,
    acs,
    pd,
    recorder,
    async close() {
      await proxy.close().catch(() => undefined);
      await acs.close().catch(() => undefined);
      await pd.close().catch(() => undefined);
      await replay.close();
    },
  };
}

/** The replay's span: the incident, then a drain with every fault lifted. */
export interface Span {
  start: Date;
  /** The last tick of the incident part. */
  end: Date;
  drainMinutes: number;
}

/** What one replay under one fault saw. */
export interface CaseRun {
  ticks: TickObservation[];
  /** Whether the monitor's own incident was open after each tick. */
  monitorIncident: boolean[];
  /** Ticks that threw, or whose process died. */
  ticksFailed: number;
  /** The index in `ticks` of the fault's first tick. */
  startIndex: number;
  /** The first health reason while blind, for the report. */
  blindReason: string | undefined;
  /** Notices the last tick's heartbeat still counted undelivered. */
  undeliveredAtEnd: number;
  /** Processes started: one, plus one after each crash. */
  processes: number;
}

/** One simulated process: a runtime on its own door to the store. */
interface Process {
  rt: Runtime;
  door: ProxyDoor;
  dead: boolean;
}

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Replays `world` over `span` once under `fault`, tick by tick with the real SDK clients, and
 * records what the receivers accepted (host.recorder) and what the monitor said after each tick.
 */
export async function replayUnderFault(
  host: FaultHost,
  world: ScenarioWorld,
  span: Span,
  fault: FaultCase,
  log: Logger = quiet,
): Promise<CaseRun> {
  const { replay, proxy, acs, pd, recorder } = host;
  recorder.reset();
  proxy.clearFaults();
  proxy.up();
  let simNow = span.start;
  replay.use(world, () => simNow);
  const prefix = `faults${randomBytes(4).toString("hex")}`;
  const base = {
    ...settingsFor(world, {
      tables: replay.tables,
      teamsWebhookUrl: replay.standIn.teamsWebhookUrl,
      identityEndpoint: replay.standIn.identityEndpoint,
    }),
    STATE_TABLE_PREFIX: prefix,
    EMAIL_ENDPOINT: acs.endpoint,
    EMAIL_SENDER: "DoNotReply@alerts.contoso.com",
    // ACS keeps an Operation-Id across replays; a recipient of its own keeps each replay's apart.
    EMAIL_RECIPIENTS: `oncall+${prefix}@contoso.com`,
    PAGERDUTY_ROUTING_KEY: pd.routingKey,
    PAGERDUTY_URL: pd.url,
  };

  let crashOn: Channel | undefined;
  let crashed: (() => void) | undefined;
  const processes: Process[] = [];
  const start = async (): Promise<Process> => {
    const door = await proxy.open();
    const env = { ...base, STATE_STORAGE_CONNECTION_STRING: door.connectionString };
    const settings = loadSettings(env);
    const built = createRuntime(settings, env, {
      httpClient: redirectTo(replay.standIn.url),
      clock: () => simNow,
      delivery: instantWaits(),
      tablesTimeoutMs: TABLES_FUSE_MS,
    });
    const p: Process = { rt: built, door, dead: false };
    // The channels as production builds them, with a short fuse so that a timeout costs little
    // real time, each wrapped to record what it was handed and what its receiver took.
    const credential = createCredential(env, settings.managedIdentityClientId);
    const afterAccept = (c: Channel) => {
      if (crashOn !== c || p.dead) return undefined;
      crashOn = undefined;
      p.dead = true;
      crashed?.();
      // The process is gone: its store is unreachable and this send never returns.
      return door.close().then(() => new Promise<void>(() => {}));
    };
    const channels = [
      createTeamsWebhook({ url: settings.teamsWebhookUrl, timeoutMs: CHANNEL_FUSE_MS }),
      ...(settings.email
        ? [
            createAcsEmailChannel({
              ...settings.email,
              credential,
              httpClient: redirectTo(acs.url),
              timeoutMs: CHANNEL_FUSE_MS,
              sleep: pollsAtOnce(CHANNEL_FUSE_MS),
            }),
          ]
        : []),
      ...(settings.pagerDuty ? [createPagerDutyChannel({ ...settings.pagerDuty, timeoutMs: CHANNEL_FUSE_MS })] : []),
    ].map((c) => recorder.wrap(c, afterAccept));
    p.rt = { ...built, channels };
    processes.push(p);
    return p;
  };

  let stopAfter: number | undefined;
  const ctx: FaultContext = {
    standIn: replay.standIn,
    acs,
    pd,
    proxy,
    overlap: false,
    crashAfterAccept: (c) => {
      crashOn = c;
    },
    stopTablesAfter: (n) => {
      stopAfter = n;
    },
  };

  const ticks: TickObservation[] = [];
  const monitorIncident: boolean[] = [];
  let ticksFailed = 0;
  let blindReason: string | undefined;
  let undeliveredAtEnd = 0;
  const faultStart = span.start.getTime() + fault.startMinute * MINUTE;
  const faultEnd = faultStart + fault.ticks * world.tickMinutes * MINUTE;
  const drainFrom = span.end.getTime() + world.tickMinutes * MINUTE;
  const last = span.end.getTime() + span.drainMinutes * MINUTE;
  let startIndex = -1;
  let main = await start();
  let second: Process | undefined;

  for (let t = span.start.getTime(); t <= last; t += world.tickMinutes * MINUTE) {
    simNow = new Date(t);
    if (t === faultStart) {
      startIndex = ticks.length;
      fault.begin(ctx);
    }
    if (t === faultEnd || (t === drainFrom && t < faultEnd)) fault.end?.(ctx);
    if (t === drainFrom) {
      // The drain: every fault lifted, so what is still queued can go out.
      replay.standIn.faults.clear();
      acs.faults.clear();
      pd.faults.clear();
      proxy.clearFaults();
      crashOn = undefined;
    }
    proxy.up();
    const seen = proxy.requests.length;
    proxy.onRequest =
      stopAfter === undefined
        ? undefined
        : () => {
            if (stopAfter !== undefined && proxy.requests.length - seen >= stopAfter) {
              stopAfter = undefined;
              proxy.down();
            }
          };

    const runners = ctx.overlap ? [main, (second ??= await start())] : [main];
    const died = new Promise<"crashed">((resolve) => {
      crashed = () => resolve("crashed");
    });
    const outcomes = await Promise.all(
      runners.map((p) =>
        Promise.race([runTick(p.rt, log), died]).then(
          (r) => (r === "crashed" ? "crashed" : "ok"),
          () => "threw" as const,
        ),
      ),
    );
    crashed = undefined;
    proxy.onRequest = undefined;
    proxy.up();
    ticksFailed += outcomes.filter((o) => o !== "ok").length;
    // A dead process is replaced by a new one, as the Functions host starts another.
    if (main.dead) main = await start();
    if (second?.dead) second = await start();

    const observed = await observe(main.rt);
    ticks.push({ at: simNow, blindReported: observed.blind });
    monitorIncident.push(observed.monitorIncident);
    if (observed.blind && blindReason === undefined && ticks.length > startIndex && startIndex >= 0)
      blindReason = observed.reason;
    undeliveredAtEnd = observed.undelivered;
    for (const n of observed.queued) recorder.queued(n.channel, n.notice);
  }
  for (const p of processes) if (!p.dead) await p.door.close();
  return {
    ticks,
    monitorIncident,
    ticksFailed,
    startIndex: Math.max(0, startIndex),
    blindReason,
    undeliveredAtEnd,
    processes: processes.length,
  };
}

/** What the monitor says about itself after a tick, read as /api/health and the incidents API would. */
async function observe(rt: Runtime): Promise<{
  blind: boolean;
  monitorIncident: boolean;
  reason: string | undefined;
  undelivered: number;
  queued: { channel: Channel; notice: Notice & { merged?: number } }[];
}> {
  let health;
  try {
    health = await checkHealth(rt);
  } catch (error) {
    // The health endpoint answers 503 with the reason when it cannot read the store.
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { blind: true, monitorIncident: false, reason, undelivered: 0, queued: [] };
  }
  let incidents: { rule: string; state: string; outbox?: unknown }[] = [];
  try {
    incidents = (await rt.store.list({ activeOnly: false, limit: 200 })).incidents;
  } catch {
    // Read again after the next tick.
  }
  const monitorIncident = incidents.some((i) => i.rule === "monitor" && i.state !== "resolved");
  const signalBlind = health.httpStatus === 503 && health.monitor.signal !== "complete";
  // Notices still queued, where the incident record carries them (the outbox as this build keeps it).
  const queued = incidents.flatMap((i) =>
    (Array.isArray(i.outbox) ? (i.outbox as (Notice & { channel: string; merged?: number })[]) : [])
      .filter((n) => (CHANNELS as readonly string[]).includes(n.channel))
      .map((n) => ({ channel: n.channel as Channel, notice: n })),
  );
  return {
    blind: monitorIncident || signalBlind,
    monitorIncident,
    // The reason that names the blindness (the query, the signal, the token), else the first.
    reason: health.reasons.find((r) => /query|signal|token|workspace|monitor|blind/i.test(r)) ?? health.reasons[0],
    undelivered: health.monitor.undeliveredNotifications,
    queued,
  };
}

/**
 * The delivery step's waits between tries pass at once and count as time gone by: the monotonic
 * reading is real time plus every skipped wait, so the step's budget and claims still see them.
 */
function instantWaits() {
  let skipped = 0;
  return {
    ...DEFAULT_DELIVERY,
    sleep: async (ms: number) => {
      skipped += ms;
    },
    monotonicMs: () => performance.now() + skipped,
  };
}

/** ACS polls pass at once; the send's deadline (`deadlineMs`) is waited in real time, so a held request times out. */
function pollsAtOnce(deadlineMs: number): Sleep {
  return (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      const abort = () => reject(Object.assign(new Error("aborted while waiting"), { name: "AbortError" }));
      if (signal?.aborted) return abort();
      if (ms !== deadlineMs) return resolve();
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          abort();
        },
        { once: true },
      );
    });
}
