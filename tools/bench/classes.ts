/**
 * The class of problem each corpus world stands for, so that the bench can report per class: a
 * detector that is good on role removals and pages on every deploy shows both. A world is in one
 * class, named for what goes wrong in it (or "healthy" for a world where nothing does); a world
 * with two truths, such as a role removal during which the monitor goes blind, is in the class of
 * what it was written to show. A scenario not listed here (a user's own file) is "other".
 */

export const OTHER_CLASS = "other";

/** Scenario name → class, grouped by class in the order the per-class table lists them. */
export const SCENARIO_CLASSES: Readonly<Record<string, string>> = {
  "rbac-removal": "role removed",
  "dual-table-vault": "role removed",
  "group-removal": "group removal",
  "low-traffic-app": "low traffic",
  "policy-missing-permission": "permission missing from a policy",
  "access-policy-mismatch": "permission model",
  "wrong-audience": "token audience",
  "detached-uami": "managed identity",
  "exception-only-credential": "managed identity",
  "mi-endpoint-unreachable": "managed identity",
  "stale-token-identity-swap": "stale token",
  "network-outage": "network",
  "throttling-hot-path": "throttling",
  "region-throttling": "region throttling",
  "iac-policy-replace": "one cause across callers",
  "shared-uami-two-vaults": "one identity across vaults",
  "daily-cap": "monitor blind",
  "diagnostic-setting-deleted": "monitor blind",
  "schema-drift": "monitor blind",
  "healthy-week": "healthy",
  "challenge-at-every-start": "healthy",
  "first-grant-propagating": "first grant propagating",
  "disabled-secret-probe": "disabled-secret probes",
  "recurring-deploy-401": "recurring deploy 401s",
};

export function classOf(scenario: string): string {
  return Object.hasOwn(SCENARIO_CLASSES, scenario) ? SCENARIO_CLASSES[scenario]! : OTHER_CLASS;
}

/** "disabled-secret probes" → "disabled-secret-probes": the class's key in results.json. */
export function classSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The classes of the given scenarios, each once: in the listing's order, then "other". */
export function classesOf(scenarios: readonly string[]): string[] {
  const present = new Set(scenarios.map(classOf));
  return [...new Set([...Object.values(SCENARIO_CLASSES), OTHER_CLASS])].filter((c) => present.has(c));
}
