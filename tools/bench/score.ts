import { parseMonitorSpec } from "../../src/core/spec/monitor-spec.js";
import { parseControlPlaneConfig } from "../../src/core/controlplane/config.js";
import type { Severity } from "../../src/core/model/index.js";
import { isPage } from "../../src/core/model/notify-policy.js";
import type { NotificationLine, ReplayEvent } from "../replay/line.js";
import type { TruthIncidentSpec } from "../scenario/format.js";
import type { ScenarioWorld } from "../scenario/load.js";
import { moreSevere } from "../../src/core/model/severity.js";
import { kvRowsByBin } from "./kv-rows.js";

/**
 * Scoring a detector against a scenario's ground truth, in the vocabulary of the SRE workbook's
 * alerting chapter (sre.google/workbook/alerting-on-slos/, "Alerting Considerations"): precision,
 * recall, detection time and reset time, plus what only vaultwatch claims to do (name the cause,
 * grade the severity). Pure: replays and peer evaluations come in as data.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * A detection may come this long before the truth's onset and still be about it: the
 * control-plane check sees a deleted role assignment or a changed firewall in Resource Manager
 * before the first denied request is even logged, and scenarios put that change a few minutes
 * before onset. 15 minutes is three 5-minute ticks.
 */
export const MATCH_BEFORE_ONSET_MS = 15 * MINUTE;

/**
 * A detection may come this long after the last failing request and still be about it: the last
 * failing bin becomes visible a bin plus the ingestion delay (5 + 3 min) after it started, and a
 * rule that needs a 15-minute window or several evaluations to cross its threshold fires later
 * still. A late detection counts as a true positive with a long time to detect rather than as a
 * false alarm; 30 minutes covers the 15-minute window twice.
 */
export const MATCH_AFTER_RECOVERY_MS = 30 * MINUTE;

/** The rule of vaultwatch's own incident (core/monitor-findings.ts): the only match for a blind-monitor truth. */
export const MONITOR_RULE = "monitor";

/** A reset time that never came: the detector was still firing when the scenario ended. */
export const NEVER = Number.POSITIVE_INFINITY;

/** What an alert is about: the names it carries, and since when it has been saying so. */
export interface EpisodeSubject {
  at: Date;
  vault: string | undefined;
  identity: string | undefined;
  app: string | undefined;
}

/** One firing of a detector, from fired to resolved: what scoring matches against the truth. */
export interface Episode {
  /** Incident ID (vaultwatch) or `<rule>|<vault>` (a peer rule's alert per vault). */
  incident: string;
  rule: string;
  firedAt: Date;
  /** Undefined: still firing when the scenario ended. */
  resolvedAt: Date | undefined;
  /** Severity when it fired, and the highest it reached before resolving (escalations included). */
  severity: Severity;
  peakSeverity: Severity;
  /** The cause it named; undefined for a detector that names none (the peer rules). */
  hypothesis: string | undefined;
  vault: string | undefined;
  identity: string | undefined;
  app: string | undefined;
  /**
   * What a group took in after it fired: each `updated` line that names a vault, identity or app
   * the episode did not carry yet, from the line's time. Empty for a peer rule.
   */
  added: EpisodeSubject[];
  /** Pages it sent anew: 1 when its thread reached a paging severity, else 0 (a peer's firing at one). */
  pages: number;
  /** Later pages on the same thread: a rise within the paging severities, a no-acknowledgement escalation. */
  escalations: number;
  /** Notifications it sent from its firing to its resolution, both included. */
  notifications: number;
}

/** Everything one detector did in one scenario. */
export interface DetectorRun {
  episodes: Episode[];
  /** Notifications it sent, of any kind. */
  notifications: number;
  /** Those that page someone. */
  pages: number;
}

/**
 * A notice at a paging severity (SEV-1, SEV-2: core/model/notify-policy.ts `isPage`) that fires or
 * escalates. Whether it pages someone anew depends on its thread: see `vaultwatchRun`.
 */
export function isVaultwatchPage(line: NotificationLine): boolean {
  return (line.event === "fired" || line.event === "escalated") && isPage(line.severity);
}

/** The replay event of a group whose list of what it affects changed: a notification, never a page, not a new firing. */
export const GROUP_UPDATED: ReplayEvent = "updated";

