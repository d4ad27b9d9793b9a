import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { ArmRead } from "../../core/controlplane/ports.js";
import { classifyArmError } from "./errors.js";
import type { ArmTrafficLog } from "./traffic.js";

/** What every ARM adapter is built from; the composition root owns these. */
export interface ArmAdapterOptions {
  credential: TokenCredential;
  /** Sends every request elsewhere (the local stand-in) while keeping https URLs. Production passes none. */
  httpClient?: HttpClient;
  /** The ARM endpoint; sovereign clouds differ (https://management.chinacloudapi.cn). */
  endpoint?: string;
  /** Deadline of one read, the client's retries and Retry-After waits included. */
  timeoutMs?: number;
  /** Retries the client makes after a 429 (honouring Retry-After), a 5xx or a dropped connection. */
  maxRetries?: number;
  traffic?: ArmTrafficLog;
}

export const ARM_ENDPOINT = "https://management.azure.com";
/** Long enough for two retries after a few seconds of Retry-After; short enough to bound a tick. */
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RETRIES = 2;

export function endpointOf(o: ArmAdapterOptions): string {
  return (o.endpoint ?? ARM_ENDPOINT).replace(/\/+$/, "");
}

/** Options for the core-client based ARM clients (authorization, key vault). */
export function coreClientOptions(o: ArmAdapterOptions) {
  return {
    endpoint: endpointOf(o),
    retryOptions: { maxRetries: o.maxRetries ?? DEFAULT_MAX_RETRIES },
    additionalPolicies: o.traffic ? [{ policy: o.traffic.policy(), position: "perRetry" as const }] : [],
    ...(o.httpClient ? { httpClient: o.httpClient } : {}),
  };
}

/** Runs one read under its deadline and turns any failure into our union. */
export async function armRead<T>(
  o: ArmAdapterOptions,
  scope: string,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<ArmRead<T>> {
  try {
    return { ok: true, value: await call(AbortSignal.timeout(o.timeoutMs ?? DEFAULT_TIMEOUT_MS)) };
  } catch (error) {
    return { ok: false, failure: classifyArmError(error, scope) };
  }
}

/** The subscription GUID of an ARM ID or scope; undefined for management groups and the root. */
export function subscriptionOf(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase();
}
