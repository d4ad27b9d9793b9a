import type { Severity } from "../../src/core/model/index.js";
import { vaultName } from "../../src/core/model/names.js";
import { evaluate } from "../kusto/engine.js";
import type { LogStore } from "../emulator/store.js";
import { SCENARIO_BIN_MINUTES } from "../scenario/format.js";
import type { ScenarioWorld } from "../scenario/load.js";
import type { DetectorRun, Episode } from "./score.js";

/**
 * The two alert rules an Azure team would deploy instead of vaultwatch, evaluated on the same
 * scenario's Key Vault audit records, at the same ticks as the replay, each tick seeing only the
 * records ingested by then. Pure: the world in, alert episodes out.
 */

const MINUTE = 60_000;
const BIN = SCENARIO_BIN_MINUTES * MINUTE;

export type PeerId = "static-403" | "amba-availability";

/**
 * The stable name of each detector in results.json (`detection.<detector>`): vaultwatch, and each
 * peer rule by its id. Titles may be reworded; slugs are what a program compares across runs.
 */
export type DetectorSlug = "vaultwatch" | PeerId;
export const VAULTWATCH: DetectorSlug = "vaultwatch";

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
  /** 5xx: the service failed to answer. */
  serverErrors: number;
  /** Any other answer that is not 2xx (404s: a secret that does not exist). */
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
 * scenario, so it is approximated from the vault's audit records: (total − throttled − 5xx) ÷
 * total, over every request the vault answered (the SDK's token-less challenges too: the metric
 * counts API hits). Client errors are answered by the service and do not lower availability: 401,
 * 403 and 404 (secret not found). Counting 429 as unavailable is the generous reading. A window
 * without requests has no value and does not meet the condition. At the replay's 5-minute ticks
 * it evaluates every 5 minutes, not every minute: on 5-minute bins a 1-minute frequency could not
 * see anything sooner, but its 3 healthy evaluations take 15 minutes here instead of 3.
 */