/** Lines that say a thread is firing: the first of them opens the thread's episode. */
const FIRING_EVENTS: readonly ReplayEvent[] = ["fired", "escalated", "repeated"];

/**
 * Vaultwatch's notifications as episodes, one per notification thread (the dedup key every notice
 * of an incident's episode, or of its group, carries: PagerDuty's dedup_key, one Teams thread).
 * The thread's first firing line opens its episode; later lines raise its peak severity and add
 * what they name — the line's own subject and, for a group, each member it lists — from the line's
 * time; the thread's `resolved` line closes it.
 *
 * Pages count what reaches a person anew: the first notice of a thread at a paging severity (or the
 * escalation that lifts a ticket to one). A later rise from SEV-2 to SEV-1 updates the same
 * PagerDuty alert (same dedup_key) and the no-acknowledgement escalation goes to the escalation
 * route of a page already sent; both are counted as `escalations`, since a replay has no responder
 * and every page that outlasts its acknowledgement timeout escalates.
 */
export function vaultwatchRun(lines: readonly NotificationLine[]): DetectorRun {
  const episodes: Episode[] = [];
  const open = new Map<string, Episode>();
  let pages = 0;
  for (const line of [...lines].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    const at = new Date(line.at);
    const thread = line.thread ?? line.incident;
    const subjects = subjectsOf(line, at);
    let e = open.get(thread);
    if (!e) {
      if (!FIRING_EVENTS.includes(line.event)) continue;
      e = {
        incident: line.incident,
        rule: line.rule,
        firedAt: at,
        resolvedAt: undefined,
        severity: line.severity,
        peakSeverity: line.severity,
        hypothesis: line.hypothesis,
        ...subjects[0]!,
        added: [],
        pages: 0,
        escalations: 0,
        notifications: 0,
      };
      episodes.push(e);
      open.set(thread, e);
    }
    e.notifications++;
    if (isVaultwatchPage(line)) {
      if (e.pages === 0) {
        e.pages = 1;
        pages++;
      } else e.escalations++;
    }
    if (moreSevere(line.severity, e.peakSeverity)) e.peakSeverity = line.severity;
    for (const s of subjects) if (isNewSubject(e, s)) e.added.push(s);
    if (line.event === "resolved") {
      e.resolvedAt = at;
      open.delete(thread);
    }
  }
  return { episodes, notifications: lines.length, pages };
}

/** What a line names: its own subject, then each member of the group it speaks for. */
function subjectsOf(line: NotificationLine, at: Date): EpisodeSubject[] {
  const own: EpisodeSubject = {
    at,
    vault: line.vault ?? undefined,
    identity: line.identity ?? undefined,
    app: line.app ?? undefined,
  };
  const members = (line.members ?? [])
    .filter((m) => m.state !== "resolved")
    .map((m) => ({ at, vault: m.vault ?? undefined, identity: m.identity ?? undefined, app: m.app ?? undefined }));
  return [own, ...members];
}

/** Whether a line names something (a vault, identity or app) in a combination the episode has not carried yet. */
function isNewSubject(e: Episode, s: EpisodeSubject): boolean {
  if (s.vault === undefined && s.identity === undefined && s.app === undefined) return false;
  const key = (x: Omit<EpisodeSubject, "at">) =>
    [x.vault, x.identity, x.app].map((n) => lastSegment(n ?? "")).join("|");
  return ![e, ...e.added].some((x) => key(x) === key(s));
}

/**
 * The names a truth may give an identity by, and the names a notification may carry for it:
 * - `callers`: one group per caller of every name it goes by (object ID, client ID, managed
 *   identity name), from the scenario's Key Vault rows and the principals of CONTROL_PLANE_CONFIG;
 *   a truth may name an object ID where the notification names the identity, or the reverse;
 * - `apps`: each app of MONITOR_CONFIG with the identities it calls with, because the network
 *   rule's incidents are per app and carry no identity.
 */
export interface IdentityAliases {
  callers: Map<string, Set<string>>;
  apps: Map<string, Set<string>>;
}

export const NO_ALIASES: IdentityAliases = { callers: new Map(), apps: new Map() };

