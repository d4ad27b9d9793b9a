import type { IncidentSnapshot, RuleId, Severity } from "../model/index.js";
import { labelsOf, type Labels } from "./labels.js";
import type { MonitorSpec } from "../spec/monitor-spec.js";
import type { AppCall } from "../model/spec-lookup.js";

/** What a silence matches; every matcher given must match (an absent one matches anything). */
export interface SilenceMatchers {
  rule?: RuleId | undefined;
  /** A vault name or its ARM ID, case-insensitive. */
  vault?: string | undefined;
  /** An identity's object ID, app ID or name, case-insensitive. */
  identity?: string | undefined;
  /** An app of the monitor spec. */
  app?: string | undefined;
  severities?: Severity[] | undefined;
}

/**
 * A time-bounded mute, as Alertmanager's: it withholds notices for the incidents it matches while
 * active; the incidents themselves are still evaluated and recorded. A silence whose start is in
 * the future is a maintenance window.
 */
export interface Silence {
  id: string;
  matchers: SilenceMatchers;
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
  createdAt: Date;
  /** Set when someone expired it early. */
  expiredAt: Date | undefined;
}

export type SilenceStatus = "scheduled" | "active" | "expired";

export function silenceStatus(s: Silence, now: Date): SilenceStatus {
  const end = s.expiredAt && s.expiredAt.getTime() < s.endsAt.getTime() ? s.expiredAt : s.endsAt;
  if (now.getTime() >= end.getTime()) return "expired";
  return now.getTime() < s.startsAt.getTime() ? "scheduled" : "active";
}

export function silenceMatches(m: SilenceMatchers, labels: Labels): boolean {
  const eq = (a: string | undefined, ...bs: (string | undefined)[]) =>
    a === undefined || bs.some((b) => b !== undefined && b !== "" && b.toLowerCase() === a.toLowerCase());
  return (
    (m.rule === undefined || m.rule === labels.rule) &&
    eq(m.vault, labels.vault, labels.vaultName) &&
    eq(m.identity, labels.identity, labels.identityAppId, labels.identityName) &&
    eq(m.app, labels.app) &&
    (m.severities === undefined || m.severities.includes(labels.severity))
  );
}

/** The first active silence that matches the incident, if any. */
export function silenceFor(
  incident: IncidentSnapshot,
  silences: readonly Silence[],
  now: Date,
  spec: MonitorSpec,
  calls: readonly AppCall[] = [],
): Silence | undefined {
  const labels = labelsOf(incident, spec, calls);
  return silences.find((s) => silenceStatus(s, now) === "active" && silenceMatches(s.matchers, labels));
}
