import type { HttpResponseInit } from "@azure/functions";

/**
 * What every API answer carries: answers are about live state, never to be cached; and browsers
 * must take the content type as given rather than sniff one (400 bodies repeat IDs and field names
 * a client sent, which must never be read as HTML).
 */
export const NO_STORE = { "cache-control": "no-store", "x-content-type-options": "nosniff" } as const;

/** The answer with `nosniff` whatever its handler set, and `no-store` unless it chose a cache policy. */
export function withStandardHeaders(response: HttpResponseInit): HttpResponseInit {
  const headers = new Headers(response.headers as ConstructorParameters<typeof Headers>[0]);
  if (!headers.has("cache-control")) headers.set("cache-control", NO_STORE["cache-control"]);
  headers.set("x-content-type-options", NO_STORE["x-content-type-options"]);
  return { ...response, headers: Object.fromEntries(headers.entries()) };
}