export const AMBA_AVAILABILITY: PeerRule = {
  id: "amba-availability",
  title: "AMBA availability",
  measure: (w) => (w.total === 0 ? undefined : (100 * (w.total - w.throttled - w.serverErrors)) / w.total),
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
 * edge (tick − `lagMinutes`, the workspace's usual ingestion delay) that have ended by then. With
 * a 3-minute lag the 5-minute window at 01:10 is the bin 01:00–01:05. Anchoring the window where
 * the newest complete bin usually is, rather than at the tick where the newest bin is still on its
 * way, is generous to the rule: Azure retries an evaluation when data is late, but a window
 * [tick − 5 min, tick) would miss most of its events. Records ingested after the tick are not seen.
 */
export function windowBins(tick: Date, windowMinutes: number, lagMinutes: number): number[] {
  const edge = tick.getTime() - lagMinutes * MINUTE;
  const from = edge - windowMinutes * MINUTE;
  const out: number[] = [];
  for (let b = Math.floor(from / BIN) * BIN; b + BIN <= edge; b += BIN) if (b + BIN > from) out.push(b);
  return out;
}

/**
 * The lag the rules anchor their windows at: the workspace's fixed ingestion delay, or with
 * Azure's delay distributions the low end of "usually available within 3 to 10 minutes", where
 * most records have arrived (tools/emulator/ingestion.ts).
 */
export function alertLagMinutes(world: Pick<ScenarioWorld, "workspace">): number {
  const i = world.workspace.ingestion;
  return i === "azure" ? AZURE_LAG_MINUTES : i;
}
const AZURE_LAG_MINUTES = 3;

/** Key Vault requests of one vault in one bin that became queryable at one time. */
interface VaultBin extends VaultWindow {
  vault: string;
  binStart: number;
  ingestedAt: number;
}

/**
 * The Key Vault audit records per vault and 5-minute bin, by ingestion time: one query over the
 * store, run by the evaluator (the rules' own KQL would be per tick; the per-tick windows and
 * visibility are applied to these sums instead). Every record the vault logged counts, as the
 * rules' table and metric see them: no caller filter, the SDK's challenges included.
 */
export function vaultBins(logs: LogStore): VaultBin[] {
  const cached = BINS.get(logs);
  if (cached) return cached;
  const tables = new Set(logs.tables());
  const legs = [
    tables.has("AzureDiagnostics")
      ? '(AzureDiagnostics | where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent" | extend Status = toint(httpStatusCode_d))'
      : "",
    tables.has("AZKVAuditLogs") ? "(AZKVAuditLogs | extend Status = toint(HttpStatusCode))" : "",
  ].filter((l) => l !== "");
  if (legs.length === 0) return [];
  const query = [
    legs.length === 1 ? legs[0]! : `union ${legs.join(", ")}`,
    "| summarize Total = count(), Forbidden = countif(Status == 403), Unauthorized = countif(Status == 401),",
    "    Throttled = countif(Status == 429), ServerErrors = countif(Status >= 500),",
    "    Other = countif(Status !between (200 .. 299) and Status !in (401, 403, 429) and Status < 500)",
    `    by Vault = tolower(_ResourceId), BinStart = bin(TimeGenerated, ${SCENARIO_BIN_MINUTES}m), IngestedAt = ingestion_time()`,
  ].join("\n");
  // Far enough ahead that every record is ingested; each tick picks what it could see.
  const everything = new Date(8.64e15);
  const result = evaluate(query, logs.view(everything), { now: everything });
  const col = (name: string) => result.columns.findIndex((c) => c.name === name);
  const [v, b, i, t, f, u, th, se, o] = [
    "Vault",
    "BinStart",
    "IngestedAt",
    "Total",
    "Forbidden",
    "Unauthorized",
    "Throttled",
    "ServerErrors",
    "Other",
  ].map(col) as number[];
  const out = result.rows.map((r) => ({
    vault: String(r[v!]),
    binStart: Number(r[b!]),
    ingestedAt: Number(r[i!]),
    total: Number(r[t!]),
    forbidden: Number(r[f!]),
    unauthorized: Number(r[u!]),
    throttled: Number(r[th!]),
    serverErrors: Number(r[se!]),
    other: Number(r[o!]),
  }));
  BINS.set(logs, out);
  return out;
}
const BINS = new WeakMap<LogStore, VaultBin[]>();

/** Per lower-case vault ID, the Key Vault requests in the given bins that were ingested by `tick`. */
export function vaultWindows(
  bins: readonly VaultBin[],
  binStarts: readonly number[],
  tick: Date,
): Map<string, VaultWindow> {
  const wanted = new Set(binStarts);
  const out = new Map<string, VaultWindow>();
  for (const r of bins) {
    if (!wanted.has(r.binStart) || r.ingestedAt > tick.getTime()) continue;
    const w = out.get(r.vault) ?? { total: 0, forbidden: 0, unauthorized: 0, throttled: 0, serverErrors: 0, other: 0 };
    w.total += r.total;
    w.forbidden += r.forbidden;
    w.unauthorized += r.unauthorized;
    w.throttled += r.throttled;
    w.serverErrors += r.serverErrors;
    w.other += r.other;
    out.set(r.vault, w);
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
  world: Pick<ScenarioWorld, "start" | "end" | "tickMinutes" | "logs" | "workspace">,
): PeerRun {
  const severity = severityOfAzure(rule.azureSeverity);
  const state = new Map<string, { episode: Episode; clean: number }>();
  const known = new Set<string>();
  const episodes: Episode[] = [];
  const evaluations: PeerEvaluation[] = [];
  let notifications = 0;
  const bins = vaultBins(world.logs);
  const lag = alertLagMinutes(world);
  for (const tick of tickTimes(world)) {
    const windows = vaultWindows(bins, windowBins(tick, rule.windowMinutes, lag), tick);
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
          added: [],
          // Every firing pages (Sev 1 → SEV-2); the resolution is the episode's second notification.
          pages: 1,
          escalations: 0,
          notifications: 1,
        };
        episodes.push(episode);
        state.set(id, { episode, clean: 0 });
        notifications++;
      } else if (s) {
        s.clean = met ? 0 : s.clean + 1;
        if (s.clean >= rule.resolveAfter) {
          s.episode.resolvedAt = tick;
          s.episode.notifications++;
          state.delete(id);
          notifications++;
        }
      }
    }
  }
  return { rule, episodes, evaluations, notifications, pages: episodes.length };
}
