import { ResourceGraphClient, type ResourceGraphModels } from "@azure/arm-resourcegraph";
import { normalizeId } from "../../core/controlplane/arm-ids.js";
import type { ArmRead, VaultDiscovery } from "../../core/controlplane/ports.js";
import type { DiscoveredVault } from "../../core/controlplane/views.js";
import { msRestHttpClient, type MsHttpClient } from "./ms-rest-bridge.js";
import { armRead, endpointOf, type ArmAdapterOptions } from "./options.js";
import { RETRY_AFTER_KEPT } from "./traffic.js";

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
  const client = new ResourceGraphClient(o.credential, {
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
 * Retries for the ms-rest-js pipeline, innermost (it sees raw answers before they become errors):
 * a 429 after its Retry-After when that is short enough, a 5xx or a dropped connection after a
 * short backoff; every attempt goes to the traffic log.
 */
function retrying(o: ArmAdapterOptions): Factory {
  const maxRetries = o.maxRetries ?? 2;
  const maxWait = o.traffic?.maxWaitSeconds ?? 20;
  return {
    create: (next) => ({
      async sendRequest(request: MsRequest): Promise<MsResponse> {
        for (let attempt = 0; ; attempt++) {
          let response: MsResponse | undefined;
          let error: unknown;
          try {
            response = await next.sendRequest(request.clone());
          } catch (e) {
            error = e;
          }
          const status = response?.status;
          const wait = status === 429 ? waitSeconds(response) : undefined;
          o.traffic?.record(request.method, request.url, status, wait);
          if (response && status === 429) {
            if (wait !== undefined && wait <= maxWait && attempt < maxRetries) {
              await sleep(wait * 1000, request.abortSignal);
              continue;
            }
            if (wait !== undefined) response.headers.set(RETRY_AFTER_KEPT, String(wait));
            return response;
          }
          const transient =
            error !== undefined
              ? !isAbort(error)
              : status !== undefined && status >= 500 && status !== 501 && status !== 505;
          if (transient && attempt < maxRetries) {
            // 1 s, then 2 s: enough for a blip, short against the read's deadline.
            await sleep(1000 * 2 ** attempt, request.abortSignal);
            continue;
          }
          if (error !== undefined || !response) throw error;
          return response;
        }
      },
    }),
  };
}

/** Retry-After, else Resource Graph's own quota reset header (hh:mm:ss). */
function waitSeconds(r: MsResponse | undefined): number | undefined {
  const after = r?.headers.get("retry-after");
  if (after !== undefined && Number.isFinite(Number(after))) return Number(after);
  const reset = /^(\d+):(\d{2}):(\d{2})$/.exec(r?.headers.get("x-ms-user-quota-resets-after") ?? "");
  return reset ? Number(reset[1]) * 3600 + Number(reset[2]) * 60 + Number(reset[3]) : undefined;
}

function isAbort(e: unknown): boolean {
  return (e as { name?: string } | undefined)?.name === "AbortError";
}

function sleep(ms: number, signal: { aborted: boolean; addEventListener?: unknown } | undefined): Promise<void> {
  const s = signal as AbortSignal | undefined;
  return new Promise((resolve, reject) => {
    if (s?.aborted) return reject(Object.assign(new Error("aborted while waiting to retry"), { name: "AbortError" }));
    const timer = setTimeout(() => {
      s?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(Object.assign(new Error("aborted while waiting to retry"), { name: "AbortError" }));
    };
    s?.addEventListener("abort", onAbort, { once: true });
  });
}
