import { kqlDatetime, KqlParameterError } from "../queries/kql.js";

/** A closed interval of log time, for queries that must show one incident's evidence whenever they are opened. */
export interface TimeRange {
  start: Date;
  end: Date;
}

/**
 * A value as one POSIX sh word. Names come from logs and token claims, so a name such as
 * `kv'; rm -rf ~` must reach the command as one argument. Plain names and ARM IDs stay as they
 * are, names with spaces (role names) get double quotes, anything else single quotes.
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  if (/^[A-Za-z0-9_@%+=:,./ -]+$/.test(value)) return `"${value}"`;
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** The time filter of a runbook query: the last hour for a query run now, or a fixed range for evidence. */
export function timeFilter(range: TimeRange | undefined): string {
  return range
    ? `| where TimeGenerated between (${kqlDatetime(range.start)} .. ${kqlDatetime(range.end)})`
    : "| where TimeGenerated > ago(1h)";
}

/**
 * A query, or undefined when a name in it cannot be a KQL literal (the KQL helpers refuse control
 * characters). A name from the logs must cost the step its query, not stop the notice.
 */
export function queryOrNothing(build: () => string): string | undefined {
  try {
    return build();
  } catch (error) {
    if (error instanceof KqlParameterError) return undefined;
    throw error;
  }
}

/** One thing for on-call to do, with the exact command or query, names filled in. */
export interface RunbookStep {
  title: string;
  command?: string;
  kql?: string;
}
