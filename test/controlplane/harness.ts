import { ManagedIdentityCredential } from "@azure/identity";
import { startStandIn, type StandIn } from "../../tools/standin/server.js";
import { startArmStandIn, type ArmStandIn } from "../../tools/standin/arm.js";
import type { ArmState } from "../../tools/standin/arm-state.js";
import { redirectTo } from "../../tools/standin/redirect.js";
import type { ArmAdapterOptions } from "../../src/adapters/arm/options.js";
import { ArmTrafficLog } from "../../src/adapters/arm/traffic.js";
import { testClock, type TestClock } from "../fixtures/sleep.js";

/** The monitor's user-assigned identity, the one the token stand-in knows. */
export const MONITOR_CLIENT_ID = "0b5c7d9e-2f4a-4b6c-8d0e-1a3b5c7d9f2e";

export interface ArmHarness {
  tokens: StandIn;
  arm: ArmStandIn;
  traffic: ArmTrafficLog;
  /** The waits between retries the adapters asked for; none is sat through. */
  clock: TestClock;
  /** What the composition root would pass every ARM adapter, pointed at the stand-in. */
  options: ArmAdapterOptions;
  close(): Promise<void>;
}

/**
 * The ARM adapters as in Azure, against local stand-ins: the real ManagedIdentityCredential gets
 * its ARM token from the token stand-in (IDENTITY_ENDPOINT), the real ARM clients reach the ARM
 * stand-in through the redirecting HttpClient. Waits between retries are recorded, not sat through.
 * The credential keeps its endpoint in static fields: one harness per test file.
 */
export async function startArmHarness(state: Partial<ArmState> = {}): Promise<ArmHarness> {
  const tokens = await startStandIn({
    workspace: {
      answer: () => ({ status: 404, body: { error: { code: "NotUsed", message: "no workspace in these tests" } } }),
    },
    workspaceId: "00000000-0000-0000-0000-000000000000",
    managedIdentityClientId: MONITOR_CLIENT_ID,
  });
  process.env.IDENTITY_ENDPOINT = tokens.identityEndpoint;
  process.env.IDENTITY_HEADER = tokens.identityHeader;
  const arm = await startArmStandIn({ state, callerClientId: MONITOR_CLIENT_ID });
  const traffic = new ArmTrafficLog();
  // The reads' deadline (timeoutMs below) is held: it passes only when a test says so.
  const clock = testClock(15_000);
  const credential = new ManagedIdentityCredential({ clientId: MONITOR_CLIENT_ID, retryOptions: { maxRetries: 0 } });
  return {
    tokens,
    arm,
    traffic,
    clock,
    options: {
      credential,
      httpClient: redirectTo(arm.url),
      traffic,
      maxRetries: 2,
      timeoutMs: 15_000,
      sleep: clock.sleep,
    },
    close: async () => {
      await arm.close();
      await tokens.close();
    },
  };
}

/** The ARM IDs as ARM spells them (mixed case); the code under test lower-cases them. */
export function armId(lower: string): string {
  return lower
    .replace("/resourcegroups/", "/resourceGroups/")
    .replace("/providers/microsoft.keyvault/vaults/", "/providers/Microsoft.KeyVault/vaults/")
    .replace(
      "/providers/microsoft.operationalinsights/workspaces/",
      "/providers/Microsoft.OperationalInsights/workspaces/",
    );
}
