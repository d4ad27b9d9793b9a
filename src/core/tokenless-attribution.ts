import { MINUTE_MS } from "./common/duration.js";
import { isTokenless } from "./tokenless-bursts.js";
import { countWindow, type Series } from "./evaluate.js";
import type { Policy } from "./model/index.js";
import { vaultName } from "./model/names.js";
import { vaultOfHost } from "./model/spec-lookup.js";
import type { SignalRow } from "./signals/signal-set.js";
import type { AppSpec } from "./spec/monitor-spec.js";

/**
 * Who made the calls that reached a vault without a token. Key Vault logs no object ID, app ID or
 * managed identity for them (the token is what carries those), so the log alone cannot say which
 * app they came from. The apps' own telemetry of the same minutes can: an app whose credential
 * errors (managed identity unavailable, user-assigned identity not found, the credential chain
 * exhausted: it got no token) or whose own 401s from that vault (AppDependencies, target host
 * `<vault>.vault.azure.net`) fall in the minutes the vault logged the calls. Pure.
 */

/** Credential errors after which an app has no token at all; a wrong audience still gets one. */
const NO_TOKEN_CLASSES: ReadonlySet<string> = new Set(["mi-unavailable", "uami-not-found", "chain-exhausted"]);

export interface TokenlessAttribution {
  /** The apps, by the cloud role name their telemetry carries (the app's name), sorted. */
  apps: string[];
  /** Their credential errors fall in the minutes of the calls. */
  byCredentialErrors: boolean;
  /** Their own 401s from the vault fall in those minutes. */
  byVaultCalls: boolean;
  /** The minutes the evidence covers, within the failures. */
  from: Date;
  to: Date;
  /** "calls without a token, attributed to func-orders by its own credential errors at 10:05–10:20 UTC". */
  text: string;
}

export interface AppTelemetry {
  credentialTraces: readonly SignalRow<"credential-traces">[];
  dependencyCalls: readonly SignalRow<"dependency-calls">[];
}

/**
 * The app(s) that made the calls without a token to `vaultResourceId` that failed between `from`
 * and `to`, or undefined when no app's telemetry points at them. An app with both kinds of
 * evidence wins over apps with one; an app with credential errors that calls other vaults but, in
 * what its telemetry shows, never this one is not it.
 */
export function attributeTokenless(
  vaultResourceId: string,
  failures: { from: Date; to: Date },
  telemetry: AppTelemetry,
  binMinutes: number,
): TokenlessAttribution | undefined {
  const vault = vaultName(vaultResourceId).name.toLowerCase();
  const binMs = binMinutes * MINUTE_MS;
  const during = (r: { binStart: Date }) =>
    r.binStart.getTime() < failures.to.getTime() && r.binStart.getTime() + binMs > failures.from.getTime();
  const app = (name: string) => name.toLowerCase();

  const spans = new Map<string, { name: string; from: number; to: number; errors: boolean; calls: boolean }>();
  const note = (name: string, binStart: Date, kind: "errors" | "calls") => {
    if (name === "") return;
    const s = spans.get(app(name)) ?? { name, from: Infinity, to: -Infinity, errors: false, calls: false };
    s.from = Math.min(s.from, binStart.getTime());
    s.to = Math.max(s.to, binStart.getTime() + binMs);
    s[kind] = true;
    spans.set(app(name), s);
  };
  for (const r of telemetry.credentialTraces)
    if (NO_TOKEN_CLASSES.has(r.dims.errorClass) && r.counts.events > 0 && during(r))
      note(r.dims.appRoleName, r.binStart, "errors");
  const vaultCalls = (r: SignalRow<"dependency-calls">) => vaultOfHost(r.dims.target) === vault;
  for (const r of telemetry.dependencyCalls)
    if (vaultCalls(r) && r.counts.unauthorized > 0 && during(r)) note(r.dims.appRoleName, r.binStart, "calls");

  // Apps whose telemetry shows Key Vault calls, none of them to this vault.
  const elsewhere = new Set<string>();
  const here = new Set<string>();
  for (const r of telemetry.dependencyCalls) {
    if (r.dims.targetKind !== "keyvault") continue;
    (vaultCalls(r) ? here : elsewhere).add(app(r.dims.appRoleName));
  }
  let candidates = [...spans.values()].filter((s) => s.calls || here.has(app(s.name)) || !elsewhere.has(app(s.name)));
  if (candidates.some((s) => s.errors && s.calls)) candidates = candidates.filter((s) => s.errors && s.calls);
  if (candidates.length === 0) return undefined;

  candidates.sort((a, b) => a.name.localeCompare(b.name));
  const byCredentialErrors = candidates.some((s) => s.errors);
  const byVaultCalls = candidates.some((s) => s.calls);
  const from = new Date(Math.max(failures.from.getTime(), Math.min(...candidates.map((s) => s.from))));
  const to = new Date(Math.min(failures.to.getTime(), Math.max(...candidates.map((s) => s.to))));
  const one = candidates.length === 1;
  const evidence = [
    ...(byCredentialErrors ? [`${one ? "its" : "their"} own credential errors`] : []),
    ...(byVaultCalls ? [`${byCredentialErrors ? "" : one ? "its own " : "their own "}401s from ${vault}`] : []),
  ].join(" and ");
  return {
    apps: candidates.map((s) => s.name),
    byCredentialErrors,
    byVaultCalls,
    from,
    to,
    text: `calls without a token, attributed to ${names(candidates.map((s) => s.name))} by ${evidence} at ${hhmm(from)}–${hhmm(to)} UTC`,
  };
}

/**
 * For a series of calls without a token, the configured app they are attributed to in the
 * evaluation window, whose criticality and fallback decide the severity (evaluate.ts); the most
 * severe one when several are. Undefined for other series, and when no listed app is attributed.
 */
export function tokenlessApp(
  series: Pick<Series, "key" | "bins">,
  now: Date,
  policy: Pick<Policy, "spec" | "windowMinutes" | "binMinutes">,
  telemetry: AppTelemetry | undefined,
): AppSpec | undefined {
  if (!telemetry || !isTokenless(series.key)) return undefined;
  const from = new Date(now.getTime() - policy.windowMinutes * MINUTE_MS);
  const counts = countWindow("kv-auth-denied", series.bins, from, now, policy.binMinutes);
  if (!counts.firstFailureAt || !counts.lastFailureAt) return undefined;
  const attributed = attributeTokenless(
    series.key.vaultResourceId,
    { from: counts.firstFailureAt, to: counts.lastFailureAt },
    telemetry,
    policy.binMinutes,
  );
  const listed = (attributed?.apps ?? []).flatMap((name) => {
    const spec = policy.spec.apps.find((a) => a.name.toLowerCase() === name.toLowerCase());
    return spec ? [spec] : [];
  });
  const rank = (a: AppSpec) => (a.critical ? (a.hasFallback ? 1 : 0) : 2);
  return listed.sort((a, b) => rank(a) - rank(b))[0];
}

function names(list: readonly string[]): string {
  return list.length <= 1 ? (list[0] ?? "") : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);
