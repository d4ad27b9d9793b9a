import type { Fault } from "./faults.js";

/** The ARM operations the ARM stand-in serves. */
export type ArmEndpoint = "roleAssignments" | "roleDefinitions" | "vaults" | "diagnosticSettings" | "resourceGraph";

/**
 * A fault to answer one ARM request with: the stand-in's status, delay and drop faults, plus a
 * 403 AuthorizationFailed with the body ARM sends for that request's action and scope.
 */
export type ArmFault = Extract<Fault, { kind: "status" | "delay" | "drop" }> | { kind: "forbidden" };

interface Queued {
  fault: ArmFault;
  /** Only requests whose path contains this (case-insensitive) take the fault. */
  match: string | undefined;
}

/** A queue of faults per endpoint, as FaultPlan (faults.ts); each request takes at most one. */
export class ArmFaultPlan {
  readonly #queues = new Map<ArmEndpoint, Queued[]>();

  /** Answers the next `times` requests to `endpoint` (whose path contains `match`, when given) with `fault`. */
  inject(endpoint: ArmEndpoint, fault: ArmFault, times = 1, match?: string): void {
    const q = this.#queues.get(endpoint) ?? [];
    for (let i = 0; i < times; i++) q.push({ fault, match: match?.toLowerCase() });
    this.#queues.set(endpoint, q);
  }

  take(endpoint: ArmEndpoint, path: string): ArmFault | undefined {
    const q = this.#queues.get(endpoint);
    const i = q?.findIndex((f) => f.match === undefined || path.toLowerCase().includes(f.match)) ?? -1;
    if (!q || i < 0) return undefined;
    return q.splice(i, 1)[0]?.fault;
  }

  pending(endpoint: ArmEndpoint): number {
    return this.#queues.get(endpoint)?.length ?? 0;
  }

  clear(): void {
    this.#queues.clear();
  }
}
