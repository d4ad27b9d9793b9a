import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createIdentityProber } from "../../src/adapters/arm/identity-prober.js";
import { classifyProbeFailure } from "../../src/core/controlplane/probes.js";
import type { IdentityProber } from "../../src/core/controlplane/ports.js";
import type { Fault } from "../../tools/standin/faults.js";
import { startStandIn, type StandIn } from "../../tools/standin/server.js";
import { ORDERS_CLIENT_ID } from "./fixtures.js";

// One token stand-in for this file: the credential keeps its endpoint (and tokens) per process.
// The stand-in has the orders app's user-assigned identity attached, as the monitor's app would.
// Each test asks for its own audience, so no token cached by another test answers for it.
const TIMEOUT_MS = 500;
let tokens: StandIn;
let prober: IdentityProber;
beforeAll(async () => {
  tokens = await startStandIn({
    workspace: { answer: () => ({ status: 404, body: {} }) },
    workspaceId: "00000000-0000-0000-0000-000000000000",
    managedIdentityClientId: ORDERS_CLIENT_ID,
  });
  process.env.IDENTITY_ENDPOINT = tokens.identityEndpoint;
  process.env.IDENTITY_HEADER = tokens.identityHeader;
  prober = createIdentityProber({ env: process.env, timeoutMs: TIMEOUT_MS, maxRetries: 0 });
});
afterAll(() => tokens.close());
beforeEach(() => {
  tokens.faults.clear();
  tokens.requests.length = 0;
});

describe("probing token acquisition with the real ManagedIdentityCredential", () => {
  it("gets a token from the endpoint, says when the next one came from the cache, and hands out no token", async () => {
    const first = await prober.probe(ORDERS_CLIENT_ID, "https://vault.azure.net/.default");
    const second = await prober.probe(ORDERS_CLIENT_ID, "https://vault.azure.net/.default");
    expect(first).toMatchObject({ ok: true, cached: false });
    expect(second).toMatchObject({ ok: true, cached: true });
    expect(tokens.requests.map((r) => r.status)).toEqual([200]);
    // Stand-in tokens start with "standin.": none may leave the prober.
    expect(JSON.stringify([first, second])).not.toContain("standin.");
    expect(Object.keys(first).sort()).toEqual(["cached", "expiresOn", "ok"]);
  });

  it("probes the system-assigned identity when no client ID is given", async () => {
    expect(await prober.probe(undefined, "https://storage.azure.com/.default")).toMatchObject({
      ok: true,
      cached: false,
    });
    expect(tokens.requests.map((r) => [r.path, r.status])).toEqual([["/msi/token", 200]]);
  });

  const failures: {
    name: string;
    scope: string;
    clientId: string;
    fault?: Fault;
    want: { hypothesis: string; cause: string };
  }[] = [
    {
      name: "a user-assigned identity that is not attached is H1",
      scope: "https://servicebus.azure.net/.default",
      clientId: "deadbeef-0000-4000-8000-000000000000",
      want: { hypothesis: "H1", cause: "identity-not-found" },
    },
    {
      name: "an audience Entra ID does not know (AADSTS500011) is H5",
      scope: "https://vault.azure.example/.default",
      clientId: ORDERS_CLIENT_ID,
      fault: {
        kind: "status",
        status: 400,
        body: {
          error: "invalid_resource",
          error_description:
            "AADSTS500011: The resource principal named https://vault.azure.example was not found in the tenant named Contoso. This can happen if the application has not been installed by the administrator of the tenant.",
        },
      },
      want: { hypothesis: "H5", cause: "invalid-audience" },
    },
    {
      name: "an endpoint that holds the request past the probe's deadline is H6",
      scope: "https://management.azure.com/.default",
      clientId: ORDERS_CLIENT_ID,
      fault: { kind: "delay", ms: 3_000 },
      want: { hypothesis: "H6", cause: "endpoint-timeout" },
    },
    {
      name: "an endpoint that drops the connection is H6",
      scope: "https://database.windows.net/.default",
      clientId: ORDERS_CLIENT_ID,
      fault: { kind: "drop" },
      want: { hypothesis: "H6", cause: "endpoint-unreachable" },
    },
    {
      name: "an endpoint answering 503 is H6",
      scope: "https://eventhubs.azure.net/.default",
      clientId: ORDERS_CLIENT_ID,
      fault: { kind: "status", status: 503 },
      want: { hypothesis: "H6", cause: "endpoint-error" },
    },
  ];

  it.each(failures)("$name", async ({ scope, clientId, fault, want }) => {
    if (fault) tokens.faults.inject("identity", fault);
    const outcome = await prober.probe(clientId, scope);
    if (outcome.ok) throw new Error("the probe should have failed");
    const k = classifyProbeFailure(outcome.error, {
      endpointConfigured: prober.endpointConfigured,
      timedOut: outcome.timedOut,
      timeoutSeconds: TIMEOUT_MS / 1000,
    });
    expect(k).toMatchObject(want);
  });

  it("knows the platform names its token endpoint here, so a dead endpoint is an outage, not a missing identity", () => {
    expect(prober.endpointConfigured).toBe(true);
    expect(createIdentityProber({ env: {}, timeoutMs: 100 }).endpointConfigured).toBe(false);
  });
});
