import type { Severity } from "../../src/core/model/index.js";
import { vaultName } from "../../src/core/model/names.js";
import { SCENARIO_BIN_MINUTES } from "../scenario/format.js";
import type { ScenarioWorld } from "../scenario/load.js";
import type { DetectorRun, Episode } from "./score.js";
import { forbiddenOf } from "../../src/core/signals/request-counts.js";

/**
 * The two alert rules an Azure team would deploy instead of vaultwatch, evaluated on the same
 * scenario rows, with the same visibility (a 5-minute bin is visible `ingestionDelayMinutes` after
 * it ends) and at the same ticks as the replay. Pure: the world in, alert episodes out.
 */

const MINUTE = 60_000;
const BIN = SCENARIO_BIN_MINUTES * MINUTE;

export type PeerId = "static-403" | "amba-availability";

/**
 * Azure alert severities are 0 (most severe) to 4
 * (learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema); vaultwatch's are SEV-1 to SEV-4.
 */
export function severityOfAzure(azureSeverity: 0 | 1 | 2 | 3 | 4): Severity {
  return azureSeverity === 0 ? "SEV-1" : azureSeverity === 1 ? "SEV-2" : azureSeverity === 2 ? "SEV-3" : "SEV-4";
}

export interface PeerRule {
  id: PeerId;
  title: string;
  /** The rule's condition over one vault's requests in the window; undefined: no value (no requests). */
  measure(w: VaultWindow): number | undefined;
  met(value: number): boolean;
  windowMinutes: number;
  /** Consecutive evaluations with the condition not met before a fired alert resolves. */
  resolveAfter: number;
  azureSeverity: 0 | 1 | 2 | 3 | 4;
}

/** One vault's Key Vault requests in an evaluation window, summed over callers and operations. */
export interface VaultWindow {
  total: number;
  forbidden: number;
  unauthorized: number;
  throttled: number;
  other: number;
}

/**
 * (a) A static log search alert: `AzureDiagnostics | where ResourceProvider == "MICROSOFT.KEYVAULT"
 * and httpStatusCode_d == 403 | summarize count() by _ResourceId`, count > 10, windowSize PT5M,
 * frequency PT5M, Sev 1, stateful (autoMitigate). A stateful rule at a 5–15 minute frequency
 * resolves after the condition is not met for 3 periods
 * (learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule). The rule counts 403s
 * from whichever audit table the vault logs to (a team writes the query for its own table).
 */
export const STATIC_403: PeerRule = {
  id: "static-403",
  title: "static 403 rule",
  measure: (w) => w.forbidden,
  met: (count) => count > 10,
  windowMinutes: 5,
  resolveAfter: 3,
  azureSeverity: 1,
};

/**
 * (b) AMBA's Key Vault Availability alert (services/KeyVault/vaults/alerts.yaml in
 * github.com/Azure/azure-monitor-baseline-alerts): metric `Availability`, Average,
 * LessThan 90 %, PT5M window, PT1M frequency, Sev 1, autoMitigate (the ALZ policy's default; a
 * metric alert auto-mitigates after 3 consecutive healthy evaluations). The metric is not in the
 * scenario, so it is approximated from the same rows: (total − throttled) ÷ total. Client errors
 * are answered by the service and do not lower availability: 401 and 403, and the 404s (secret not
 * found) that `other` holds. Counting 429 as unavailable is the generous reading. 5xx would lower
 * it but have no count of their own in scenario rows (they are in `other`, with the 404s), and no
 * scenario in the corpus has a service outage. A window without
 * requests has no value and does not meet the condition. At the replay's 5-minute ticks it
 * evaluates every 5 minutes, not every minute: on 5-minute bins a 1-minute frequency could not see
 * anything sooner, but its 3 healthy evaluations take 15 minutes here instead of 3.
 */
export const AMBA_AVAILABILITY: PeerRule = {
  id: "amba-availability",
  title: "AMBA availability",
  measure: (w) => (w.total === 0 ? undefined : (100 * (w.total - w.throttled)) / w.total),
  met: (percent) => percent < 90,
  windowMinutes: 5,
  resolveAfter: 3,
  azureSeverity: 1,
};

export const PEER_RULES: readonly PeerRule[] = [STATIC_403, AMBA_AVAILABILITY];

