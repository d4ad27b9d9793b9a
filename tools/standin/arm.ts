import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { ArmFaultPlan, type ArmEndpoint, type ArmFault } from "./arm-faults.js";
import {
  authorizationFailed,
  diagnosticSettingBody,
  emptyArmState,
  roleAssignmentBody,
  roleDefinitionBody,
  vaultBody,
  type ArmState,
} from "./arm-state.js";
import { applyTransportFault, closeServer, readBody, send } from "./http.js";

export interface ArmStandInOptions {
  state?: Partial<ArmState>;
  /** Who the caller is, for the text of 403 answers. */
  callerClientId?: string;
  callerObjectId?: string;
  port?: number;
}

/** One request the ARM stand-in answered. */
export interface ArmSeenRequest {
  endpoint: ArmEndpoint | "unknown";
  method: string;
  /** Path as received, e.g. /subscriptions/.../providers/Microsoft.KeyVault/vaults/kv */
  path: string;
  apiVersion: string | undefined;
  /** $filter of list requests. */
  filter: string | undefined;
  status: number;
  at: Date;
}

export interface ArmStandIn {
  /** Base URL for redirectTo(), e.g. http://127.0.0.1:41235 */
  url: string;
  /** Mutable: tests change assignments, vaults and settings between ticks. */
  state: ArmState;
  faults: ArmFaultPlan;
  requests: ArmSeenRequest[];
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Route {
  endpoint: ArmEndpoint;
  /** The scope whose Reader the request needs. */
  scope: string;
  /** The action ARM names in a 403. */
  action: string;
  answer: (url: URL, body: string) => Answer;
}

const READ_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments/read";

/**
 * A local stand-in for the Azure Resource Manager reads vaultwatch makes: role assignments (list
 * at a scope with $filter, paged by nextLink), role definitions, vaults, diagnostic settings and
 * Resource Graph. A separate server from the data-plane stand-in (server.ts). It checks that a
 * bearer token is present (not its audience: tokens come from the other stand-in), enforces the
 * caller's Reader scopes with ARM's 403 body, and takes status, delay, drop and 403 faults.
 */
export async function startArmStandIn(o: ArmStandInOptions = {}): Promise<ArmStandIn> {
  const state: ArmState = { ...emptyArmState(), ...o.state };
  const faults = new ArmFaultPlan();
  const requests: ArmSeenRequest[] = [];
  const clientId = o.callerClientId ?? "0b5c7d9e-2f4a-4b6c-8d0e-1a3b5c7d9f2e";
  const objectId = o.callerObjectId ?? "5e1f3a7c-9b2d-4c6e-8f0a-2b4c6d8e0f1a";

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) =>
      send(res, 500, { error: { code: "StandInError", message: String(error) } }),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://arm");
    const body = await readBody(req);
    const route = routeOf(req.method ?? "GET", url.pathname);
    const record = (status: number) =>
      requests.push({
        endpoint: route?.endpoint ?? "unknown",
        method: req.method ?? "",
        path: url.pathname,
        apiVersion: url.searchParams.get("api-version") ?? undefined,
        filter: url.searchParams.get("$filter") ?? undefined,
        status,
        at: new Date(),
      });
    if (!route) {
      record(404);
      return send(res, 404, {
        error: {
          code: "NoRegisteredProviderFound",
          message: `the ARM stand-in has no route for ${req.method} ${url.pathname}`,
        },
      });
    }
    const fault = faults.take(route.endpoint, url.pathname);
    if (await applyTransportFault(fault, req, res, record)) return;
    const answer = faulted(fault, route) ?? guarded(req, url, body, route);
    record(answer.status);
    send(res, answer.status, answer.body, answer.headers);
  }

  function faulted(fault: ArmFault | undefined, route: Route): Answer | undefined {
    if (fault?.kind === "forbidden")
      return { status: 403, body: authorizationFailed(clientId, objectId, route.action, route.scope) };
    if (fault?.kind !== "status") return undefined;
    const headers: Record<string, string> =
      fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
    const code = fault.status === 429 ? "TooManyRequests" : fault.status >= 500 ? "InternalServerError" : "BadRequest";
    return {
      status: fault.status,
      body: fault.body ?? { error: { code, message: `injected ${fault.status}` } },
      headers,
    };
  }

  function guarded(req: IncomingMessage, url: URL, body: string, route: Route): Answer {
    if (!/^Bearer \S+$/.test(req.headers.authorization ?? "")) {
      return {
        status: 401,
        body: {
          error: {
            code: "AuthenticationFailed",
            message: "Authentication failed. The 'Authorization' header is missing.",
          },
        },
      };
    }
    if (!url.searchParams.get("api-version")) {
      return {
        status: 400,
        body: {
          error: {
            code: "MissingApiVersionParameter",
            message: "The api-version query parameter (?api-version=) is required for all requests.",
          },
        },
      };
    }
    if (route.endpoint !== "resourceGraph" && !canRead(route.scope))
      return { status: 403, body: authorizationFailed(clientId, objectId, route.action, route.scope) };
    return route.answer(url, body);
  }

  function canRead(scope: string): boolean {
    return state.readerScopes === undefined || state.readerScopes.some((r) => atOrAbove(r, scope));
  }

  function routeOf(method: string, path: string): Route | undefined {
    const p = path;
    let m: RegExpExecArray | null;
    if (method === "GET" && (m = /^(\/.*)?\/providers\/Microsoft\.Authorization\/roleAssignments$/i.exec(p))) {
      const scope = m[1] ?? "/";
      if (scope.startsWith("//")) return undefined;
      return {
        endpoint: "roleAssignments",
        scope,
        action: READ_ASSIGNMENTS,
        answer: (url) => listAssignments(scope, url),
      };
    }
    if (method === "GET" && (m = /^(\/.*)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i.exec(p))) {
      const scope = m[1] ?? "/";
      const guid = (m[2] ?? "").toLowerCase();
      if (scope.startsWith("//")) return undefined;
      return {
        endpoint: "roleDefinitions",
        scope,
        action: "Microsoft.Authorization/roleDefinitions/read",
        answer: () => roleDefinition(scope, guid),
      };
    }
    if (
      method === "GET" &&
      (m =
        /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+)\/providers\/Microsoft\.Insights\/diagnosticSettings$/i.exec(
          p,
        ))
    ) {
      const vault = m[1] ?? "";
      return {
        endpoint: "diagnosticSettings",
        scope: vault,
        action: "microsoft.insights/diagnosticSettings/read",
        answer: () => diagnosticSettings(vault),
      };
    }
    if (
      method === "GET" &&
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+$/i.test(p)
    ) {
      return { endpoint: "vaults", scope: p, action: "Microsoft.KeyVault/vaults/read", answer: () => vault(p) };
    }
    if (method === "POST" && /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(p)) {
      return {
        endpoint: "resourceGraph",
        scope: "/",
        action: "Microsoft.ResourceGraph/resources/read",
        answer: (_url, body) => resourceGraph(body),
      };
    }
    return undefined;
  }

  function listAssignments(scope: string, url: URL): Answer {
    const filter = url.searchParams.get("$filter") ?? "";
    const principal = /^principalId eq '([^']+)'$/i.exec(filter.trim())?.[1]?.toLowerCase();
    if (filter && !principal && !/^atScope\(\)$/i.test(filter.trim())) {
      return {
        status: 400,
        body: { error: { code: "UnsupportedQuery", message: `the ARM stand-in does not support $filter=${filter}` } },
      };
    }
    // principalId eq: at, above and below the scope; atScope(): at and above; none: at, above and below.
    const matching = state.roleAssignments.filter((a) => {
      if (principal && a.principalId.toLowerCase() !== principal) return false;
      return atOrAbove(a.scope, scope) || (!/^atScope/i.test(filter) && below(a.scope, scope));
    });
    const skip = Number(url.searchParams.get("$skipToken") ?? "0");
    const page = matching.slice(skip, skip + state.pageSize);
    const next =
      skip + state.pageSize < matching.length
        ? new URL(`https://management.azure.com${url.pathname}${url.search}`)
        : undefined;
    next?.searchParams.set("$skipToken", String(skip + state.pageSize));
    const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? "00000000-0000-0000-0000-000000000000";
    return {
      status: 200,
      body: {
        value: page.map((a) => roleAssignmentBody(a, (a.name ??= randomUUID()), sub)),
        ...(next ? { nextLink: next.toString() } : {}),
      },
    };
  }

  function roleDefinition(scope: string, guid: string): Answer {
    const d = state.roleDefinitions.find((r) => r.guid.toLowerCase() === guid);
    if (!d)
      return {
        status: 404,
        body: {
          error: {
            code: "RoleDefinitionDoesNotExist",
            message: `The specified role definition with ID '${guid}' does not exist.`,
          },
        },
      };
    return { status: 200, body: roleDefinitionBody(d, scope) };
  }

  function vault(path: string): Answer {
    const v = state.vaults.find((x) => x.id.toLowerCase() === path.toLowerCase());
    if (!v) {
      // "", subscriptions, {sub}, resourceGroups, {rg}, providers, Microsoft.KeyVault, vaults, {name}
      const [, , , , rg, , , , name] = path.split("/");
      return {
        status: 404,
        body: {
          error: {
            code: "ResourceNotFound",
            message: `The Resource 'Microsoft.KeyVault/vaults/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
          },
        },
      };
    }
    return { status: 200, body: vaultBody(v) };
  }

  function diagnosticSettings(vaultPath: string): Answer {
    const id = vaultPath.toLowerCase();
    if (!state.vaults.some((v) => v.id.toLowerCase() === id)) {
      return {
        status: 404,
        body: { error: { code: "ResourceNotFound", message: `The Resource '${vaultPath}' was not found.` } },
      };
    }
    return {
      status: 200,
      body: { value: (state.diagnosticSettings[id] ?? []).map((s) => diagnosticSettingBody(vaultPath, s)) },
    };
  }

  function resourceGraph(text: string): Answer {
    let q: {
      subscriptions?: string[];
      query?: string;
      options?: { $top?: number; $skipToken?: string; resultFormat?: string };
    };
    try {
      q = JSON.parse(text) as typeof q;
    } catch {
      return { status: 400, body: { error: { code: "BadRequest", message: "The request body is not JSON" } } };
    }
    if (!/type\s*=~\s*'microsoft\.keyvault\/vaults'/i.test(q.query ?? "")) {
      return {
        status: 400,
        body: { error: { code: "BadRequest", message: "the ARM stand-in answers only the Key Vault discovery query" } },
      };
    }
    const subs = new Set((q.subscriptions ?? []).map((s) => s.toLowerCase()));
    // Resource Graph shows only what the caller may read: no error for the rest.
    const rows = state.vaults
      .filter((v) => subs.has((v.id.split("/")[2] ?? "").toLowerCase()) && canRead(v.id))
      .map((v) => {
        const [, , subscriptionId, , resourceGroup, , , , name] = v.id.split("/");
        return { id: v.id, name, resourceGroup: resourceGroup?.toLowerCase(), subscriptionId };
      })
      .sort((a, b) => a.id.localeCompare(b.id));
    const top = Math.min(q.options?.$top ?? 100, state.pageSize);
    const skip = Number(q.options?.$skipToken ?? "0");
    const page = rows.slice(skip, skip + top);
    const more = skip + top < rows.length;
    return {
      status: 200,
      body: {
        totalRecords: rows.length,
        count: page.length,
        resultTruncated: "false",
        ...(more ? { $skipToken: String(skip + top) } : {}),
        data: page,
        facets: [],
      },
      headers: { "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05" },
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    faults,
    requests,
    close: () => closeServer(server),
  };
}

function norm(s: string): string {
  return s.toLowerCase().replace(/\/+$/, "") || "/";
}

/** Management group and root scopes sit above every subscription here. */
function atOrAbove(scope: string, target: string): boolean {
  const s = norm(scope);
  const t = norm(target);
  return (
    s === "/" ||
    s === t ||
    t.startsWith(`${s}/`) ||
    (/^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(s) && t.startsWith("/subscriptions/"))
  );
}

function below(scope: string, target: string): boolean {
  return norm(scope).startsWith(`${norm(target)}/`);
}
