import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { FaultPlan, type Endpoint, type Fault } from "./faults.js";
import type { Workspace } from "./workspace.js";
import { applyTransportFault, closeServer, readBody, send } from "./http.js";
import type { ProbeOutcomeName } from "../scenario/format.js";

export interface StandInOptions {
  workspace: Workspace;
  /** The workspace ID the Log Analytics routes accept. */
  workspaceId: string;
  /** The secret header the managed-identity endpoint expects, as App Service sets IDENTITY_HEADER. */
  identityHeader?: string;
  /** When set, token requests for any other user-assigned client ID fail as Azure's do. */
  managedIdentityClientId?: string;
  /** The `sig` the Teams webhook accepts. */
  teamsSignature?: string;
  /**
   * How the token endpoint answers one identity and resource, overriding the client-ID check:
   * a scenario's probe outcomes. Undefined: the default answer.
   */
  tokenOutcome?: (clientId: string | undefined, resource: string) => TokenOutcome | undefined;
  /** Lifetime of issued tokens; short ones make the credential ask again instead of using its cache. */
  tokenLifetimeSeconds?: number;
  /** How long a timed-out token request is held before it is answered. */
  tokenTimeoutMs?: number;
  port?: number;
}

/** One request the stand-in answered, for assertions on round trips. */
export interface SeenRequest {
  endpoint: Endpoint | "unknown";
  method: string;
  path: string;
  status: number;
  at: Date;
}

/** A post the Teams stand-in accepted. */
export interface TeamsPost {
  at: Date;
  body: unknown;
  bytes: number;
}

export interface StandIn {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** For IDENTITY_ENDPOINT. */
  identityEndpoint: string;
  identityHeader: string;
  /** A Teams Workflows webhook URL on the stand-in, `sig` included. */
  teamsWebhookUrl: string;
  faults: FaultPlan;
  requests: SeenRequest[];
  teamsPosts: TeamsPost[];
  close(): Promise<void>;
}

const LOG_ANALYTICS_RESOURCE = "https://api.loganalytics.io";
/** Workflows rejects larger messages with 413 "Request Entity Too Large" (~28 KB). */
const TEAMS_LIMIT = 28 * 1024;

/**
 * A local stand-in for the Azure endpoints vaultwatch calls: the Log Analytics query API
 * (backed by a simulated workspace), the App Service managed-identity token endpoint, and a
 * Teams Workflows webhook. The real SDK clients reach it through a redirecting HttpClient.
 * Tokens are checked end to end: the query API accepts only tokens this endpoint issued, for
 * the Log Analytics audience.
 */