export function identityAliases(world: Pick<ScenarioWorld, "logs" | "settings">): IdentityAliases {
  const callers = new Map<string, Set<string>>();
  const group = (...given: string[]) => {
    const names = given.map(lastSegment).filter((n) => n !== "");
    if (names.length === 0) return;
    // One group per caller: merge whatever groups these names were already in.
    const merged = new Set<string>(names);
    for (const n of names) for (const other of callers.get(n) ?? []) merged.add(other);
    for (const n of merged) callers.set(n, merged);
  };
  for (const rows of kvRowsByBin(world.logs).values())
    for (const row of rows) group(row.dims.callerObjectId, row.dims.callerAppId, row.dims.callerResourceId);
  const cp = jsonSetting(world.settings.CONTROL_PLANE_CONFIG);
  const parsedCp = cp === undefined ? undefined : parseControlPlaneConfig(cp);
  if (parsedCp?.ok) for (const p of parsedCp.config.principals) group(p.name, p.objectId, p.clientId ?? "");

  const apps = new Map<string, Set<string>>();
  const spec = parseMonitorSpec(world.settings.MONITOR_CONFIG);
  if (spec.ok)
    for (const app of spec.spec.apps) apps.set(lastSegment(app.name), new Set(app.identities.map(lastSegment)));
  return { callers, apps };
}

