/** The endpoints the stand-in serves. */
export type Endpoint = "logAnalytics" | "identity" | "teams";

/** A fault to answer one request with, instead of the normal answer. */
export type Fault =
  /** An HTTP error status; 429 and 503 usually carry Retry-After. */
  | { kind: "status"; status: number; retryAfterSeconds?: number; body?: unknown }
  /** Hold the request this long before answering normally: a timeout for a short-fused client. */
  | { kind: "delay"; ms: number }
  /** Close the connection without answering: a network failure. */
  | { kind: "drop" }
  /** Log Analytics only: answer 200 with the rows and a PartialError, as the API does on limits. */
  | { kind: "partial" }
  /** Log Analytics only: corrupt one row's types, as a schema drift would. */
  | { kind: "malformed-rows" };

/** A queue of faults per endpoint; each request takes at most one. */
export class FaultPlan {
  readonly #queues = new Map<Endpoint, Fault[]>();

  /** Answers the next `times` requests to `endpoint` with `fault`. */
  inject(endpoint: Endpoint, fault: Fault, times = 1): void {
    const q = this.#queues.get(endpoint) ?? [];
    for (let i = 0; i < times; i++) q.push(fault);
    this.#queues.set(endpoint, q);
  }

  take(endpoint: Endpoint): Fault | undefined {
    return this.#queues.get(endpoint)?.shift();
  }

  pending(endpoint: Endpoint): number {
    return this.#queues.get(endpoint)?.length ?? 0;
  }

  clear(): void {
    this.#queues.clear();
  }
}
