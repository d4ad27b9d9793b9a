import { createHttpHeaders, createPipelineRequest, type HttpClient, type HttpMethods } from "@azure/core-rest-pipeline";
import type { ResourceGraphModels } from "@azure/arm-resourcegraph";

/**
 * @azure/arm-resourcegraph 4.2.1 is built on the older @azure/ms-rest-js, whose HttpClient and
 * headers differ from core-rest-pipeline's. This adapts a core HttpClient (the default one, or the
 * stand-in's redirecting one) to it, so every ARM adapter takes the same `httpClient` seam.
 */
type Options = ResourceGraphModels.ResourceGraphClientOptions;
export type MsHttpClient = NonNullable<Options["httpClient"]>;
type MsRequest = Parameters<MsHttpClient["sendRequest"]>[0];
type MsResponse = Awaited<ReturnType<MsHttpClient["sendRequest"]>>;
type MsHeaders = MsResponse["headers"];

export function msRestHttpClient(inner: HttpClient): MsHttpClient {
  return {
    async sendRequest(r: MsRequest): Promise<MsResponse> {
      const request = createPipelineRequest({
        url: r.url,
        method: r.method as HttpMethods,
        headers: createHttpHeaders(r.headers.rawHeaders()),
        body: r.body as string | undefined,
        timeout: r.timeout,
        ...(r.abortSignal ? { abortSignal: r.abortSignal as AbortSignal } : {}),
      });
      const res = await inner.sendRequest(request);
      const headers: Record<string, string> = {};
      for (const [name, value] of res.headers) headers[name] = value;
      return { request: r, status: res.status, headers: msHeaders(headers), bodyAsText: res.bodyAsText ?? null };
    },
  };
}

/** ms-rest-js's HttpHeadersLike over a plain record with lower-case names. */
export function msHeaders(init: Record<string, string>): MsHeaders {
  const map = new Map<string, { name: string; value: string }>();
  for (const [name, value] of Object.entries(init)) map.set(name.toLowerCase(), { name, value });
  const raw = () => Object.fromEntries([...map.values()].map((h) => [h.name.toLowerCase(), h.value]));
  const self: MsHeaders = {
    set: (name, value) => void map.set(name.toLowerCase(), { name, value: String(value) }),
    get: (name) => map.get(name.toLowerCase())?.value,
    contains: (name) => map.has(name.toLowerCase()),
    remove: (name) => map.delete(name.toLowerCase()),
    rawHeaders: raw,
    headersArray: () => [...map.values()],
    headerNames: () => [...map.values()].map((h) => h.name),
    headerValues: () => [...map.values()].map((h) => h.value),
    clone: () => msHeaders(raw()),
    toJson: raw,
  };
  return self;
}
