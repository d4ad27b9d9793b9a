import { absorbHistory, type Absorbed } from "../../core/baselines/index.js";
import type { ControlPlaneConfig } from "../../core/controlplane/config.js";
import type { VaultSnapshot } from "../../core/controlplane/drift.js";
import type { Policy, SignalOutcome } from "../../core/model/index.js";
import { isKnown, type SignalName, type SignalStatus } from "../../core/signals/signal-set.js";
import { kvOutcome } from "../../core/model/kv-outcome.js";
import { silentVaults as findSilentVaults, type SilentVault } from "../../core/coverage/vault-silence.js";
import { decideTick, type TickDecision, type TickInput } from "../../core/tick.js";
import { checkOf, factsOf } from "../control-plane/tick.js";
import type { TickState } from "./load.js";
import type { Observation } from "./observe.js";

/** Everything a tick decided, before anything is written. */
export interface TickPlan {
  /** The Key Vault request signal as the incident rules read it. */
  signal: SignalOutcome;
  statuses: Record<SignalName, SignalStatus>;
  /** What the baselines learned from this tick's history; undefined when none was read or trusted. */
  learned: Absorbed | undefined;
  decision: TickDecision;
  /**
   * What the core decided from: the same observation decides again, over incidents as another
   * writer left them, when a write of this tick's decision meets a newer record (commit.ts).
   */
  input: TickInput;
  /** The vaults' new snapshots, to save. */
  snapshots: VaultSnapshot[];
  /** Vaults that stopped sending AuditEvent; undefined when coverage could not be judged. */
  silentVaults: SilentVault[] | undefined;
}

/**
 * The decide step: pure. Learns from the history read this tick, then runs the core's tick over
 * the signals, the learned baselines, the SLO sums, the silences and the control-plane facts.
 * A tick and a health check that loaded and observed the same decide the same.
 */
export function decide(
  state: TickState,
  seen: Observation,
  now: Date,
  policy: Policy,
  controlPlaneConfig: ControlPlaneConfig | undefined,
): TickPlan {
  const { set } = seen;
  const history = set.signals["kv-history"];
  const incidents = state.incidents.map((s) => s.value);
  const learned =
    seen.historyHours > 0 && isKnown(history.status)
      ? absorbHistory(state.baselines, history.rows, incidents, now)
      : undefined;
  const signal = kvOutcome(set);
  const statuses = Object.fromEntries(Object.entries(set.signals).map(([name, s]) => [name, s.status])) as Record<
    SignalName,
    SignalStatus
  >;
  // SLO sums are trusted only when complete: a partial sum would misstate the ratio.
  const usable = (s: { status: SignalStatus }) => isKnown(s.status);
  const cp = seen.controlPlane;
  // Judged only on a coverage answer to trust: a partial one cannot show a vault is silent.
  const coverage = set.signals["vault-coverage"];
  // Changes that were read are real even from a partial answer; none read names no cause.
  const silentVaults = isKnown(coverage.status)
    ? findSilentVaults(coverage.rows, set.signals.changes.rows, now)
    : undefined;
  const input: TickInput = {
    now,
    signal,
    incidents,
    policy,
    sloWindows: usable(set.signals["slo-windows"]) ? set.signals["slo-windows"].rows : undefined,
    sloPeriod: usable(set.signals["slo-period"]) ? set.signals["slo-period"].rows : undefined,
    baselines: (learned ?? state.baselines).baselines,
    controlPlane: controlPlaneConfig ? checkOf(cp, controlPlaneConfig) : undefined,
    monitorTokenProblem: cp?.report?.monitorProblems.find((p) => p.kind === "monitor-token-failed")?.summary,
    silentVaults,
    silences: state.silences,
    // The workspace may have stopped receiving data.
    ingestionStop: set.ingestion?.stop,
    evidence: {
      dependencyCalls: set.signals["dependency-calls"].rows,
      credentialTraces: set.signals["credential-traces"].rows,
      hostStartup: set.signals["host-startup"].rows,
      changes: set.signals.changes.rows,
      groupMembership: set.signals["group-membership"].rows,
      status: statuses,
      problems: Object.fromEntries(
        Object.entries(set.signals).flatMap(([n, s]) => (s.problem ? [[n, s.problem]] : [])),
      ),
      controlPlane:
        cp && controlPlaneConfig
          ? factsOf(cp.report, controlPlaneConfig, set.signals["group-membership"].rows)
          : undefined,
    },
  };
  const decision = decideTick(input);
  return { signal, statuses, learned, decision, input, snapshots: cp?.report?.snapshots ?? [], silentVaults };
}