export async function startStandIn(o: StandInOptions): Promise<StandIn> {
  const faults = new FaultPlan();
  const requests: SeenRequest[] = [];
  const teamsPosts: TeamsPost[] = [];
  const issued = new Map<string, string>(); // token -> resource
  const identityHeader = o.identityHeader ?? randomBytes(12).toString("hex");
  const teamsSignature = o.teamsSignature ?? randomBytes(16).toString("hex");

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { code: "StandInError", message: String(error) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://standin");
    const body = await readBody(req);
    const endpoint = route(req.method ?? "GET", url.pathname);
    const record = (status: number) =>
      requests.push({
        endpoint: endpoint ?? "unknown",
        method: req.method ?? "",
        path: url.pathname,
        status,
        at: new Date(),
      });
    if (!endpoint) {
      record(404);
      return send(res, 404, {
        error: { code: "NotFound", message: `the stand-in has no route for ${req.method} ${url.pathname}` },
      });
    }
    const outcome =
      endpoint === "identity"
        ? o.tokenOutcome?.(url.searchParams.get("client_id") ?? undefined, url.searchParams.get("resource") ?? "")
        : undefined;
    const fault =
      faults.take(endpoint) ??
      (outcome ? tokenFault(outcome, url.searchParams.get("resource") ?? "", o.tokenTimeoutMs ?? 15_000) : undefined);
    if (await applyTransportFault(fault, req, res, record)) return;
    if (fault?.kind === "status") {
      record(fault.status);
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
      return send(
        res,
        fault.status,
        fault.body ?? { error: { code: statusCode(fault.status), message: `injected ${fault.status}` } },
        headers,
      );
    }
    const answer =
      endpoint === "identity"
        ? identity(req, url, outcome === "ok")
        : endpoint === "logAnalytics"
          ? logAnalytics(req, url, body, fault)
          : teams(url, body);
    record(answer.status);
    send(res, answer.status, answer.body, answer.headers);
  }

  function identity(req: IncomingMessage, url: URL, anyClient: boolean): Answer {
    if (req.headers["x-identity-header"] !== identityHeader) {
      return { status: 401, body: { statusCode: 401, message: "The identity header is missing or wrong." } };
    }
    const resource = url.searchParams.get("resource");
    const clientId = url.searchParams.get("client_id");
    if (!resource) return { status: 400, body: { statusCode: 400, message: "The resource parameter is required." } };
    if (
      !anyClient &&
      o.managedIdentityClientId &&
      clientId &&
      clientId.toLowerCase() !== o.managedIdentityClientId.toLowerCase()
    ) {
      return {
        status: 400,
        body: {
          statusCode: 400,
          message: "Unable to load the proper Managed Identity.",
          correlationId: randomBytes(8).toString("hex"),
        },
      };
    }
    const token = `standin.${randomBytes(18).toString("base64url")}`;
    issued.set(token, resource.replace(/\/$/, ""));
    return {
      status: 200,
      body: {
        access_token: token,
        expires_on: String(Math.floor(Date.now() / 1000) + (o.tokenLifetimeSeconds ?? 3600)),
        resource,
        token_type: "Bearer",
        client_id: clientId ?? o.managedIdentityClientId ?? "00000000-0000-0000-0000-000000000000",
      },
    };
  }

  function logAnalytics(req: IncomingMessage, url: URL, body: string, fault: Fault | undefined): Answer {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const audience = token ? issued.get(token) : undefined;
    if (!audience) {
      return {
        status: 401,
        body: { error: { code: "InvalidAuthenticationToken", message: "Valid authentication was not provided" } },
      };
    }
    if (audience !== LOG_ANALYTICS_RESOURCE) {
      return {
        status: 401,
        body: {
          error: {
            code: "InvalidAuthenticationTokenAudience",
            message: `The access token has the wrong audience ${audience}`,
          },
        },
      };
    }
    // Classic Application Insights is queried by resource ID (/v1/subscriptions/.../components/x/query).
    const workspace = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(url.pathname)?.[1];
    if (workspace !== undefined && workspace.toLowerCase() !== o.workspaceId.toLowerCase()) {
      return {
        status: 404,
        body: { error: { code: "WorkspaceNotFoundError", message: `The workspace ${workspace} could not be found` } },
      };
    }
    let parsed: { query?: string; timespan?: string };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return { status: 400, body: { error: { code: "BadArgumentError", message: "The request body is not JSON" } } };
    }
    // Prefer: wait=N, as LogsQueryClient sends its serverTimeoutInSeconds.
    const wait = /\bwait=(\d+)/.exec(String(req.headers.prefer ?? ""))?.[1];
    const answer = o.workspace.answer(parsed.query ?? "", parsed.timespan, wait ? { waitSeconds: Number(wait) } : {});
    if (answer.status !== 200) return answer;
    const result = answer.body as { tables: { rows: unknown[][] }[] };
    const firstData = result.tables[0]?.rows.find((r) => r[1] === "data");
    if (fault?.kind === "malformed-rows" && firstData) {
      // A count that is not a number, as a schema drift upstream would produce.
      firstData[4] = JSON.stringify({ ...(JSON.parse(String(firstData[4])) as object), total: "not-a-number" });
    }
    if (fault?.kind === "partial") {
      return {
        status: 200,
        body: {
          ...result,
          error: {
            code: "PartialError",
            message: "There were some errors when processing your query.",
            details: [{ code: "EngineError", message: "Query result set has exceeded the internal data size limit" }],
          },
        },
      };
    }
    return answer;
  }

  function teams(url: URL, body: string): Answer {
    if (url.searchParams.get("sig") !== teamsSignature) {
      return {
        status: 401,
        body: {
          error: { code: "DirectApiInvalidAuthorizationSignature", message: "The provided signature is not valid." },
        },
      };
    }
    const bytes = Buffer.byteLength(body);
    if (bytes > TEAMS_LIMIT)
      return { status: 413, body: { error: { code: "RequestEntityTooLarge", message: "Request Entity too large" } } };
    let message: {
      type?: string;
      attachments?: { contentType?: string; content?: { type?: string; version?: string } }[];
    };
    try {
      message = JSON.parse(body) as typeof message;
    } catch {
      return {
        status: 400,
        body: { error: { code: "InvalidRequestContent", message: "The request content is not valid JSON." } },
      };
    }
    const card = message.attachments?.[0];
    if (
      message.type !== "message" ||
      card?.contentType !== "application/vnd.microsoft.card.adaptive" ||
      card.content?.type !== "AdaptiveCard"
    ) {
      return {
        status: 400,
        body: {
          error: { code: "InvalidRequestContent", message: "Expected a message with an Adaptive Card attachment." },
        },
      };
    }
    if (Number(card.content.version) > 1.5) {
      return {
        status: 400,
        body: {
          error: {
            code: "InvalidRequestContent",
            message: `Teams renders Adaptive Cards up to 1.5, got ${card.content.version}.`,
          },
        },
      };
    }
    teamsPosts.push({ at: new Date(), body: message, bytes });
    return { status: 202, body: "" };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    identityEndpoint: `${url}/msi/token`,
    identityHeader,
    teamsWebhookUrl: `${url}/workflows/7f3a9c2e/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${teamsSignature}`,
    faults,
    requests,
    teamsPosts,
    close: () => closeServer(server),
  };
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function route(method: string, path: string): Endpoint | undefined {
  if (method === "GET" && path === "/msi/token") return "identity";
  if (method === "POST" && /^\/v1\/(workspaces\/[^/]+|subscriptions\/.+)\/query$/.test(path)) return "logAnalytics";
  if (method === "POST" && /^\/workflows\/[^/]+\/triggers\/manual\/paths\/invoke$/.test(path)) return "teams";
  return undefined;
}

/** How the token endpoint answers: a scenario's probe outcomes. */
export type TokenOutcome = ProbeOutcomeName;

function tokenFault(outcome: TokenOutcome, resource: string, timeoutMs: number): Fault | undefined {
  switch (outcome) {
    case "ok":
      return undefined;
    case "identity-not-found":
      return {
        kind: "status",
        status: 400,
        body: { statusCode: 400, message: "Unable to load the proper Managed Identity." },
      };
    case "invalid-audience":
      return {
        kind: "status",
        status: 400,
        body: {
          statusCode: 400,
          message: `AADSTS500011: The resource principal named ${resource} was not found in the tenant.`,
        },
      };
    case "endpoint-unreachable":
      return { kind: "drop" };
    case "endpoint-timeout":
      return { kind: "delay", ms: timeoutMs };
    case "endpoint-error":
      return {
        kind: "status",
        status: 500,
        body: { statusCode: 500, message: "An unexpected error occurred while fetching the AAD Token." },
      };
  }
}

function statusCode(status: number): string {
  return status === 429 ? "TooManyRequests" : status >= 500 ? "ServiceUnavailable" : "BadRequest";
}