/** The replay's ticks: from start to end (inclusive) every `tickMinutes`, as replay.ts runs them. */
export function tickTimes(world: Pick<ScenarioWorld, "start" | "end" | "tickMinutes">): Date[] {
  const out: Date[] = [];
  for (let t = world.start.getTime(); t <= world.end.getTime(); t += world.tickMinutes * MINUTE) out.push(new Date(t));
  return out;
}

/**
 * Bin starts in a rule's window at `tick`: the bins overlapping the `windowMinutes` before the
 * visible edge (tick − ingestion delay) that have become visible. Bins are all or nothing, like
 * the scenario workspace's (standin/scenario-workspace.ts): with a 3-minute delay the 5-minute
 * window at 01:10 is the bin 01:00–01:05. Anchoring the window at the visible edge, rather than at
 * the tick where the newest bin is still missing, is generous to the rule: Azure retries an
 * evaluation when data is late, but a window [tick − 5 min, tick) would miss most of its events.
 */
export function windowBins(tick: Date, windowMinutes: number, ingestionDelayMinutes: number): number[] {
  const edge = tick.getTime() - ingestionDelayMinutes * MINUTE;
  const from = edge - windowMinutes * MINUTE;
  const out: number[] = [];
  for (let b = Math.floor(from / BIN) * BIN; b + BIN <= edge; b += BIN) if (b + BIN > from) out.push(b);
  return out;
}

/** Per lower-case vault ID, the Key Vault requests in the given bins. */
export function vaultWindows(
  world: Pick<ScenarioWorld, "bins">,
  binStarts: readonly number[],
): Map<string, VaultWindow> {
  const out = new Map<string, VaultWindow>();
  for (const b of binStarts) {
    for (const row of world.bins.get(b)?.["kv-requests"] ?? []) {
      const id = row.dims.vaultResourceId.toLowerCase();
      const w = out.get(id) ?? { total: 0, forbidden: 0, unauthorized: 0, throttled: 0, other: 0 };
      const c = row.counts;
      w.total += c.total;
      w.forbidden += forbiddenOf(c);
      w.unauthorized += c.unauthorized;
      w.throttled += c.throttled;
      w.other += c.other;
      out.set(id, w);
    }
  }
  return out;
}

/** One evaluation of a peer rule for one vault, for the timeline and the tests. */
export interface PeerEvaluation {
  at: Date;
  vault: string;
  value: number | undefined;
  met: boolean;
}

export interface PeerRun extends DetectorRun {
  rule: PeerRule;
  evaluations: PeerEvaluation[];
}

/**
 * Evaluates a stateful rule split by vault at every tick: an alert per vault fires when the
 * condition is met and it is not already fired, and resolves after `resolveAfter` consecutive
 * evaluations without it. Every firing pages (Sev 1 → SEV-2, a page); the action group is called
 * on firing and on resolution, so both are notifications.
 */
export function evaluatePeer(
  rule: PeerRule,
  world: Pick<ScenarioWorld, "start" | "end" | "tickMinutes" | "bins" | "workspace">,
): PeerRun {
  const severity = severityOfAzure(rule.azureSeverity);
  const state = new Map<string, { episode: Episode; clean: number }>();
  const known = new Set<string>();
  const episodes: Episode[] = [];
  const evaluations: PeerEvaluation[] = [];
  let notifications = 0;
  for (const tick of tickTimes(world)) {
    const windows = vaultWindows(world, windowBins(tick, rule.windowMinutes, world.workspace.ingestionDelayMinutes));
    for (const id of windows.keys()) known.add(id);
    for (const id of [...known].sort()) {
      const w = windows.get(id);
      const value = w ? rule.measure(w) : undefined;
      const met = value !== undefined && rule.met(value);
      evaluations.push({ at: tick, vault: id, value, met });
      const s = state.get(id);
      if (met && !s) {
        const name = vaultName(id).name;
        const episode: Episode = {
          incident: `${rule.id}|${id}`,
          rule: rule.id,
          firedAt: tick,
          resolvedAt: undefined,
          severity,
          peakSeverity: severity,
          hypothesis: undefined,
          vault: name,
          identity: undefined,
          app: undefined,
        };
        episodes.push(episode);
        state.set(id, { episode, clean: 0 });
        notifications++;
      } else if (s) {
        s.clean = met ? 0 : s.clean + 1;
        if (s.clean >= rule.resolveAfter) {
          s.episode.resolvedAt = tick;
          state.delete(id);
          notifications++;
        }
      }
    }
  }
  return { rule, episodes, evaluations, notifications, pages: episodes.length };
}
