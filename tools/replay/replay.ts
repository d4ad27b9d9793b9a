import { randomBytes } from "node:crypto";
import { loadSettings, SettingsError } from "../../src/config/settings.js";
import { createRuntime } from "../../src/composition.js";
import { runTick, type TickReport } from "../../src/app/run-tick.js";
import type { Logger } from "../../src/core/ports/ports.js";
import { startAzuriteTables, type LocalTables } from "../local/azurite.js";
import { startStandIn, type StandIn, type TokenOutcome } from "../standin/server.js";
import { startArmStandIn, type ArmStandIn } from "../standin/arm.js";
import type { ArmState } from "../standin/arm-state.js";
import { redirectTo } from "../standin/redirect.js";
import { LogAnalyticsEmulator, type Workspace } from "../emulator/emulator.js";
import { driftingWorkspace } from "../standin/answer-drift.js";
import { ScenarioError, type ScenarioWorld } from "../scenario/load.js";
import { notificationLine, type NotificationLine } from "./line.js";
import { TableClient } from "@azure/data-tables";
import { createTableBaselineStore } from "../../src/adapters/baseline-store.js";
import type { Baseline } from "../../src/core/baselines/index.js";
import type { Runtime } from "../../src/app/runtime.js";
import type { MemoryState } from "../standin/memory-state.js";

/** The replay's workspace and the monitor's own user-assigned identity (stand-in values, not secrets). */
const WORKSPACE_ID = "6d0e4a1b-8c2f-4e3a-9b5d-7f1a2c3e4d5f";
export const REPLAY_MONITOR_CLIENT_ID = "0b5c7d9e-2f4a-4b6c-8d0e-1a3b5c7d9f2e";
const MINUTE = 60_000;
/** Tokens this short make the managed-identity credential ask the endpoint on every probe, so probe outcomes that change in simulated time are seen. */
const TOKEN_LIFETIME_SECONDS = 60;

export interface ReplayOptions {
  /** Called with each notification as the Teams stand-in accepts it. */
  onLine?: (line: NotificationLine) => void;
  /** Where the monitor's warnings go; quiet when absent. */
  log?: Logger;
  /** Azurite and the stand-in, shared by several replays in one process; started (and stopped) for this replay when absent. */
  host?: ReplayHost;
  /**
   * Keeps the monitor's state in memory instead of in Azurite's tables: the same ports and write
   * rules (test/adapters/state-store.contract.test.ts), without a round trip per read and write.
   */
  state?: MemoryState;
}

/** What one tick cost and saw, for the benchmark. */
export interface TickSummary {
  at: Date;
  /** Log Analytics query round trips. */
  requests: number;
  seriesObserved: number;
  openIncidents: number;
  signal: TickReport["signal"];
}

export interface ReplayResult {
  lines: NotificationLine[];
  ticks: TickSummary[];
  /** The baselines the monitor had learned by the last tick, by `<rule>|<series>` (src/core/baselines/absorb.ts). */
  baselines: Map<string, Baseline>;
}

/**
 * Azurite and the stand-in for the workspace, token endpoint and Teams, for one replay at a time.
 * The managed-identity credential keeps its endpoint in process-wide state, so every replay in a
 * process must use the same token endpoint: hence one host per process, pointed at each world in turn.
 */
export interface ReplayHost {
  tables: LocalTables;
  standIn: StandIn;
  /** Points the stand-in at a world and its simulated clock. */
  use(world: ScenarioWorld, now: () => Date): void;
  close(): Promise<void>;
}

