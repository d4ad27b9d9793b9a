import { loadSettings, SettingsError } from "../../src/config/settings.js";
import { createRuntime } from "../../src/composition.js";
import { runTick } from "../../src/app/run-tick.js";
import type { Logger } from "../../src/core/ports/ports.js";
import { createHealthHandler } from "../../src/functions/handlers/health.js";
import { renderText } from "../../src/core/render/text.js";
import { runbookFor } from "../../src/core/runbook/runbook.js";
import { utcTime } from "../../src/core/common/utc.js";
import { startStandIn, type StandIn } from "../standin/server.js";
import { SimulatedWorkspace } from "../standin/workspace.js";
import { redirectTo } from "../standin/redirect.js";
import { rbacRemovalScenario } from "../standin/scenarios/rbac-removal.js";
import { startAzuriteTables } from "./azurite.js";
import { startArmStandIn } from "../standin/arm.js";
import { serveFunctions } from "./http-host.js";
import { createIncidentsHandlers } from "../../src/functions/handlers/incidents.js";
import { createSilencesHandlers } from "../../src/functions/handlers/silences.js";
import type { PrincipalTrust } from "../../src/functions/handlers/access.js";
import { principalHeaders } from "../../src/functions/http/principal.js";

export interface LocalOptions {
  /** Simulated minutes per real second. */
  speed: number;
  /** Port for /api/health; 0 picks a free one. */
  port: number;
  /** Stop by itself once the incident has resolved (tests); otherwise run until stopped. */
  untilResolved: boolean;
  /**
   * Sign every API request in as DEV_PRINCIPAL, as App Service Authentication would sign in a
   * person (on unless --no-dev-principal): there is no Entra ID locally. Off, nobody is signed in,
   * and acknowledging, closing and silencing answer 401, as on an app without sign-in.
   */
  devPrincipal?: boolean;
  write: (line: string) => void;
}

/** The documented development principal (docs/access.md): every app role, and a name no tenant has. */
export const DEV_PRINCIPAL = {
  name: "local-dev",
  objectId: "00000000-0000-0000-0000-00000000de70",
  roles: ["Reader", "Responder", "Admin"] as ("Reader" | "Responder" | "Admin")[],
  provider: "local-dev",
};

