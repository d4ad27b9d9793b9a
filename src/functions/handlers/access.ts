import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Runtime } from "../../app/runtime.js";
import type { Person } from "../../core/notify/silence.js";
import { endpoint, type HttpHandler, NO_STORE } from "../http/requests.js";
import { type AppRole, type Principal, PRINCIPAL_HEADER, readPrincipal } from "../http/principal.js";

/**
 * Whether the principal headers on a request can be believed: only when something in front of
 * the app vouches for them. Deployed, that is App Service Authentication; on `npm start`, the
 * local host, which drops whatever principal headers a client sent and sets its own.
 */
export type PrincipalTrust = { trusted: true; by: string } | { trusted: false; why: string };

/**
 * The platform sets WEBSITE_AUTH_ENABLED=True on an app whose App Service Authentication is on
 * (Microsoft.Identity.Web's AppServicesAuthenticationInformation reads the same variable:
 * https://github.com/AzureAD/microsoft-identity-web, src/Microsoft.Identity.Web/AppServicesAuth).
 * It is not an app setting of ours: main.bicep sets the whole list, and never this.
 */
export function trustFromEnv(env: Readonly<Record<string, string | undefined>>): PrincipalTrust {
  return (env.WEBSITE_AUTH_ENABLED ?? "").trim().toLowerCase() === "true"
    ? { trusted: true, by: "App Service Authentication" }
    : {
        trusted: false,
        why: "App Service Authentication is off on this app (WEBSITE_AUTH_ENABLED is not True), so no caller can be identified; docs/access.md turns it on",
      };
}

/** What an endpoint lets its caller do; each needs one role, and a higher role includes the lower. */
export type Permission = "read" | "respond" | "silence";

const ROLE_FOR: Record<Permission, AppRole> = { read: "Reader", respond: "Responder", silence: "Admin" };
/** Admin ⊇ Responder ⊇ Reader: whoever may act on an incident may see it. */
const RANK: Record<AppRole, number> = { Reader: 0, Responder: 1, Admin: 2 };
const DOING: Record<Permission, string> = {
  read: "reading incidents and silences",
  respond: "acknowledging or closing an incident",
  silence: "creating or expiring a silence",
};

/** Who made the request: a signed-in principal, or a function key alone (a machine, reads only). */
export type Caller = { kind: "person"; principal: Principal } | { kind: "key" };

/** The person a write is recorded for. */
export const personOf = (p: Principal): Person => ({ name: p.name, objectId: p.objectId });

/** How a caller appears in a log line. */
export function callerLabel(c: Caller): string {
  if (c.kind === "key") return "a function key";
  return c.principal.objectId && c.principal.objectId !== c.principal.name
    ? `${c.principal.name} (${c.principal.objectId})`
    : c.principal.name;
}

const unauthenticated = (reason: string): HttpResponseInit => ({
  status: 401,
  // RFC 9110 §11.6.1: a 401 names the scheme; Entra ID tokens are bearer tokens.
  headers: { ...NO_STORE, "www-authenticate": 'Bearer realm="vaultwatch"' },
  jsonBody: { error: "unauthenticated", reason },
});

export type Authorized = { ok: true; caller: Caller } | { ok: false; response: HttpResponseInit };

/**
 * Decides whether the request may do `permission`. A function key got it this far (every route is
 * authLevel "function"); a key with nobody signed in may read, as a machine does, and nothing
 * more. Anything that changes what on-call is told needs a signed-in person with the role.
 */
export function authorize(request: HttpRequest, trust: PrincipalTrust, permission: Permission): Authorized {
  const read = readPrincipal(request);
  if (read.status !== "absent" && !trust.trusted)
    return {
      ok: false,
      response: unauthenticated(
        `the request carries ${PRINCIPAL_HEADER} headers, but they are not trusted: ${trust.why}`,
      ),
    };
  if (read.status === "absent") {
    if (permission === "read") return { ok: true, caller: { kind: "key" } };
    return {
      ok: false,
      response: unauthenticated(
        trust.trusted
          ? `${DOING[permission]} needs a signed-in person with the ${ROLE_FOR[permission]} app role; a function key alone names no one`
          : `${DOING[permission]} needs a signed-in person, and ${trust.why}`,
      ),
    };
  }
  if (read.status === "invalid") return { ok: false, response: unauthenticated(read.reason) };
  const { principal } = read;
  const needed = ROLE_FOR[permission];
  if (principal.roles.some((r) => RANK[r] >= RANK[needed])) return { ok: true, caller: { kind: "person", principal } };
  const has = principal.roles.length > 0 ? `has ${principal.roles.join(", ")}` : "has no vaultwatch app role";
  return {
    ok: false,
    response: {
      status: 403,
      headers: NO_STORE,
      jsonBody: {
        error: "forbidden",
        reason: `${DOING[permission]} needs the ${needed} app role (or a higher one); ${principal.name} ${has}`,
        role: needed,
      },
    },
  };
}

/**
 * An endpoint whose caller is authorized for `permission` before anything else is read: a caller
 * who may not act learns nothing about the request's validity. `C` may be PersonCaller for any
 * permission but "read": authorize lets a function key alone do nothing else.
 */
export function authorizedEndpoint<C extends Caller = Caller>(
  name: string,
  method: "GET" | "POST" | "DELETE",
  permission: Permission,
  getRuntime: () => Runtime,
  getTrust: () => PrincipalTrust,
  body: (rt: Runtime, request: HttpRequest, context: InvocationContext, caller: C) => Promise<HttpResponseInit>,
): HttpHandler {
  return endpoint(name, method, getRuntime, async (rt, request, context) => {
    const a = authorize(request, getTrust(), permission);
    if (!a.ok) {
      const r = a.response.jsonBody as { reason: string };
      context.warn(`${name}: refused (${a.response.status}): ${r.reason}`);
      return a.response;
    }
    return body(rt, request, context, a.caller as C);
  });
}

/** A caller who is a person: what write endpoints receive (authorize never lets a key write). */
export type PersonCaller = Extract<Caller, { kind: "person" }>;