export async function startReplayHost(o: { tokenLifetimeSeconds?: number } = {}): Promise<ReplayHost> {
  let current: { world: ScenarioWorld; workspace: Workspace; now: () => Date } | undefined;
  const tables = await startAzuriteTables();
  try {
    const standIn = await startStandIn({
      workspace: {
        answer: (query, timespan, options) =>
          current
            ? current.workspace.answer(query, timespan, options)
            : { status: 503, body: { error: { code: "NoScenario", message: "no scenario is being replayed" } } },
      },
      workspaceId: WORKSPACE_ID,
      managedIdentityClientId: REPLAY_MONITOR_CLIENT_ID,
      tokenOutcome: (clientId, resource) =>
        current ? probeOutcome(current.world, current.now(), clientId, resource) : undefined,
      tokenLifetimeSeconds: o.tokenLifetimeSeconds ?? TOKEN_LIFETIME_SECONDS,
    });
    // The managed-identity credential reads these from the process, as on App Service.
    const saved = {
      IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT,
      IDENTITY_HEADER: process.env.IDENTITY_HEADER,
    };
    process.env.IDENTITY_ENDPOINT = standIn.identityEndpoint;
    process.env.IDENTITY_HEADER = standIn.identityHeader;
    return {
      tables,
      standIn,
      use(world, now) {
        // The workspace answers with what is ingested by the replay's simulated now.
        // Its answers to the signals query drift where the scenario says so (workspace.answerDrifts).
        const emulator = new LogAnalyticsEmulator(world.logs, { now });
        current = { world, workspace: driftingWorkspace(emulator, world.workspace.answerDrifts ?? [], now), now };
      },
      async close() {
        await standIn.close().catch(() => undefined);
        await tables.close().catch(() => undefined);
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      },
    };
  } catch (error) {
    await tables.close().catch(() => undefined);
    throw error;
  }
}

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Replays a scenario through the same code the timer function runs: the composition root builds
 * the runtime from settings, and `runTick` runs once per tick of a simulated clock. The Azure SDK
 * clients talk to local stand-ins (the scenario's workspace, the token endpoint, Resource Manager,
 * Teams) and state lives in Azurite (or in memory, with `state`). Ground truth is not an input:
 * the world is all it gets.
 */
export async function replayScenario(world: ScenarioWorld, o: ReplayOptions = {}): Promise<ReplayResult> {
  const log = o.log ?? quiet;
  const host = o.host ?? (await startReplayHost());
  let arm: ArmStandIn | undefined;
  let simNow = world.start;
  try {
    host.use(world, () => simNow);
    const { tables, standIn } = host;
    arm = world.settings.CONTROL_PLANE_CONFIG
      ? await startArmStandIn({ callerClientId: REPLAY_MONITOR_CLIENT_ID, state: armStateAt(world, simNow) })
      : undefined;
    const env = settingsFor(world, {
      tables,
      teamsWebhookUrl: standIn.teamsWebhookUrl,
      identityEndpoint: standIn.identityEndpoint,
    });
    let settings;
    try {
      settings = loadSettings(env);
    } catch (error) {
      if (error instanceof SettingsError)
        throw new ScenarioError(
          world.name,
          // Each problem starts with the setting's name; the "… and N more" line does not.
          error.problems.map((p) => (p.startsWith("…") ? p : `$.settings.${p}`)),
          { cause: error },
        );
      throw error;
    }
    const built = createRuntime(settings, env, {
      httpClient: redirectTo(standIn.url),
      ...(arm ? { armHttpClient: redirectTo(arm.url) } : {}),
      clock: () => simNow,
    });
    const rt = o.state ? withState(built, o.state) : built;

    const lines: NotificationLine[] = [];
    const ticks: TickSummary[] = [];
    for (let t = world.start.getTime(); t <= world.end.getTime(); t += world.tickMinutes * MINUTE) {
      simNow = new Date(t);
      if (arm) setArmState(arm, armStateAt(world, simNow));
      const report = await runTick(rt, log);
      ticks.push({
        at: simNow,
        requests: report.requests,
        seriesObserved: report.seriesObserved,
        openIncidents: report.openIncidents,
        signal: report.signal,
      });
      for (const n of report.delivered) {
        const line = notificationLine(n);
        lines.push(line);
        o.onLine?.(line);
      }
    }
    // Read back through the monitor's own store, as the next tick would see them.
    const table = TableClient.fromConnectionString(tables.connectionString, `${env.STATE_TABLE_PREFIX!}Baselines`, {
      allowInsecureConnection: true,
    });
    const { baselines } = await (o.state?.baselines ?? createTableBaselineStore(table)).load();
    return { lines, ticks, baselines };
  } finally {
    await arm?.close().catch(() => undefined);
    if (!o.host) await host.close();
  }
}

