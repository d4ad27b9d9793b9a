import type { SignalRow } from "../signals/signal-set.js";
import { HOUR_MS, MINUTE_MS } from "../common/duration.js";
import { utcDateTime, utcTime } from "../common/utc.js";

/**
 * Which vaults stopped sending AuditEvent, judged from the logs alone (no control-plane check
 * needed). Pure. The rule and its numbers are argued in docs/adr/0014-vault-silence.md.
 */

/** At least this many hours with events in the look-back before a vault counts as logging regularly. */
export const MIN_ACTIVE_HOURS = 12;
/** ...and events in at least this share of the hours from its first to its last active hour (3 in 4). */
export const MIN_ACTIVE_SHARE = 0.75;
/** Never call a silence shorter than this a blind spot: a vault active 3 hours in 4 can skip one. */
export const MIN_SILENCE_MS = 2 * HOUR_MS;
/** A silence must last longer than this many times the vault's longest gap between active hours. */
export const GAP_FACTOR = 2;
/**
 * Key Vault resource logs are "usually available within 3 to 10 minutes" (azure-monitor-docs
 * logs/data-ingestion-time.md): events logged this long ago have arrived. Other vaults' newer
 * events show data has arrived later than that, and move the horizon up.
 */
export const INGESTION_BOUND_MS = 10 * MINUTE_MS;
/**
 * A change of a vault's diagnostic setting is named as the cause once the vault, at its usual rate,
 * would have sent at least this many events since: Poisson P(0 | 5) = 0.7%.
 */
export const EXPECTED_EVENTS = 5;
/** Events logged up to this long after a change may still have been on their way out. */
const CHANGE_SLACK_MS = MINUTE_MS;

/** A change of a vault's diagnostic setting, from the changes signal (AzureActivity). */
export interface SettingChange {
  kind: "deleted" | "changed";
  /** The diagnostic setting's name. */
  setting: string;
  /** When it was asked for (its Start event). */
  at: Date;
  caller: string;
}

/** A vault that was logging and has gone silent. */
export interface SilentVault {
  vaultResourceId: string;
  lastAt: Date;
  /** Hours with events, and hours from the first to the last of them, in the look-back. */
  activeHours: number;
  spanHours: number;
  /** How long a silence its own gaps allow. */
  allowedSilenceMs: number;
  /** The change of its diagnostic setting after which nothing more arrived, when there is one. */
  cause: SettingChange | undefined;
  /** One line: "kv-x sent AuditEvent until 13:05 UTC and nothing since (...)". */
  summary: string;
}

interface VaultHours {
  /** Hour starts (ms) with events; per hour the larger count of the two tables. */
  hours: Map<number, number>;
  lastAt: number;
}

const DIAGNOSTIC_SETTING = /^(.*)\/providers\/microsoft\.insights\/diagnosticsettings\/([^/]+)$/;

/** The vault and setting a diagnostic-setting change is about; undefined for any other change. */
export function settingChangeOf(
  row: SignalRow<"changes">,
): { vaultResourceId: string; change: SettingChange } | undefined {
  const kind =
    row.dims.kind === "diagnostic-setting-delete"
      ? "deleted"
      : row.dims.kind === "diagnostic-setting-write"
        ? "changed"
        : undefined;
  const m = kind ? DIAGNOSTIC_SETTING.exec(row.dims.scope.toLowerCase()) : null;
  if (!kind || !m?.[1] || !m[2]) return undefined;
  return { vaultResourceId: m[1], change: { kind, setting: m[2], at: row.firstAt, caller: row.dims.caller } };
}

/**
 * The vaults that have gone silent at `now`:
 * - a vault that logged regularly (events in at least 12 hours, and in 3 of every 4 hours from its
 *   first to its last) and has sent nothing for longer than max(2 h, twice its longest gap);
 * - a vault whose diagnostic setting was deleted or changed, after which nothing arrived although,
 *   at its usual hourly rate, 5 or more events would have by the horizon: the newest event any
 *   vault sent, or 10 minutes ago (the documented ingestion delay), whichever is later.
 * A vault that never logged regularly is never judged silent by the first rule.
 */
