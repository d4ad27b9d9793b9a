import type { Incident, IncidentSnapshot } from "../model/index.js";
import type { MonitorSpec } from "../spec/monitor-spec.js";
import { labelsOf, type Labels } from "./labels.js";
import type { AppCall } from "../model/spec-lookup.js";
import { isPage } from "../model/notify-policy.js";

/**
 * Alertmanager's inhibition, as data: while a source incident is active, targets it explains are
 * muted when the labels in `equal` agree. Muted incidents are still evaluated and recorded; their
 * notices go out if the source resolves and they are still firing.
 */
export interface InhibitRule {
  name: string;
  source: (l: Labels) => boolean;
  target: (l: Labels) => boolean;
  /** Labels that must be equal (and non-empty) on both sides; none: any source inhibits. */
  equal: (keyof Labels)[];
  /** Why, for the incident record and the health report. */
  because: string;
  /** Mutes tickets only: a page it would mute keeps paging and escalating. */
  ticketsOnly?: boolean;
}

const VAULT_RULES = new Set(["kv-auth-denied", "kv-throttled"]);

export const INHIBIT_RULES: readonly InhibitRule[] = [
  {
    // A monitor that cannot read its workspace cannot confirm anything it says about vaults: its
    // vault incidents rest on data it can no longer see, so its own incident is the one to act on.
    name: "monitor-blind",
    source: (l) => l.rule === "monitor" && l.blind.includes("workspace"),
    target: (l) => VAULT_RULES.has(l.rule) || l.finding === "blind-spot" || l.finding === "probe-failed",
    equal: [],
    because: "the monitor cannot read its workspace, so what it shows about vaults is unconfirmed",
    // The monitor's blindness pages (docs/adr/0015-monitor-blind-pages.md) but explains no vault's
    // failures: a vault page raised from data seen before keeps escalating until someone answers.
    ticketsOnly: true,
  },
  {
    // Without its own Resource Manager token the monitor still reads the workspace, so vault
    // incidents stand on their data; only what it learns from Resource Manager is in doubt.
    name: "monitor-token",
    source: (l) => l.rule === "monitor" && l.blind.includes("token"),
    target: (l) => l.finding === "blind-spot" || l.finding === "probe-failed",
    equal: [],
    because: "the monitor cannot get its own token for Resource Manager, so its control-plane findings are unconfirmed",
  },
  {
    // Playbook H6: when timeouts and connection failures dominate, auth findings are secondary.
    name: "network-outage",
    source: (l) => l.rule === "network",
    target: (l) => l.rule === "kv-auth-denied" || l.finding === "probe-failed",
    equal: ["app"],
    because: "the app's calls are failing at the network level; its auth failures are a symptom (H6)",
  },
];

/**
 * The first active incident that inhibits `target`, with the rule's reason.
 *
 * `active` must hold only sources whose own notices go out (not silenced): muting the cause and
 * its symptoms together would leave on-call told nothing. And a source inhibits a page only when
 * it is a page itself, so inhibition can move a page to its cause but never turn it into a ticket.
 */
export function inhibitionFor(
  target: IncidentSnapshot,
  active: readonly Incident[],
  spec: MonitorSpec,
  rules: readonly InhibitRule[] = INHIBIT_RULES,
  calls: readonly AppCall[] = [],
): string | undefined {
  const t = labelsOf(target, spec, calls);
  for (const rule of rules) {
    if (!rule.target(t) || (rule.ticketsOnly && isPage(target.severity))) continue;
    for (const source of active) {
      // Pending sources count too: they are Alertmanager's group_wait, letting the cause arrive first.
      if (source.id === target.id || source.state === "resolved") continue;
      if (isPage(target.severity) && !isPage(source.severity)) continue;
      const s = labelsOf(source, spec, calls);
      if (!rule.source(s) || rule.target(s)) continue; // no self-inhibition
      if (rule.equal.every((k) => s[k] !== undefined && s[k] !== "" && s[k] === t[k]))
        return `inhibited by incident ${source.id} (${rule.name}): ${rule.because}`;
    }
  }
  return undefined;
}