/** `rt` with every store it writes (incidents, silences, baselines, vault snapshots) in `state`. */
function withState(rt: Runtime, state: MemoryState): Runtime {
  const controlPlane = rt.controlPlane && {
    ...rt.controlPlane,
    deps: { ...rt.controlPlane.deps, snapshots: state.snapshots },
  };
  return { ...rt, store: state.store, silences: state.silences, baselines: state.baselines, controlPlane };
}

/** The app settings the monitor runs with: the stand-ins' endpoints, then the scenario's own. */
export function settingsFor(
  world: ScenarioWorld,
  s: { tables: LocalTables; teamsWebhookUrl: string; identityEndpoint: string },
): Record<string, string> {
  const appTables = ["AppDependencies", "AppTraces", "AppRequests"].some((t) => world.workspace.tables.includes(t));
  const tick = world.tickMinutes;
  return {
    LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID,
    LOG_ANALYTICS_WORKSPACE_RESOURCE_ID: world.workspace.resourceId,
    KEYVAULT_AUDIT_TABLE: "auto",
    APP_INSIGHTS_MODE: appTables ? "workspace" : "none",
    STATE_STORAGE_CONNECTION_STRING: s.tables.connectionString,
    // Each replay gets its own tables, so replays can share one Azurite.
    STATE_TABLE_PREFIX: `replay${randomBytes(5).toString("hex")}`,
    TEAMS_WEBHOOK_URL: s.teamsWebhookUrl,
    AZURE_CLIENT_ID: REPLAY_MONITOR_CLIENT_ID,
    IDENTITY_ENDPOINT: s.identityEndpoint,
    MONITOR_SCHEDULE: tick % 60 === 0 ? `0 0 */${tick / 60} * * *` : `0 */${tick} * * * *`,
    ...world.settings,
  };
}

/** The outcome the scenario's probes give this identity and resource at `now`; undefined for the monitor's own identity. */
export function probeOutcome(
  world: ScenarioWorld,
  now: Date,
  clientId: string | undefined,
  resource: string,
): TokenOutcome | undefined {
  if (!clientId || clientId.toLowerCase() === REPLAY_MONITOR_CLIENT_ID) return undefined;
  const bare = (r: string) =>
    r
      .replace(/\/\.default$/, "")
      .replace(/\/+$/, "")
      .toLowerCase();
  let outcome: TokenOutcome | undefined;
  for (const p of world.probes) {
    if (p.at.getTime() > now.getTime()) break;
    if (p.clientId.toLowerCase() !== clientId.toLowerCase()) continue;
    if (p.audience !== undefined && bare(p.audience) !== bare(resource)) continue;
    outcome = p.outcome;
  }
  // An identity the scenario names in CONTROL_PLANE_CONFIG is attached to the monitor: it gets tokens until a probe says otherwise.
  return outcome ?? "ok";
}

/** What Resource Manager shows at `now`: the last snapshot at or before it. */
export function armStateAt(world: ScenarioWorld, now: Date): Partial<ArmState> {
  const snapshot = [...world.controlPlane].reverse().find((s) => s.at.getTime() <= now.getTime());
  if (!snapshot) return { vaults: [], roleAssignments: [], roleDefinitions: [], diagnosticSettings: {} };
  const diagnosticSettings: ArmState["diagnosticSettings"] = {};
  for (const v of snapshot.vaults) {
    const given = Object.entries(snapshot.diagnosticSettings ?? {}).find(
      ([id]) => id.toLowerCase() === v.id.toLowerCase(),
    )?.[1];
    diagnosticSettings[v.id.toLowerCase()] = given ?? [
      {
        name: "audit-to-law",
        workspaceId: world.workspace.resourceId,
        logs: [{ category: "AuditEvent", enabled: true }],
      },
    ];
  }
  return {
    vaults: snapshot.vaults.map((v) => ({ id: v.id, ...(v.properties ? { properties: v.properties } : {}) })),
    roleAssignments: snapshot.roleAssignments.map((a) => ({ ...a })),
    roleDefinitions: snapshot.roleDefinitions.map((d) => ({ ...d, roleType: "CustomRole" as const })),
    diagnosticSettings,
  };
}

function setArmState(arm: ArmStandIn, s: Partial<ArmState>): void {
  Object.assign(arm.state, s);
}
