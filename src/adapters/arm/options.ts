import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient, PipelinePolicy } from "@azure/core-rest-pipeline";
import type { ArmRead } from "../../core/controlplane/ports.js";
import { realSleep, retryPolicy, type RetryOptions, type Sleep } from "../retry.js";
import { classifyArmError } from "./errors.js";
import type { ArmTrafficLog } from "./traffic.js";

/** What every ARM adapter is built from; the composition root owns these. */
export interface ArmAdapterOptions {
  credential: TokenCredential;
  /** Sends every request elsewhere (the local stand-in) while keeping https URLs. Production passes none. */
  httpClient?: HttpClient;
  /** The ARM endpoint; sovereign clouds differ (https://management.chinacloudapi.cn). */
  endpoint?: string;
  /** Deadline of one read, retries and Retry-After waits included. */
  timeoutMs?: number;
  /** Retries after a 408, a 429, a 5xx other than 501/505 or a dropped connection. */
  maxRetries?: number;
  /** The longest Retry-After a read waits out; a longer one ends the read as throttled. */
  maxWaitMs?: number;
  /** Waits between retries; the real clock unless a test records them. */
  sleep?: Sleep;
  traffic?: ArmTrafficLog;
}

export const ARM_ENDPOINT = "https://management.azure.com";
/** Long enough for two retries after a few seconds of Retry-After; short enough to bound a tick. */
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RETRIES = 2;
/**
 * ARM refills its read bucket at 25 tokens a second, so its Retry-After is usually a few seconds;
 * one longer than this is not waited out: the read gives up as throttled and the next tick tries.
 */
const DEFAULT_MAX_WAIT_MS = 20_000;

export function endpointOf(o: ArmAdapterOptions): string {
  return (o.endpoint ?? ARM_ENDPOINT).replace(/\/+$/, "");
}

/** The retry rules every ARM read follows, whichever client sends it. */
export function retryOptionsOf(o: ArmAdapterOptions): RetryOptions {
  return {
    maxRetries: o.maxRetries ?? DEFAULT_MAX_RETRIES,
    maxWaitMs: o.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    sleep: o.sleep ?? realSleep,
  };
}

/**
 * The policies every core-pipeline ARM request goes through after signing, in this order: the
 * retry policy, then the traffic log, which so sees every attempt.
 */
export function armPolicies(o: ArmAdapterOptions): PipelinePolicy[] {
  return [retryPolicy(retryOptionsOf(o)), ...(o.traffic ? [o.traffic.policy()] : [])];
}

/**
 * Options for the core-client based ARM clients (authorization, key vault). Their own retry
 * policy is off: ours follows the same rules (core/common/http-failure.ts), gives up on a
 * Retry-After longer than `maxWaitMs` instead of sleeping through it, and waits on `sleep`.
 */
export function coreClientOptions(o: ArmAdapterOptions) {
  return {
    endpoint: endpointOf(o),
    retryOptions: { maxRetries: 0 },
    additionalPolicies: armPolicies(o).map((policy) => ({ policy, position: "perRetry" as const })),
    ...(o.httpClient ? { httpClient: o.httpClient } : {}),
  };
}

/**
 * Runs one read under its deadline and turns any failure into our union. The deadline is a wait
 * on the same `sleep` as the retries, so that a test can let it pass without sitting through it.
 */
export async function armRead<T>(
  o: ArmAdapterOptions,
  scope: string,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<ArmRead<T>> {
  const deadline = new AbortController();
  const settled = new AbortController();
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  void (o.sleep ?? realSleep)(timeoutMs, settled.signal).then(
    () => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")),
    // The read settled first and cancelled the wait.
    () => undefined,
  );
  try {
    return { ok: true, value: await call(deadline.signal) };
  } catch (error) {
    return { ok: false, failure: classifyArmError(error, scope) };
  } finally {
    settled.abort();
  }
}

/** The subscription GUID of an ARM ID or scope; undefined for management groups and the root. */
export function subscriptionOf(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase();
}
