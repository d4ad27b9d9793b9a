import { MAX_PERIOD_DAYS } from "../spec/monitor-spec.js";

/**
 * The one place values become KQL text. Every parameter a query takes passes through one of these
 * helpers, so configuration can never change a query's shape.
 */

/** A KQL string literal: double-quoted with backslash escapes; control characters refused. */
export function kqlString(value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new KqlParameterError(`a string parameter contains a control character: ${JSON.stringify(value)}`);
  }
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The longest timespan a query takes in minutes: the longest SLO period the spec accepts. */
const MAX_MINUTES = MAX_PERIOD_DAYS * 24 * 60;

/** A KQL timespan literal in whole minutes, e.g. `5m`. */
export function kqlMinutes(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MINUTES) {
    throw new KqlParameterError(
      `a duration must be a whole number of minutes between 1 and ${MAX_MINUTES}, got ${minutes}`,
    );
  }
  return `${minutes}m`;
}

/** A parameter that would not make a well-formed query. */
export class KqlParameterError extends Error {
  override readonly name = "KqlParameterError";
}

/** A KQL datetime literal, always in UTC. */
export function kqlDatetime(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new KqlParameterError("a datetime parameter is not a valid date");
  return `datetime(${d.toISOString()})`;
}