function jsonSetting(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Compares names case-insensitively by their last path segment, so a resource ID equals its name. */
export function lastSegment(nameOrId: string): string {
  const parts = nameOrId
    .trim()
    .toLowerCase()
    .split("/")
    .filter((p) => p !== "");
  return parts[parts.length - 1] ?? "";
}

export function sameName(a: string, b: string): boolean {
  return lastSegment(a) === lastSegment(b);
}

export function sameIdentity(a: string, b: string, aliases: IdentityAliases): boolean {
  const x = lastSegment(a);
  const y = lastSegment(b);
  return x === y || (aliases.callers.get(x)?.has(y) ?? false);
}

/** An app is about an identity when it is named so, or calls with it. */
export function appCallsWith(app: string, identity: string, aliases: IdentityAliases): boolean {
  return (
    sameIdentity(app, identity, aliases) ||
    [...(aliases.apps.get(lastSegment(app)) ?? [])].some((id) => sameIdentity(id, identity, aliases))
  );
}

/**
 * Whether an episode is about a truth incident: it fired within [onset − 15 min (or the truth's
 * cause, when that is earlier), recovered + 30 min]
 * and names the same subject. For each of vault and identity the truth names, an episode that
 * carries that kind of name must carry the same one (or, for the network rule's per-app incidents,
 * an app that calls with that identity); a kind it does not carry is not held against it, because the
 * peer rules split by vault only and carry no identity. An episode that carries none of the kinds
 * the truth names (the monitor's own incident) is about something else. A group that took in the
 * truth's subject later (an `updated` line) is about it from that line, which must fall in the window.
 */
export function matches(e: Episode, t: TruthIncidentSpec, aliases: IdentityAliases = NO_ALIASES): boolean {
  return matchedAt(e, t, aliases) !== undefined;
}

/** When the episode first said something about the truth incident; undefined when it never did. */
export function matchedAt(e: Episode, t: TruthIncidentSpec, aliases: IdentityAliases = NO_ALIASES): Date | undefined {
  const said: EpisodeSubject[] = [{ at: e.firedAt, vault: e.vault, identity: e.identity, app: e.app }, ...e.added];
  return said.find((s) => saysAbout(e.rule, s, t, aliases))?.at;
}

function saysAbout(rule: string, s: EpisodeSubject, t: TruthIncidentSpec, aliases: IdentityAliases): boolean {
  const at = s.at.getTime();
  const from = Math.min(t.onset.getTime() - MATCH_BEFORE_ONSET_MS, t.cause?.getTime() ?? Number.POSITIVE_INFINITY);
  if (at < from || at > t.recovered.getTime() + MATCH_AFTER_RECOVERY_MS) return false;
  // The monitor blind (a workspace that stopped receiving data, a vault whose logs stopped) is
  // detected only by the monitor saying so: its own incident, which names no vault or identity.
  // The peer rules have no such rule and never match it.
  if (t.subject === "monitor") return rule === MONITOR_RULE;
  let compared = 0;
  if (t.vault !== undefined && s.vault !== undefined) {
    if (!sameName(s.vault, t.vault)) return false;
    compared++;
  }
  if (t.identity !== undefined && (s.identity || s.app)) {
    const same =
      (s.identity ? sameIdentity(s.identity, t.identity, aliases) : false) ||
      (s.app ? appCallsWith(s.app, t.identity, aliases) : false);
    if (!same) return false;
    compared++;
  }
  return (t.vault === undefined && t.identity === undefined) || compared > 0;
}

/** How one detector did on one truth incident. */
export interface TruthOutcome {
  name: string;
  /** Present for a truth about the monitor's own sight (`subject: "monitor"`); absent for access. */
  subject?: "monitor";
  /** What the truth says: the cause and severity a detector should name. */
  want: { hypothesis: string; severity: Severity };
  detected: boolean;
  /** First matching firing − onset (negative: it fired before the first failure). */
  ttdMs: number | undefined;
  /**
   * When the incident's first failing record became queryable − onset (data-arrival.ts); undefined
   * when no record shows it or it was not measured.
   */
  dataArrivalMs?: number | undefined;
  /** First matching firing − data arrival: what the detector itself took once the data was there. */
  ttdFromDataMs?: number | undefined;
  /** Last matching episode's resolution − recovery (the all-clear); NEVER when one was still firing at the end. */
  ttrMs: number | undefined;
  /** The hypothesis it named (first matching Key Vault rule firing, else the first matching firing) against the truth's. */
  hypothesis: { got: string; want: string } | undefined;
  /** Highest severity the matching episodes reached, against the truth's. */
  severity: { got: Severity; want: Severity } | undefined;
  matchedEpisodes: number;
  /**
   * Pages of the matching episodes, each episode's shared equally among the truth incidents it
   * matches (a group's page about three incidents is a third of a page each), so that a page is
   * counted once however many incidents it covers. 0 when missed.
   */
  pages: number;
  /** The matching episodes' notifications, shared the same way. */
  notifications: number;
}

export interface ScenarioScore {
  scenario: string;
  /** Simulated days: end − start of the replay. */
  days: number;
  /** The truth lists no incidents: every firing is a false alarm and every page counts against quiet days. */
  healthy: boolean;
  detections: number;
  /** Detections that match at least one truth incident. */
  truePositives: number;
  truths: TruthOutcome[];
  notifications: number;
  pages: number;
  /** Pages and notifications of the episodes that match at least one truth incident, each episode once. */
  incidentPages: number;
  incidentNotifications: number;
}

/** Scores one detector's run on one scenario against its truth. */
export function scoreScenario(
  scenario: { name: string; start: Date; end: Date },
  truth: readonly TruthIncidentSpec[],
  run: DetectorRun,
  aliases: IdentityAliases = NO_ALIASES,
  /** Per truth incident, in its order: when its data became queryable (data-arrival.ts). */
  dataArrival: readonly (Date | undefined)[] = [],
): ScenarioScore {
  const episodes = [...run.episodes].sort((a, b) => a.firedAt.getTime() - b.firedAt.getTime());
  // Per truth, the episodes about it with when each first said so, earliest first.
  const about = truth.map((t) =>
    episodes
      .map((e) => ({ e, at: matchedAt(e, t, aliases) }))
      .filter((m): m is { e: Episode; at: Date } => m.at !== undefined)
      .sort((a, b) => a.at.getTime() - b.at.getTime()),
  );
  const truthsOf = new Map<Episode, number>();
  for (const list of about) for (const { e } of list) truthsOf.set(e, (truthsOf.get(e) ?? 0) + 1);
  const matched = [...truthsOf.keys()];
  const share = (list: readonly { e: Episode }[], of: (e: Episode) => number) =>
    sum(list.map(({ e }) => of(e) / truthsOf.get(e)!));
  const truths = truth.map((t, i): TruthOutcome => {
    const mine = about[i]!.map((m) => m.e);
    const first = about[i]![0];
    const want = { hypothesis: t.hypothesis, severity: t.severity };
    const arrived = dataArrival[i]?.getTime();
    const dataArrivalMs = arrived === undefined ? undefined : arrived - t.onset.getTime();
    const subject = t.subject === "monitor" ? { subject: "monitor" as const } : {};
    if (!first)
      return {
        name: t.name,
        ...subject,
        want,
        detected: false,
        ttdMs: undefined,
        dataArrivalMs,
        ttdFromDataMs: undefined,
        ttrMs: undefined,
        hypothesis: undefined,
        severity: undefined,
        matchedEpisodes: 0,
        pages: 0,
        notifications: 0,
      };
    const named = mine.find((e) => e.rule.startsWith("kv-")) ?? first.e;
    const allClear = mine.some((e) => !e.resolvedAt)
      ? NEVER
      : Math.max(...mine.map((e) => e.resolvedAt!.getTime())) - t.recovered.getTime();
    return {
      name: t.name,
      ...subject,
      want,
      detected: true,
      ttdMs: first.at.getTime() - t.onset.getTime(),
      dataArrivalMs,
      ttdFromDataMs: arrived === undefined ? undefined : first.at.getTime() - arrived,
      ttrMs: allClear,
      hypothesis: named.hypothesis === undefined ? undefined : { got: named.hypothesis, want: t.hypothesis },
      severity: { got: mine.map((e) => e.peakSeverity).reduce((a, b) => (moreSevere(b, a) ? b : a)), want: t.severity },
      matchedEpisodes: mine.length,
      pages: share(about[i]!, (e) => e.pages),
      notifications: share(about[i]!, (e) => e.notifications),
    };
  });
  return {
    scenario: scenario.name,
    days: (scenario.end.getTime() - scenario.start.getTime()) / DAY,
    healthy: truth.length === 0,
    detections: episodes.length,
    truePositives: matched.length,
    truths,
    notifications: run.notifications,
    pages: run.pages,
    incidentPages: sum(matched.map((e) => e.pages)),
    incidentNotifications: sum(matched.map((e) => e.notifications)),
  };
}

export interface Ratio {
  num: number;
  den: number;
}

export interface Spread {
  /** Undefined when there is nothing to take the median of. */
  median: number | undefined;
  worst: number | undefined;
  n: number;
}

/** A detector's results over a set of scenarios (or one). */
export interface Summary {
  precision: Ratio;
  recall: Ratio;
  ttd: Spread;
  /** Over detected incidents whose data arrival is known. */
  ttdFromData: Spread;
  ttr: Spread;
  /** Among detected truth incidents; undefined for a detector that names no cause. */
  hypothesis: Ratio | undefined;
  /** Among detected truth incidents. */
  severity: Ratio;
  healthy: { scenarios: number; days: number; pages: number; notifications: number };
  /**
   * The alerts about truth incidents: their pages and notifications (each alert once, from its
   * firing to its resolution), and the most pages one detected incident got (its shares,
   * TruthOutcome.pages); undefined when none was detected.
   */
  incidents: { pages: number; notifications: number; mostPages: number | undefined };
}

/** `namesCauses`: whether the detector names a hypothesis at all (the peer rules do not). */
export function summarize(scores: readonly ScenarioScore[], namesCauses = true): Summary {
  const truths = scores.flatMap((s) => s.truths);
  const detected = truths.filter((t) => t.detected);
  const named = detected.filter((t) => t.hypothesis !== undefined);
  const quiet = scores.filter((s) => s.healthy);
  return {
    precision: { num: sum(scores.map((s) => s.truePositives)), den: sum(scores.map((s) => s.detections)) },
    recall: { num: detected.length, den: truths.length },
    ttd: spread(detected.map((t) => t.ttdMs!)),
    ttdFromData: spread(detected.flatMap((t) => (t.ttdFromDataMs === undefined ? [] : [t.ttdFromDataMs]))),
    ttr: spread(detected.map((t) => t.ttrMs!)),
    hypothesis: namesCauses
      ? { num: named.filter((t) => t.hypothesis!.got === t.hypothesis!.want).length, den: detected.length }
      : undefined,
    severity: { num: detected.filter((t) => t.severity!.got === t.severity!.want).length, den: detected.length },
    healthy: {
      scenarios: quiet.length,
      days: sum(quiet.map((s) => s.days)),
      pages: sum(quiet.map((s) => s.pages)),
      notifications: sum(quiet.map((s) => s.notifications)),
    },
    incidents: {
      pages: sum(scores.map((s) => s.incidentPages)),
      notifications: sum(scores.map((s) => s.incidentNotifications)),
      mostPages: detected.length === 0 ? undefined : Math.max(...detected.map((t) => t.pages)),
    },
  };
}

/** Median (mean of the middle two for an even count) and the largest; NEVER sorts last. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: undefined, worst: undefined, n: 0 };
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, worst: v[v.length - 1]!, n: v.length };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
