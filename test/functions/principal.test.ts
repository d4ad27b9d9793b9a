import { describe, expect, it } from "vitest";
import { HttpRequest } from "@azure/functions";
import { principalHeaders, readPrincipal } from "../../src/functions/http/principal.js";
import { trustFromEnv } from "../../src/functions/handlers/access.js";

const withHeaders = (headers: Record<string, string>) =>
  new HttpRequest({ method: "GET", url: "http://localhost/api/incidents", headers });
const encode = (json: unknown) => Buffer.from(JSON.stringify(json)).toString("base64");

/**
 * What App Service Authentication injects for an Entra ID user with two app roles: the claim
 * types after the platform's claim mapping, and app roles as `roles` claims while role_typ names
 * the long URI (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities).
 */
const ENTRA_USER = {
  auth_typ: "aad",
  claims: [
    { typ: "aud", val: "api://3c1a7e52-0b9d-4f6e-8a21-5d4c3b2a1f00" },
    {
      typ: "http://schemas.microsoft.com/identity/claims/objectidentifier",
      val: "7c1e0a52-3b9d-4f6e-8a21-5d4c3b2a1f00",
    },
    { typ: "name", val: "Alice Example" },
    { typ: "preferred_username", val: "alice@contoso.com" },
    { typ: "roles", val: "Responder" },
    { typ: "roles", val: "Reader" },
    { typ: "roles", val: "Vault.Owner" },
  ],
  name_typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
  role_typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
};

describe("reading the principal the platform injects", () => {
  it("takes the name and object ID from their headers and the app roles from the roles claims", () => {
    const r = readPrincipal(
      withHeaders({
        "X-MS-CLIENT-PRINCIPAL": encode(ENTRA_USER),
        "X-MS-CLIENT-PRINCIPAL-ID": "7c1e0a52-3b9d-4f6e-8a21-5d4c3b2a1f00",
        "X-MS-CLIENT-PRINCIPAL-NAME": "alice@contoso.com",
      }),
    );
    expect(r).toEqual({
      status: "read",
      principal: {
        name: "alice@contoso.com",
        objectId: "7c1e0a52-3b9d-4f6e-8a21-5d4c3b2a1f00",
        // Roles the app does not define are ignored.
        roles: ["Reader", "Responder"],
        provider: "aad",
      },
    });
  });

  it("falls back to the claims when the name and ID headers are absent, and reads roles under role_typ too", () => {
    const daemon = {
      auth_typ: "aad",
      claims: [
        { typ: "oid", val: "5b0c1d2e-0000-4000-8000-00000000d43e" },
        { typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", val: "Reader" },
      ],
      name_typ: "name",
      role_typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
    };
    expect(readPrincipal(withHeaders({ "x-ms-client-principal": encode(daemon) }))).toEqual({
      status: "read",
      // An app-only token has no user name: the object ID names it.
      principal: {
        name: "5b0c1d2e-0000-4000-8000-00000000d43e",
        objectId: "5b0c1d2e-0000-4000-8000-00000000d43e",
        roles: ["Reader"],
        provider: "aad",
      },
    });
  });

  it("says nobody is signed in when no principal header is there", () => {
    expect(readPrincipal(withHeaders({ "x-functions-key": "k" }))).toEqual({ status: "absent" });
  });

  it.each([
    [
      "the principal itself missing",
      { "x-ms-client-principal-name": "alice" },
      "x-ms-client-principal is missing: the app roles come from it, so the caller cannot be authorized",
    ],
    ["bad base64", { "x-ms-client-principal": "eyJ%%%" }, "x-ms-client-principal is not valid base64"],
    [
      "base64 of no JSON",
      { "x-ms-client-principal": Buffer.from("alice").toString("base64") },
      "x-ms-client-principal does not decode to JSON",
    ],
    [
      "claims of the wrong shape",
      { "x-ms-client-principal": encode({ auth_typ: "aad", claims: [{ typ: "roles", val: 1 }] }) },
      "x-ms-client-principal is not a client principal: claims.0.val: Invalid input: expected string, received number",
    ],
    [
      "no name and no ID",
      { "x-ms-client-principal": encode({ auth_typ: "aad", claims: [] }) },
      "the principal has neither a name nor an ID",
    ],
    [
      "a line break in the name",
      // Through the claims: header values cannot carry one.
      {
        "x-ms-client-principal": encode({
          auth_typ: "aad",
          claims: [{ typ: "name", val: "alice\n[info] ack by bob" }],
        }),
      },
      "the principal's name or ID contains control characters",
    ],
    [
      "an oversized principal",
      { "x-ms-client-principal": "A".repeat(64 * 1024 + 4) },
      "x-ms-client-principal is longer than 65536 characters",
    ],
  ])("refuses %s with a reason", (_, headers, reason) => {
    expect(readPrincipal(withHeaders(headers))).toEqual({ status: "invalid", reason });
  });

  it("reads back what the local host injects for its development principal", () => {
    const headers = principalHeaders({ name: "local-dev", objectId: undefined, roles: ["Admin"] });
    expect(readPrincipal(withHeaders(headers))).toEqual({
      status: "read",
      principal: { name: "local-dev", objectId: undefined, roles: ["Admin"], provider: "aad" },
    });
  });
});

describe("whether the principal headers are trusted", () => {
  it("trusts them only where the platform says App Service Authentication is on", () => {
    expect(trustFromEnv({ WEBSITE_AUTH_ENABLED: "True" })).toEqual({ trusted: true, by: "App Service Authentication" });
    expect(trustFromEnv({ WEBSITE_AUTH_ENABLED: "true" }).trusted).toBe(true);
    for (const env of [
      {},
      { WEBSITE_AUTH_ENABLED: "False" },
      { WEBSITE_AUTH_ENABLED: "" },
      { WEBSITE_AUTH_ENABLED: "1" },
    ])
      expect(trustFromEnv(env)).toMatchObject({
        trusted: false,
        why: expect.stringContaining("WEBSITE_AUTH_ENABLED is not True"),
      });
  });
});
