import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { isFreeOfControls } from "./control-characters.js";

/**
 * The signed-in caller, as App Service Authentication (Easy Auth) hands it to the app: the
 * platform validates the Entra ID token and injects these headers; requests from outside cannot
 * set them ("External requests aren't allowed to set these headers, so they're present only if
 * App Service sets them", https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities).
 * That promise holds only where the platform's sign-in is on; docs/adr/0028-authenticated-responders.md.
 */
export const PRINCIPAL_HEADER = "x-ms-client-principal";
export const PRINCIPAL_ID_HEADER = "x-ms-client-principal-id";
export const PRINCIPAL_NAME_HEADER = "x-ms-client-principal-name";
export const PRINCIPAL_HEADERS = [PRINCIPAL_HEADER, PRINCIPAL_ID_HEADER, PRINCIPAL_NAME_HEADER] as const;

/** The app roles defined on the app registration (docs/access.md); any other role value is ignored. */
export const APP_ROLES = ["Reader", "Responder", "Admin"] as const;
export type AppRole = (typeof APP_ROLES)[number];

export interface Principal {
  /** The sign-in name (a UPN or e-mail for people, the app's name or client ID for a daemon). */
  name: string;
  /** The Entra object ID, when the platform gives one. */
  objectId: string | undefined;
  roles: AppRole[];
  /** The identity provider (`aad` for Entra ID), from `auth_typ`. */
  provider: string;
}

export type PrincipalRead =
  | { status: "absent" }
  | { status: "read"; principal: Principal }
  | { status: "invalid"; reason: string };

/**
 * An Entra ID token with many group claims makes a principal of a few kilobytes; 64 KB is far
 * above any the platform sends and keeps a forged one from costing more than a glance.
 */
const MAX_PRINCIPAL_CHARS = 64 * 1024;
const NAME_MAX = 200;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The decoded X-MS-CLIENT-PRINCIPAL: `{auth_typ, claims: [{typ, val}], name_typ, role_typ}`. */
const ClientPrincipalJson = z.object({
  auth_typ: z.string({ error: "expected auth_typ, a string" }),
  claims: z.array(z.object({ typ: z.string(), val: z.string() }), {
    error: "expected claims, a list of {typ, val} strings",
  }),
  name_typ: z.string().optional().nullable(),
  role_typ: z.string().optional().nullable(),
});

/** Entra's object ID claim, long and short (the platform maps claim names; either may arrive). */
const OBJECT_ID_CLAIMS = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];
const NAME_CLAIMS = ["name", "preferred_username", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"];
/**
 * Entra app roles arrive as claims of type `roles` while `role_typ` names the long role URI
 * (AzureAD/microsoft-identity-web#2166: "given Easy Auth is using AAD v2.0, the claim will always
 * be roles"), so both are read.
 */
const ROLE_CLAIMS = ["roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];

const header = (request: HttpRequest, name: string): string | undefined => {
  const v = request.headers.get(name);
  return v === null || v.trim() === "" ? undefined : v.trim();
};

/** True when any of the principal headers is on the request, trusted or not. */
export function carriesPrincipal(request: HttpRequest): boolean {
  return PRINCIPAL_HEADERS.some((h) => header(request, h) !== undefined);
}

/**
 * Reads the principal headers. Every way they can be wrong is a reason the caller can act on
 * (the answer is a 401), never a thrown error: bad base64, bad JSON, a wrong shape, no name.
 */
export function readPrincipal(request: HttpRequest): PrincipalRead {
  if (!carriesPrincipal(request)) return { status: "absent" };
  const invalid = (reason: string): PrincipalRead => ({ status: "invalid", reason });
  const encoded = header(request, PRINCIPAL_HEADER);
  if (encoded === undefined)
    return invalid(`${PRINCIPAL_HEADER} is missing: the app roles come from it, so the caller cannot be authorized`);
  if (encoded.length > MAX_PRINCIPAL_CHARS)
    return invalid(`${PRINCIPAL_HEADER} is longer than ${MAX_PRINCIPAL_CHARS} characters`);
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) return invalid(`${PRINCIPAL_HEADER} is not valid base64`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch {
    return invalid(`${PRINCIPAL_HEADER} does not decode to JSON`);
  }
  const parsed = ClientPrincipalJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return invalid(`${PRINCIPAL_HEADER} is not a client principal: ${at}${issue?.message ?? "unexpected shape"}`);
  }
  const p = parsed.data;
  const claim = (types: readonly (string | null | undefined)[]) =>
    p.claims.find((c) => types.includes(c.typ) && c.val.trim() !== "")?.val.trim();

  const objectId = header(request, PRINCIPAL_ID_HEADER) ?? claim(OBJECT_ID_CLAIMS);
  const name = header(request, PRINCIPAL_NAME_HEADER) ?? claim([p.name_typ, ...NAME_CLAIMS]) ?? objectId;
  if (name === undefined) return invalid("the principal has neither a name nor an ID");
  if (name.length > NAME_MAX) return invalid(`the principal's name is longer than ${NAME_MAX} characters`);
  // The name reaches log lines, cards and pages: a control character would forge them.
  if (!isFreeOfControls(name) || (objectId !== undefined && !isFreeOfControls(objectId)))
    return invalid("the principal's name or ID contains control characters");
  if (objectId !== undefined && objectId.length > NAME_MAX)
    return invalid(`the principal's ID is longer than ${NAME_MAX} characters`);

  const roleTypes = new Set([...ROLE_CLAIMS, ...(p.role_typ ? [p.role_typ] : [])]);
  const given = new Set(p.claims.filter((c) => roleTypes.has(c.typ)).map((c) => c.val));
  const roles = APP_ROLES.filter((r) => given.has(r));
  return { status: "read", principal: { name, objectId, roles, provider: p.auth_typ } };
}

/** The headers the platform would inject for `principal`: what the local host sends in its place. */
export function principalHeaders(
  principal: Omit<Principal, "provider"> & { provider?: string },
): Record<string, string> {
  const claims = [
    { typ: "name", val: principal.name },
    ...(principal.objectId ? [{ typ: OBJECT_ID_CLAIMS[0] as string, val: principal.objectId }] : []),
    ...principal.roles.map((r) => ({ typ: "roles", val: r })),
  ];
  const json = {
    auth_typ: principal.provider ?? "aad",
    claims,
    name_typ: "name",
    role_typ: ROLE_CLAIMS[1],
  };
  return {
    [PRINCIPAL_HEADER]: Buffer.from(JSON.stringify(json), "utf8").toString("base64"),
    [PRINCIPAL_NAME_HEADER]: principal.name,
    ...(principal.objectId ? { [PRINCIPAL_ID_HEADER]: principal.objectId } : {}),
  };
}