export interface LocalHandle {
  healthUrl: string;
  standIn: StandIn;
  /** Settles when the replay stops by itself or through `stop()`. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** The embedded default: the monitor over a simulated workspace, Azurite and a Teams stand-in. */
export const WORKSPACE_ID = "3f2a8b6c-1d4e-4f5a-9b7c-8d0e1f2a3b4c";
/** The monitor's own user-assigned identity in the replay. */
const MONITOR_CLIENT_ID = "0b5c7d9e-2f4a-4b6c-8d0e-1a3b5c7d9f2e";

/** Starts the local replay of the built-in incident. */
export async function startLocal(o: LocalOptions): Promise<LocalHandle> {
  const scenario = rbacRemovalScenario(new Date());
  const started: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    started.length = 0;
  };
  try {
    const tables = await startAzuriteTables();
    started.push(tables);
    const workspace = new SimulatedWorkspace({
      tables: ["AzureDiagnostics", "AzureActivity"],
      traffic: scenario.traffic,
      activity: scenario.activity,
    });
    const standIn = await startStandIn({
      workspace,
      workspaceId: WORKSPACE_ID,
      managedIdentityClientId: MONITOR_CLIENT_ID,
    });
    started.push(standIn);

    // Resource Manager as the control-plane check sees it: the vault sends AuditEvent to the
    // workspace; the role assignment disappears and comes back with the scenario.
    const cpScenario = scenario.controlPlane;
    const assignment = {
      scope: cpScenario.vaultResourceId,
      roleDefinitionGuid: cpScenario.assignment.roleDefinitionGuid,
      principalId: cpScenario.assignment.principalId,
    };
    const arm = await startArmStandIn({
      callerClientId: MONITOR_CLIENT_ID,
      state: {
        vaults: [{ id: cpScenario.vaultResourceId }],
        diagnosticSettings: {
          [cpScenario.vaultResourceId.toLowerCase()]: [
            {
              name: "audit-to-law",
              workspaceId: cpScenario.workspaceResourceId,
              logs: [{ category: "AuditEvent", enabled: true }],
            },
          ],
        },
        roleAssignments: [assignment],
      },
    });
    started.push(arm);
    const assignmentPresent = (at: Date) =>
      at.getTime() < cpScenario.assignment.removedAt.getTime() ||
      at.getTime() >= cpScenario.assignment.restoredAt.getTime();

    // The managed-identity credential reads these on its first token request, as in App Service.
    process.env.IDENTITY_ENDPOINT = standIn.identityEndpoint;
    process.env.IDENTITY_HEADER = standIn.identityHeader;

    const env = {
      LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID,
      KEYVAULT_AUDIT_TABLE: "auto",
      APP_INSIGHTS_MODE: "none",
      STATE_STORAGE_CONNECTION_STRING: tables.connectionString,
      TEAMS_WEBHOOK_URL: standIn.teamsWebhookUrl,
      AZURE_CLIENT_ID: MONITOR_CLIENT_ID,
      MONITOR_SCHEDULE: "0 * * * * *",
      CRITICAL_IDENTITIES: scenario.criticalIdentities.join(","),
      IDENTITY_ENDPOINT: standIn.identityEndpoint,
      CONTROL_PLANE_CONFIG: JSON.stringify({
        workspaces: [cpScenario.workspaceResourceId],
        vaults: [{ resourceId: cpScenario.vaultResourceId }],
        principals: [
          {
            name: cpScenario.assignment.principalName,
            objectId: cpScenario.assignment.principalId,
            expect: [{ vault: cpScenario.vaultResourceId, role: cpScenario.assignment.role }],
          },
        ],
        audiences: ["key-vault"],
      }),
    };
    let simNow = scenario.start;
    const rt = createRuntime(loadSettings(env), env, {
      httpClient: redirectTo(standIn.url),
      armHttpClient: redirectTo(arm.url),
      clock: () => simNow,
    });

    // The local host plays the platform's part: it drops principal headers a client sends and,
    // with the development principal on, sets its own; so the handlers may trust what arrives.
    const devPrincipal = o.devPrincipal ?? true;
    const trust: PrincipalTrust = devPrincipal
      ? { trusted: true, by: "the local host's development principal" }
      : { trusted: false, why: "the local host signs nobody in (--no-dev-principal)" };
    const incidents = createIncidentsHandlers(
      () => rt,
      () => trust,
    );
    const silences = createSilencesHandlers(
      () => rt,
      () => trust,
    );
    const host = await serveFunctions(
      [
        { name: "health", route: "health", methods: ["GET"], handler: createHealthHandler(() => rt) },
        { name: "incidents", route: "incidents", methods: ["GET"], handler: incidents.list },
        { name: "incident", route: "incidents/{id}", methods: ["GET"], handler: incidents.get },
        { name: "incident-ack", route: "incidents/{id}/ack", methods: ["POST"], handler: incidents.ack },
        { name: "incident-close", route: "incidents/{id}/close", methods: ["POST"], handler: incidents.close },
        { name: "silences", route: "silences", methods: ["GET"], handler: silences.list },
        { name: "silence-create", route: "silences", methods: ["POST"], handler: silences.create },
        { name: "silence-expire", route: "silences/{id}", methods: ["DELETE"], handler: silences.expire },
      ],
      o.port,
      { signedIn: devPrincipal ? principalHeaders(DEV_PRINCIPAL) : undefined },
    ).catch((error: unknown) => {
      const code = (error as { code?: string }).code;
      throw new Error(
        code === "EADDRINUSE"
          ? `port ${o.port} is in use (is \`func start\` running?); pass --port <n>`
          : String(error),
        { cause: error },
      );
    });
    started.push(host);
    const healthUrl = `${host.url}/api/health`;

    const tickMs = Math.max(20, Math.round(1000 / o.speed));
    o.write(
      [
        `vaultwatch: local replay of the built-in incident "${scenario.name}" (no Azure account needed)`,
        `  workspace  simulated Log Analytics workspace (Key Vault AuditEvent in AzureDiagnostics, AzureActivity), behind a stand-in at ${standIn.url}`,
        `  identity   managed identity ${MONITOR_CLIENT_ID} via the stand-in token endpoint`,
        `  arm        stand-in Resource Manager at ${arm.url} (role assignments, vault settings, diagnostic settings)`,
        `  state      Azurite Tables, in memory, at ${tables.endpoint}`,
        `  teams      stand-in Workflows webhook; each card it receives is printed below as text`,
        `  health     ${healthUrl}`,
        devPrincipal
          ? `  sign-in    every API request is signed in as "${DEV_PRINCIPAL.name}" (${DEV_PRINCIPAL.roles.join(", ")}), the development principal; --no-dev-principal signs nobody in`
          : "  sign-in    nobody (--no-dev-principal): acknowledging, closing and silencing answer 401",
        `  clock      simulated, starting ${utcTime(simNow)}; one tick per simulated minute, every ${tickMs} ms`,
        "",
      ].join("\n"),
    );

    const log: Logger = {
      info: () => undefined,
      warn: (m) => o.write(`  [${utcTime(simNow)}] warning: ${m}`),
      error: (m) => o.write(`  [${utcTime(simNow)}] error: ${m}`),
    };
    let stopped = false;
    let resolvedSeen = false;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const moments = [...scenario.moments];

    const loop = async () => {
      while (!stopped) {
        await new Promise((r) => setTimeout(r, tickMs));
        if (stopped) break;
        simNow = new Date(simNow.getTime() + 60_000);
        while (moments[0] && moments[0].at.getTime() <= simNow.getTime()) {
          o.write(`  [${utcTime(moments[0].at)}] scenario: ${moments.shift()!.text}`);
        }
        arm.state.roleAssignments = assignmentPresent(simNow) ? [assignment] : [];
        const report = await runTick(rt, log);
        for (const n of report.delivered) {
          o.write("");
          o.write(renderText(n, runbookFor(n.snapshot), rt.policy.windowMinutes));
          o.write("");
          if (n.kind === "resolved") resolvedSeen = true;
        }
        const minute = simNow.getUTCMinutes();
        if (minute % (resolvedSeen ? 15 : 5) === 0) {
          const byStatus = new Map<string, string[]>();
          for (const [name, status] of Object.entries(report.signals))
            byStatus.set(status, [...(byStatus.get(status) ?? []), name]);
          const signals = [...byStatus].map(([status, names]) => `${status}: ${names.join(", ")}`).join("; ");
          o.write(
            `  [${utcTime(simNow)}] tick: ${report.seriesObserved} caller(s) watched, ${report.openIncidents} open incident(s); ${report.requests} query request(s); signals ${signals}`,
          );
        }
        // Done when something has resolved and nothing is open any more.
        if (resolvedSeen && report.openIncidents === 0 && report.delivered.some((n) => n.kind === "resolved")) {
          if (o.untilResolved) break;
          o.write(
            `Every incident is resolved. vaultwatch keeps watching the healthy traffic; ${healthUrl} answers. Ctrl-C stops everything.`,
          );
        }
      }
    };
    const running = loop().catch((error: unknown) =>
      o.write(`replay stopped: ${error instanceof Error ? error.message : String(error)}`),
    );
    const stop = async () => {
      stopped = true;
      await running;
      await closeAll();
      finish();
    };
    void running.then(async () => {
      if (!stopped) await stop();
    });
    return { healthUrl, standIn, done, stop };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function parseArgs(argv: string[]): Pick<LocalOptions, "speed" | "port" | "untilResolved" | "devPrincipal"> {
  const out = { speed: 2, port: 7071, untilResolved: false, devPrincipal: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${arg} expects a number`);
      return v;
    };
    if (arg === "--speed") out.speed = Math.max(0.1, value());
    else if (arg === "--port") out.port = value();
    else if (arg === "--until-resolved") out.untilResolved = true;
    else if (arg === "--no-dev-principal") out.devPrincipal = false;
    else
      throw new Error(
        `unknown option ${arg}; options: --speed <simulated minutes per second> --port <n> --until-resolved --no-dev-principal`,
      );
  }
  return out;
}

async function main(): Promise<void> {
  let handle: LocalHandle;
  try {
    handle = await startLocal({ ...parseArgs(process.argv.slice(2)), write: (l) => process.stdout.write(`${l}\n`) });
  } catch (error) {
    process.stderr.write(
      `vaultwatch: ${error instanceof SettingsError || error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
    return;
  }
  const shutdown = (signal: string) => {
    process.stdout.write(`\n${signal}: stopping the replay, the stand-in and Azurite...\n`);
    void handle.stop();
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  await handle.done;
  process.stdout.write("stopped; nothing left running.\n");
}

if (require.main === module) {
  void main();
}
