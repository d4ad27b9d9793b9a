import type { MonitorSpec } from "../spec/monitor-spec.js";
import type { LifecyclePolicy, NotifyPolicy } from "./notify-policy.js";

/** The settings the pure core decides with. */

/** Settings the pure core needs; built from `Settings` by the composition root. */
export interface Policy {
  /** Pending times and flap detection. */
  lifecycle: LifecyclePolicy;
  /** Repeats, acknowledgement timeouts and routes. */
  notify: NotifyPolicy;
  binMinutes: number;
  windowMinutes: number;
  minFailures: number;
  minFailurePercent: number;
  resolveAfterMinutes: number;
  /** Lower-case object IDs or identity names whose total loss of access is SEV-1 (legacy setting). */
  criticalIdentities: string[];
  /** Apps (criticality, fallbacks), SLOs and low-traffic guards. */
  spec: MonitorSpec;
}
