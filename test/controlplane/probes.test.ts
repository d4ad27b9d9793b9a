import { describe, expect, it } from "vitest";
import { classifyProbeFailure } from "../../src/core/controlplane/probes.js";

/** The error @azure/identity 4.14 throws for every managed-identity failure (seen against the stand-in). */
function unavailable(message: string): Error {
  return Object.assign(new Error(message), { name: "CredentialUnavailableError" });
}

const appService = { endpointConfigured: true, timedOut: false, timeoutSeconds: 5 };
const noEndpoint = { endpointConfigured: false, timedOut: false, timeoutSeconds: 5 };

describe("classifying a failed token acquisition", () => {
  const cases = [
    {
      name: "a user-assigned identity the app does not have is H1 (identity not found)",
      error: unavailable(
        "ManagedIdentityCredential: Authentication failed. Message : Error(s): Not Available - Timestamp: Not Available - Description: Unable to load the proper Managed Identity. - Correlation ID: 2019d4bb19841651 - Trace ID: Not Available",
      ),
      context: appService,
      want: { cause: "identity-not-found", hypothesis: "H1" },
    },
    {
      name: "IMDS saying the identity is not found is H1",
      error: unavailable(
        'ManagedIdentityCredential: Authentication failed. Message {"error":"invalid_request","error_description":"Identity not found"}',
      ),
      context: noEndpoint,
      want: { cause: "identity-not-found", hypothesis: "H1" },
    },
    {
      name: "an audience Entra ID does not know (AADSTS500011) is H5",
      error: unavailable(
        "ManagedIdentityCredential: Authentication failed. Message invalid_resource: Error(s): Not Available - Timestamp: Not Available - Description: AADSTS500011: The resource principal named https://vault.azure.example was not found in the tenant named T.",
      ),
      context: appService,
      want: { cause: "invalid-audience", hypothesis: "H5" },
    },
    {
      name: "asking for two scopes at once is H5",
      error: unavailable(
        'ManagedIdentityCredential: Multiple scopes are not supported. Scopes: ["https://vault.azure.net/.default","https://storage.azure.com/.default"]',
      ),
      context: appService,
      want: { cause: "invalid-audience", hypothesis: "H5" },
    },
    {
      name: "a probe that ran out of time is H6",
      error: new Error("no token within 500 ms"),
      context: { ...appService, timedOut: true },
      want: { cause: "endpoint-timeout", hypothesis: "H6" },
    },
    {
      name: "a connection the platform's endpoint dropped is H6 where the platform names an endpoint",
      error: unavailable(
        "ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error for details",
      ),
      context: appService,
      want: { cause: "endpoint-unreachable", hypothesis: "H6" },
    },
    {
      name: "an unreachable endpoint where none is named means no managed identity here: H1",
      error: unavailable(
        "ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error for details",
      ),
      context: noEndpoint,
      want: { cause: "identity-unavailable", hypothesis: "H1" },
    },
    {
      name: "a server error from the endpoint is H6",
      error: unavailable(
        "ManagedIdentityCredential: Authentication failed. Message ServiceUnavailable: Error(s): Not Available - Timestamp: Not Available - Description: injected 503",
      ),
      context: appService,
      want: { cause: "endpoint-error", hypothesis: "H6" },
    },
    {
      name: "anything else is unclassified rather than guessed",
      error: new TypeError("Cannot read properties of undefined"),
      context: appService,
      want: { cause: "unclassified", hypothesis: undefined },
    },
  ];

  it.each(cases)("$name", ({ error, context, want }) => {
    expect(classifyProbeFailure(error, context)).toMatchObject(want);
  });

  it("keeps the credential's own words, without anything that looks like a token", () => {
    const k = classifyProbeFailure(
      unavailable(
        "ManagedIdentityCredential: Authentication failed. Message Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3ZhdWx0In0.c2ln rejected",
      ),
      appService,
    );
    expect(k.detail).toContain("ManagedIdentityCredential: Authentication failed.");
    expect(k.detail).not.toContain("eyJ0eXAi");
  });
});