export function silentVaults(
  coverage: readonly SignalRow<"vault-coverage">[],
  changes: readonly SignalRow<"changes">[],
  now: Date,
): SilentVault[] {
  const byVault = new Map<string, VaultHours>();
  for (const r of coverage) {
    const v = byVault.get(r.dims.vaultResourceId) ?? { hours: new Map(), lastAt: 0 };
    const hour = r.binStart.getTime();
    v.hours.set(hour, Math.max(v.hours.get(hour) ?? 0, r.counts.events));
    v.lastAt = Math.max(v.lastAt, r.lastAt.getTime());
    byVault.set(r.dims.vaultResourceId, v);
  }
  const settingChanges = new Map<string, SettingChange[]>();
  for (const row of changes) {
    const c = settingChangeOf(row);
    if (c) settingChanges.set(c.vaultResourceId, [...(settingChanges.get(c.vaultResourceId) ?? []), c.change]);
  }

  // Up to when AuditEvent is known to have arrived: the newest event of any vault, or the
  // documented ingestion delay when nothing newer was seen.
  const horizon = Math.max(now.getTime() - INGESTION_BOUND_MS, ...[...byVault.values()].map((v) => v.lastAt));
  const out: SilentVault[] = [];
  for (const [vaultResourceId, v] of [...byVault].sort(([a], [b]) => a.localeCompare(b))) {
    const hours = [...v.hours.keys()].sort((a, b) => a - b);
    const first = hours[0] ?? 0;
    const last = hours[hours.length - 1] ?? 0;
    const spanHours = (last - first) / HOUR_MS + 1;
    let longestGap = HOUR_MS;
    for (let i = 1; i < hours.length; i++) longestGap = Math.max(longestGap, (hours[i] ?? 0) - (hours[i - 1] ?? 0));
    const allowedSilenceMs = Math.max(MIN_SILENCE_MS, GAP_FACTOR * longestGap);
    const regular = hours.length >= MIN_ACTIVE_HOURS && hours.length / spanHours >= MIN_ACTIVE_SHARE;
    const silence = now.getTime() - v.lastAt;

    const events = [...v.hours.values()].reduce((a, b) => a + b, 0);
    const perHour = events / spanHours;
    // The latest change after which nothing arrived and enough should have.
    const cause = (settingChanges.get(vaultResourceId) ?? [])
      .filter((c) => v.lastAt <= c.at.getTime() + CHANGE_SLACK_MS && c.at.getTime() <= now.getTime())
      .filter((c) => (perHour * (horizon - c.at.getTime())) / HOUR_MS >= EXPECTED_EVENTS)
      .sort((a, b) => b.at.getTime() - a.at.getTime())[0];

    if (!cause && !(regular && silence > allowedSilenceMs)) continue;
    const lastAt = new Date(v.lastAt);
    out.push({
      vaultResourceId,
      lastAt,
      activeHours: hours.length,
      spanHours,
      allowedSilenceMs,
      cause,
      summary: summaryOf(vaultResourceId, lastAt, now, hours.length, spanHours, silence, allowedSilenceMs, cause),
    });
  }
  return out;
}

function summaryOf(
  vaultResourceId: string,
  lastAt: Date,
  now: Date,
  activeHours: number,
  spanHours: number,
  silence: number,
  allowed: number,
  cause: SettingChange | undefined,
): string {
  const name = vaultResourceId.split("/").pop() ?? vaultResourceId;
  const sameDay = lastAt.toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  const until = sameDay ? utcTime(lastAt) : utcDateTime(lastAt);
  const head = `${name} sent AuditEvent until ${until} and nothing since`;
  if (cause) {
    const when =
      cause.at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10)
        ? utcTime(cause.at)
        : utcDateTime(cause.at);
    return `${head}: its diagnostic setting ${cause.setting} was ${cause.kind} at ${when} by ${cause.caller || "an unknown caller"}`;
  }
  return `${head} (silent ${hours(silence)}; it logged in ${activeHours} of ${spanHours} hours before, so its own gaps allow ${hours(allowed)})`;
}

/** "3 h 10 min", "45 min". */
function hours(ms: number): string {
  const m = Math.floor(ms / MINUTE_MS);
  const h = Math.floor(m / 60);
  return h === 0 ? `${m} min` : m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}
