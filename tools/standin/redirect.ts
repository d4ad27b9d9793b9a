import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";

/**
 * An HttpClient that sends every request to `base` instead, keeping path and query. The SDK's
 * bearer-token policy refuses plain http URLs, so clients keep their real https endpoints and
 * only the transport is pointed at the local stand-in.
 */
export function redirectTo(base: string): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    sendRequest(request) {
      const original = new URL(request.url);
      request.url = `${base}${original.pathname}${original.search}`;
      request.allowInsecureConnection = true;
      return inner.sendRequest(request);
    },
  };
}
