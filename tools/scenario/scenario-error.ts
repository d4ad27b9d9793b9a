import { formatIssues, type ZodIssue } from "../../src/core/common/zod-issues.js";

/** A scenario that cannot be replayed; each problem names its JSON path. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  /** `cause`: the parse or validation error the problems were read from, when there was one. */
  constructor(
    readonly source: string,
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(`${source} is not a valid scenario:\n${problems.map((p) => `  ${p}`).join("\n")}`, options);
  }
}

/** zod's issues as `<JSONPath>: <message>` lines, in the scenario's own words. */
export function zodProblems(issues: readonly ZodIssue[]): string[] {
  return formatIssues(issues, { root: "$", message: messageOf });
}

function messageOf(issue: ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const replayOwned = issue.keys.filter((k) => REPLAY_OWNED.has(k));
    if (replayOwned.length > 0)
      return `${replayOwned.join(", ")}: the replay sets this itself (stand-in endpoints, identities and secrets); remove it`;
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  }
  return issue.message;
}

/** Settings the replay provides; a scenario that sets one is refused. */
const REPLAY_OWNED = new Set([
  "LOG_ANALYTICS_WORKSPACE_ID",
  "LOG_ANALYTICS_ENDPOINT",
  "LOG_ANALYTICS_WORKSPACE_RESOURCE_ID",
  "STATE_TABLE_ENDPOINT",
  "STATE_STORAGE_CONNECTION_STRING",
  "STATE_TABLE_PREFIX",
  "TEAMS_WEBHOOK_URL",
  "EMAIL_ENDPOINT",
  "EMAIL_SENDER",
  "EMAIL_RECIPIENTS",
  "PAGERDUTY_ROUTING_KEY",
  "PAGERDUTY_URL",
  "AZURE_CLIENT_ID",
  "MONITOR_SCHEDULE",
  "ARM_ENDPOINT",
  "IDENTITY_ENDPOINT",
  "QUERY_TIMEOUT_SECONDS",
  "HEALTH_STALE_AFTER_MINUTES",
]);
