/** Times as on-call reads them: in UTC, the zone the logs are in. One place, for every layer. */

/** "01:03 UTC"; "-" when there is no time. */
export function utcTime(d: Date | undefined): string {
  if (!d) return "-";
  return `${d.toISOString().slice(11, 16)} UTC`;
}

/** "2026-11-23 01:03 UTC": with the date, for changes that may be days old. */
export function utcDateTime(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
