import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";
import type { ArmTraffic, ThrottleObservation } from "../../core/controlplane/ports.js";

/** Where a Retry-After too long to wait is kept, once removed so the client does not wait it out. */
export const RETRY_AFTER_KEPT = "x-vaultwatch-retry-after";

/** Headers core-rest-pipeline's throttling strategy reads (ts-http-runtime throttlingRetryStrategy). */
const RETRY_AFTER_HEADERS = ["retry-after", "retry-after-ms", "x-ms-retry-after-ms"];

/**
 * Counts ARM round trips and records every 429, for the tick's `arm-throttled` report, whether
 * or not the client's retry then succeeded. ARM's Retry-After is usually seconds (its read bucket
 * refills 25 tokens a second); one longer than `maxWaitSeconds` is not waited out: the read gives
 * up as throttled and the next tick tries again, instead of one tick stalling on it.
 */
export class ArmTrafficLog implements ArmTraffic {
  #requests = 0;
  #throttled: ThrottleObservation[] = [];

  constructor(readonly maxWaitSeconds = 20) {}

  /** Records one answer, or an attempt that got none (status undefined). */
  record(method: string, url: string, status: number | undefined, retryAfterSeconds: number | undefined): void {
    this.#requests++;
    if (status === 429)
      this.#throttled.push({ at: new Date(), request: `${method} ${new URL(url).pathname}`, retryAfterSeconds });
  }

  drain(): { requests: number; throttled: ThrottleObservation[] } {
    const out = { requests: this.#requests, throttled: this.#throttled };
    this.#requests = 0;
    this.#throttled = [];
    return out;
  }

  /** A core-rest-pipeline policy for `additionalPolicies` at position "perRetry" (it sees every attempt). */
  policy(): PipelinePolicy {
    return {
      name: "vaultwatchArmTraffic",
      sendRequest: async (request, next) => {
        let response: PipelineResponse;
        try {
          response = await next(request);
        } catch (error) {
          this.record(request.method, request.url, undefined, undefined);
          throw error;
        }
        const wait = response.status === 429 ? seconds(response.headers.get("retry-after")) : undefined;
        this.record(request.method, request.url, response.status, wait);
        if (response.status === 429 && wait !== undefined && wait > this.maxWaitSeconds) {
          for (const h of RETRY_AFTER_HEADERS) response.headers.delete(h);
          response.headers.set(RETRY_AFTER_KEPT, String(wait));
        }
        return response;
      },
    };
  }
}

function seconds(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n)) return n;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, Math.round((date - Date.now()) / 1000)) : undefined;
}
