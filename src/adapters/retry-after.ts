/**
 * How long a receiver asked us to wait, in milliseconds: `retry-after-ms` and
 * `x-ms-retry-after-ms` (Azure services) first, then `Retry-After` as delta-seconds or an HTTP
 * date. Undefined when absent or unreadable.
 */
export function retryAfterMs(
  headers: { get(name: string): string | null | undefined } | undefined,
): number | undefined {
  if (!headers) return undefined;
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const raw = headers.get(name);
    const v = Number(raw);
    if (raw && Number.isFinite(v) && v >= 0) return Math.round(v);
  }
  const raw = headers.get("retry-after")?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
