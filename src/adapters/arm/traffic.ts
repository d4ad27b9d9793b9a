import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";
import type { ArmTraffic, ThrottleObservation } from "../../core/controlplane/ports.js";
import { retryAfterMs } from "../http-failure.js";

/**
 * Counts ARM round trips and records every 429, for the tick's `arm-throttled` report, whether
 * or not the retry then succeeded. ARM's Retry-After is usually seconds (its read bucket refills
 * 25 tokens a second); the retry policy (../retry.ts) decides whether to wait it out.
 */
export class ArmTrafficLog implements ArmTraffic {
  #requests = 0;
  #throttled: ThrottleObservation[] = [];

  /** Records one answer, or an attempt that got none (status undefined), with the wait it asked for in ms. */
  record(method: string, url: string, status: number | undefined, waitMs: number | undefined): void {
    this.#requests++;
    if (status === 429)
      this.#throttled.push({
        at: new Date(),
        request: `${method} ${new URL(url).pathname}`,
        retryAfterSeconds: wholeSeconds(waitMs),
      });
  }

  drain(): { requests: number; throttled: ThrottleObservation[] } {
    const out = { requests: this.#requests, throttled: this.#throttled };
    this.#requests = 0;
    this.#throttled = [];
    return out;
  }

  /** A core-rest-pipeline policy placed after the retry policy, so that it sees every attempt. */
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
        this.record(request.method, request.url, response.status, retryAfterMs(response.headers));
        return response;
      },
    };
  }
}

/** Retry-After as the control-plane report states it: whole seconds, rounded up. */
export function wholeSeconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}
