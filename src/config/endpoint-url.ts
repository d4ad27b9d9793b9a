import { secretShapeOf } from "./secret-like.js";

/** How an endpoint setting may look: https always, plain http only where a local stand-in listens. */
export interface EndpointRule {
  /** What the setting holds, for the message: "the Communication Services endpoint, e.g. …". */
  what: string;
  /** Plain http on 127.0.0.1 or localhost (local stand-ins). */
  loopbackHttp?: boolean;
  /** A query string is part of the value (the Teams Workflows URL carries its signature there). */
  query?: boolean;
  /** The path the value must end with, e.g. "/v1". */
  path?: string;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** What is wrong with the URL, or undefined. The message never quotes the value. */
export function endpointProblem(value: string, rule: EndpointRule): string | undefined {
  const expected = `expected ${rule.what} as an https:// URL${rule.loopbackHttp ? " (http:// only for 127.0.0.1 or localhost)" : ""}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return expected;
  }
  const plainLoopback = rule.loopbackHttp === true && url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !plainLoopback) return expected;
  // The monitor authenticates with its managed identity; a user name or password has no place here.
  if (url.username !== "" || url.password !== "") return `${expected}, without a user name or password`;
  if (url.search !== "" && !rule.query) return `${expected}, without a query string`;
  if (url.hash !== "") return `${expected}, without a #fragment`;
  // The query is what redaction hides (redactUrl keeps scheme, host and path): a signature that
  // slipped into the path would be shown wherever the URL is named.
  if (rule.query && secretShapeOf(`${url.host}${url.pathname}`) !== undefined)
    return `${expected}, with its signature in the query string (…/invoke?api-version=1&sig=…); the path looks like it holds one`;
  if (rule.path !== undefined && url.pathname.replace(/\/$/, "") !== rule.path)
    return `${expected}, ending in ${rule.path}`;
  return undefined;
}

/** The URL as the clients take it: an expected path without its trailing slash. */
export function normalizedEndpoint(value: string, rule: EndpointRule): string {
  if (rule.path === undefined) return value;
  const url = new URL(value);
  return `${url.origin}${rule.path}`;
}
