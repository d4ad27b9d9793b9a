import type { IncidentSnapshot, RuleId } from "../model/index.js";
import type { GroupLabel, GroupPolicy } from "../model/notify-policy.js";
import type { MonitorSpec } from "../spec/monitor-spec.js";
import type { AppCall } from "../model/spec-lookup.js";
import { vaultName } from "../model/names.js";
import { labelsOf } from "./labels.js";

/**
 * Which rules' incidents may share a cause at all. A caller denied on a vault and the
 * control-plane finding about that caller's grant on it are one access problem seen twice; an
 * app's network failures and its denials are one too (playbook H6: an outage masquerading as auth,
 * such as an unreachable managed-identity endpoint: its calls reach the vault without a token).
 * Throttling is a cause of its own kind.
 */
const CAUSE_OF: Record<RuleId, string> = {
  "kv-auth-denied": "access",
  "control-plane": "access",
  "kv-throttled": "throttling",
  network: "access",
  monitor: "monitor",
};

/**
 * Control-plane findings that explain no failed call: a vault whose audit events reach no
 * workspace, or a role broader than needed. Each stays its own notice. So does any finding that
 * supports no hypothesis, such as an access policy that only gained permissions: that is the fix
 * arriving, and joining the thread would hold its all-clear open for the finding's report period.
 */
const EXPLAINS_NO_FAILURE = new Set(["blind-spot", "role-over-broad"]);

/**
 * The grouping keys of an incident: `<cause>|<label>=<value>` for each label its rule groups by
 * (`policy.by`). Two active incidents that share any key share a cause and one notification
 * thread; sharing is transitive (docs/adr/0022-notification-groups.md). None: the incident is its
 * own group.
 */
export function groupKeysOf(
  incident: IncidentSnapshot,
  policy: GroupPolicy,
  spec: MonitorSpec,
  calls: readonly AppCall[] = [],
): string[] {
  const by = policy.by[incident.rule];
  if (by === undefined || by === null) return [];
  const l = labelsOf(incident, spec, calls);
  if (l.finding !== undefined && (EXPLAINS_NO_FAILURE.has(l.finding) || incident.diagnosis === undefined)) return [];
  const cause = CAUSE_OF[incident.rule];
  if (by.length === 0) return [`${cause}|*`];
  const values: Record<GroupLabel, string[]> = {
    vault: [l.vault],
    // A caller's object ID and its app (client) ID name one principal; a control-plane finding
    // names it by either.
    identity: [l.identity, l.identityAppId],
    app: [l.app ?? ""],
    subscription: [l.vault ? vaultName(l.vault).subscriptionId.toLowerCase() : ""],
  };
  return [
    ...new Set(by.flatMap((label) => values[label].filter((v) => v !== "").map((v) => `${cause}|${label}=${v}`))),
  ];
}
