import { type Rule, UNKNOWN, dominates, changeBeforeOnset, writePhase, phaseIs } from "./rule.js";
import { utcTime } from "../../common/utc.js";
import { minutesFrom, partOf, plural } from "./words.js";

/** H2: RBAC role missing or at the wrong scope (playbook H2). */

export const H2_RULES: Rule[] = [
  {
    id: "role-deleted-before-onset",
    hypothesis: "H2",
    effect: "confirms",
    weight: 4,
    reads: ["changes", "kv-requests"],
    checks: "role assignments deleted before the failures",
    test: (f) =>
      changeBeforeOnset(f, f.changes?.roleDeletedBeforeOnset, (c) => `${c.role} for ${f.caller} on ${c.scope} deleted`),
  },
  {
    id: "rbac-denials-dominate",
    hypothesis: "H2",
    effect: "confirms",
    weight: 2,
    reads: ["kv-requests"],
    checks: "the share of RBAC denials",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : dominates(f.kv.counts.forbiddenRbac, f.kv.denials)
          ? `${partOf(f.kv.counts.forbiddenRbac, f.kv.denials, "denial")} were RBAC denials (isRbacAuthorized=false)`
          : undefined,
  },
  {
    id: "no-required-role",
    hypothesis: "H2",
    effect: "confirms",
    weight: 3,
    reads: [],
    checks: "the caller's role assignments",
    test: (f) =>
      f.access.hasRequiredRole === false && f.access.roleAtWrongScope !== true
        ? `${f.caller} holds no role that grants the action on ${f.vaultName} or a parent scope (control-plane check)`
        : undefined,
  },
  {
    id: "role-at-wrong-scope",
    hypothesis: "H2",
    effect: "confirms",
    weight: 3,
    reads: [],
    checks: "the scope of the caller's role assignments",
    test: (f) =>
      f.access.roleAtWrongScope === true
        ? `${f.caller} holds the role only at a scope that does not cover ${f.vaultName} (control-plane check)`
        : undefined,
  },
  {
    id: "denied-after-role-write",
    hypothesis: "H2",
    effect: "confirms",
    weight: 2,
    reads: ["changes", "kv-requests"],
    checks: "denials continuing after a role write",
    test: (f) => {
      const p = phaseIs(f, "past-window", "outlasted");
      if (p === UNKNOWN || !p) return p;
      const w = writePhase(f)!;
      return `denials continued until ${utcTime(w.lastAt)}, ${plural(minutesFrom(w.write.at, w.lastAt), "minute")} after the ${w.words}: the role or scope written may not grant the action`;
    },
  },
  {
    id: "role-restored",
    hypothesis: "H2",
    effect: "disproves",
    weight: 4,
    reads: ["changes", "kv-requests"],
    checks: "role assignments restored during the failures",
    test: (f) => {
      const p = phaseIs(f, "inside-window", "stopped-inside");
      if (p === UNKNOWN || !p || !f.changes?.writeIsRestore) return p === UNKNOWN ? UNKNOWN : undefined;
      return `${writePhase(f)!.words}: the missing role is back`;
    },
  },
  {
    id: "role-present",
    hypothesis: "H2",
    effect: "disproves",
    weight: 4,
    reads: [],
    checks: "the caller's role assignments",
    test: (f) =>
      f.access.hasRequiredRole === true && f.access.roleAtWrongScope !== true
        ? `${f.caller} holds the required role on ${f.vaultName} or a parent scope (control-plane check)`
        : undefined,
  },
  {
    // The Functions playbook weakens H2 when the 403s stop without a role change; read here as no
    // RBAC denials and no role changes. A single RBAC denial settles it without the change log.
    id: "no-rbac-denials-no-role-change",
    hypothesis: "H2",
    effect: "disproves",
    weight: 3,
    reads: ["kv-requests", "changes"],
    checks: "RBAC denials and role changes for the caller",
    test: (f) => {
      if (!f.kv) return UNKNOWN;
      if (f.kv.counts.forbiddenRbac > 0) return undefined;
      if (!f.changes) return UNKNOWN;
      if (f.changes.anyRoleChange) return undefined;
      return `no RBAC denials among ${plural(f.kv.denials, "denial")} and no role assignment change for ${f.caller} in the change log`;
    },
  },
];
