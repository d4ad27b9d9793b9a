import type { ResourceGraphModels } from "@azure/arm-resourcegraph";
import { armSdk } from "./lazy-sdk.js";
import { normalizeId } from "../../core/controlplane/arm-ids.js";
import type { ArmRead, VaultDiscovery } from "../../core/controlplane/ports.js";
import type { DiscoveredVault } from "../../core/controlplane/views.js";
import { msRestHttpClient, type MsHttpClient } from "./ms-rest-bridge.js";
import { retryAfterMs } from "../http-failure.js";
import { sendWithRetries, type AbortSignalLike } from "../retry.js";
import { armRead, endpointOf, retryOptionsOf, type ArmAdapterOptions } from "./options.js";

/** The one query discovery runs; the ARM stand-in recognizes it by its type filter. */
export const DISCOVERY_QUERY =
  "resources | where type =~ 'microsoft.keyvault/vaults' | project id, name, resourceGroup, subscriptionId | order by id asc";

/** Resource Graph's guidance: group subscriptions, fewer than 300 per query. */
const SUBSCRIPTIONS_PER_QUERY = 300;
/** The largest page Resource Graph returns ($top at most 1000). */
const PAGE = 1000;

type Options = ResourceGraphModels.ResourceGraphClientOptions;
type Factory = Extract<NonNullable<Options["requestPolicyFactories"]>, unknown[]>[number];
type MsRequest = Parameters<MsHttpClient["sendRequest"]>[0];
type MsResponse = Awaited<ReturnType<MsHttpClient["sendRequest"]>>;

/**
 * Vault discovery through Azure Resource Graph (@azure/arm-resourcegraph 4.2.1, api-version
 * 2021-03-01). Resource Graph answers with what the monitor may read: a subscription without
 * Reader looks empty rather than failing. It allows about 15 queries per 5 seconds per principal;
 * one tick sends one query per 300 subscriptions and page.
 */
export function createVaultDiscovery(o: ArmAdapterOptions): VaultDiscovery {
  const client = new (armSdk.resourceGraph().ResourceGraphClient)(o.credential, {
    baseUri: endpointOf(o),
    ...(o.httpClient ? { httpClient: msRestHttpClient(o.httpClient) } : {}),
    // ms-rest-js's own retry waits 30 s and more between attempts; ours honours Retry-After instead.
    noRetryPolicy: true,
    requestPolicyFactories: (defaults) => [...defaults, retrying(o)],
  });
  return {
    discover(subscriptionIds): Promise<ArmRead<DiscoveredVault[]>> {
      const scope = subscriptionIds.map((s) => `/subscriptions/${s}`).join(", ");
      return armRead(o, scope, async (abortSignal) => {
        const out: DiscoveredVault[] = [];
        for (let i = 0; i < subscriptionIds.length; i += SUBSCRIPTIONS_PER_QUERY) {
          const subscriptions = subscriptionIds.slice(i, i + SUBSCRIPTIONS_PER_QUERY);
          let skipToken: string | undefined;
          do {
            const page = await client.resources(
              {
                subscriptions,
                query: DISCOVERY_QUERY,
                options: { top: PAGE, resultFormat: "objectArray", ...(skipToken ? { skipToken } : {}) },
              },
              // The same object at run time; ms-rest-js declares its own DOM-flavoured AbortSignalLike.
              { abortSignal: abortSignal as unknown as NonNullable<MsRequest["abortSignal"]> },
            );
            for (const row of (page.data ?? []) as Record<string, unknown>[]) {
              const id = typeof row.id === "string" ? normalizeId(row.id) : undefined;
              if (!id) continue;
              out.push({
                id,
                name: String(row.name ?? "").toLowerCase(),
                resourceGroup: String(row.resourceGroup ?? "").toLowerCase(),
                subscriptionId: String(row.subscriptionId ?? "").toLowerCase(),
              });
            }
            skipToken = page.skipToken ?? undefined;
          } while (skipToken);
        }
        return out;
      });
    },
  };
}

/**
 * Retries for the ms-rest-js pipeline, innermost (it sees raw answers before they become errors),
 * by the same rules as every other ARM read (../retry.ts); every attempt goes to the traffic log.
 */
function retrying(o: ArmAdapterOptions): Factory {
  const retry = retryOptionsOf(o);
  return {
    create: (next) => ({
      sendRequest: (request: MsRequest): Promise<MsResponse> =>
        sendWithRetries(
          async () => {
            let response: MsResponse;
            try {
              response = await next.sendRequest(request.clone());
            } catch (error) {
              o.traffic?.record(request.method, request.url, undefined, undefined);
              throw error;
            }
            if (response.status === 429 && retryAfterMs(response.headers) === undefined) {
              // Resource Graph may say when with its own header only: written as the standard
              // one, every later reader (the retry, the failure's Retry-After) sees it.
              const reset = quotaResetMs(response.headers);
              if (reset !== undefined) response.headers.set("retry-after-ms", String(reset));
            }
            o.traffic?.record(
              request.method,
              request.url,
              response.status,
              response.status === 429 ? retryAfterMs(response.headers) : undefined,
            );
            return response;
          },
          // The same object at run time; ms-rest-js declares its own AbortSignalLike.
          { ...retry, signal: request.abortSignal as AbortSignalLike | undefined },
        ),
    }),
  };
}

/** `x-ms-user-quota-resets-after` (hh:mm:ss): when Resource Graph's per-user quota refills. */
function quotaResetMs(headers: MsResponse["headers"]): number | undefined {
  const reset = /^(\d+):(\d{2}):(\d{2})$/.exec(headers.get("x-ms-user-quota-resets-after") ?? "");
  return reset ? (Number(reset[1]) * 3600 + Number(reset[2]) * 60 + Number(reset[3])) * 1000 : undefined;
}
