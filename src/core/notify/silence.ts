import type { IncidentSnapshot, RuleId, Severity } from "../model/index.js";
import { isPage } from "../model/notify-policy.js";
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

/** Who did something, as the platform's sign-in names them: never a name the request asserted. */
export interface Person {
  name: string;
  /** The Entra object ID, when the sign-in gives one. */
  objectId: string | undefined;
}

/**
 * A time-bounded mute, as Alertmanager's: it withholds notices for the incidents it matches while
 * active; the incidents themselves are still evaluated and recorded. A silence whose start is in
 * the future is a maintenance window. The record is its audit trail: who muted what and when,
 * who ended it and when. Records from before sign-in have no object IDs and no `expiredBy`.
 */
export interface Silence {
  id: string;
  matchers: SilenceMatchers;
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  createdByObjectId?: string | undefined;
  comment: string;
  createdAt: Date;
  /** Set when someone expired it early. */
  expiredAt: Date | undefined;
  expiredBy?: string | undefined;
  expiredByObjectId?: string | undefined;
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

/**
 * The first active silence that matches the incident, if any. The monitor's own incident is never
 * silenced, whatever a stored silence says: it is the alert that every other alert may be missing,
 * and a silence from before the creation guards (a `rule: monitor` one) must not hide it either.
 */
export function silenceFor(
  incident: IncidentSnapshot,
  silences: readonly Silence[],
  now: Date,
  spec: MonitorSpec,
  calls: readonly AppCall[] = [],
): Silence | undefined {
  if (incident.rule === "monitor") return undefined;
  const labels = labelsOf(incident, spec, calls);
  return silences.find((s) => silenceStatus(s, now) === "active" && silenceMatches(s.matchers, labels));
}

const ALL_SEVERITIES: readonly Severity[] = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"];

/** A reason a silence may not be created, on the matcher it is about (`undefined`: the matchers as a whole). */
export interface SilenceRefusal {
  matcher: keyof SilenceMatchers | undefined;
  reason: string;
}

/**
 * Why a silence with these matchers may not be created; empty when it may. Two things are never
 * muted by a silence:
 * - the monitor's own alerts (`rule: monitor`): they say the monitor cannot see, so every other
 *   alert may be missing. `silenceFor` never applies a silence to them, so a silence naming the
 *   rule would do nothing but look as if it did;
 * - everything that pages: a silence narrowed by no rule, vault, identity or app whose severities
 *   (absent: all of them) include every paging severity would hold back every page there is.
 *   One paging severity across everything (e.g. only SEV-2) is allowed: SEV-1 still pages.
 */
export function silenceRefusals(m: SilenceMatchers): SilenceRefusal[] {
  const narrowed = m.rule !== undefined || m.vault !== undefined || m.identity !== undefined || m.app !== undefined;
  if (!narrowed && m.severities === undefined)
    return [
      {
        matcher: undefined,
        reason:
          "needs at least one of rule, vault, identity, app, severities: a silence without matchers would mute every incident",
      },
    ];
  const refusals: SilenceRefusal[] = [];
  if (m.rule === "monitor")
    refusals.push({
      matcher: "rule",
      reason:
        "the monitor's own alerts cannot be silenced: they say it cannot see, and every other alert may be missing; fix what it reports instead (GET /api/health)",
    });
  const pages = ALL_SEVERITIES.filter(isPage);
  if (!narrowed && m.severities !== undefined && pages.every((p) => m.severities?.includes(p)))
    refusals.push({
      matcher: "severities",
      reason:
        m.severities.length === ALL_SEVERITIES.length
          ? "lists every severity, which alone would mute every incident; add rule, vault, identity or app"
          : `lists every paging severity (${pages.join(", ")}), which alone would mute every page; add rule, vault, identity or app`,
    });
  return refusals;
}
