import { inject } from "vitest";
import { randomBytes } from "node:crypto";
import { loadSettings, type Settings } from "../../src/config/settings.js";
import { createRuntime, type RuntimeOverrides } from "../../src/composition.js";
import type { Runtime } from "../../src/app/runtime.js";
import type { Logger } from "../../src/core/ports/ports.js";
import { startStandIn, type StandIn } from "../../tools/standin/server.js";
import {
  SimulatedWorkspace,
  type ActivityEvent,
  type TrafficModel,
  type Workspace,
} from "../../tools/standin/workspace.js";
import { redirectTo } from "../../tools/standin/redirect.js";

export const WORKSPACE_ID = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";
export const MONITOR_CLIENT_ID = "0b5c7d9e-2f4a-4b6c-8d0e-1a3b5c7d9f2e";

export interface Stack {
  standIn: StandIn;
  env: Record<string, string>;
  settings: Settings;
  /** A runtime on the stack; `env` overrides settings (e.g. a fresh STATE_TABLE_PREFIX). */
  runtime(overrides?: RuntimeOverrides, env?: Record<string, string>): Runtime;
  close(): Promise<void>;
}

export interface StackOptions {
  traffic?: TrafficModel;
  /** Answers queries instead of a simulated workspace over `traffic`. */
  workspace?: Workspace;
  tables?: string[];
  activity?: ActivityEvent[];
  env?: Record<string, string>;
  ingestionDelayMinutes?: number;
}

/**
 * The product wired as in Azure, but pointed at the local stand-in and Azurite: real
 * LogsQueryClient, real ManagedIdentityCredential (via IDENTITY_ENDPOINT), real TableClient.
 * The managed-identity client keeps its endpoint in static fields, so one stack per test file.
 */
export async function startStack(o: StackOptions): Promise<Stack> {
  const workspace =
    o.workspace ??
    new SimulatedWorkspace({
      tables: o.tables ?? ["AzureDiagnostics"],
      traffic: o.traffic ?? { eventsForMinute: () => [] },
      activity: o.activity,
      ingestionDelayMinutes: o.ingestionDelayMinutes ?? 0,
    });
  const standIn = await startStandIn({
    workspace,
    workspaceId: WORKSPACE_ID,
    managedIdentityClientId: MONITOR_CLIENT_ID,
  });
  process.env.IDENTITY_ENDPOINT = standIn.identityEndpoint;
  process.env.IDENTITY_HEADER = standIn.identityHeader;
  const env: Record<string, string> = {
    LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID,
    STATE_STORAGE_CONNECTION_STRING: inject("tableConnectionString"),
    // A fresh prefix per stack keeps tests that share the Azurite instance apart.
    STATE_TABLE_PREFIX: freshPrefix(),
    TEAMS_WEBHOOK_URL: standIn.teamsWebhookUrl,
    AZURE_CLIENT_ID: MONITOR_CLIENT_ID,
    MONITOR_SCHEDULE: "0 */5 * * * *",
    APP_INSIGHTS_MODE: "none",
    IDENTITY_ENDPOINT: standIn.identityEndpoint,
    ...o.env,
  };
  const settings = loadSettings(env);
  return {
    standIn,
    env,
    settings,
    runtime: (overrides = {}, extra = {}) => {
      const merged = { ...env, ...extra };
      return createRuntime(loadSettings(merged), merged, { httpClient: redirectTo(standIn.url), ...overrides });
    },
    close: () => standIn.close(),
  };
}

/** A logger that keeps every line, so tests can assert what on-call would see (and what not). */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
}

/** A table prefix no other test uses, for state of its own on the shared Azurite. */
export function freshPrefix(): string {
  return `t${randomBytes(5).toString("hex")}`;
}
