import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { ECHO_CHARS, MAX_BODY_BYTES } from "./limits.js";
import { NO_STORE } from "./headers.js";

export type BodyText = { ok: true; text: string } | { ok: false; response: HttpResponseInit };

/** `application/json`, alone or with a UTF-8 charset: what every write takes (RFC 8259 JSON is UTF-8). */
const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

const KIB = MAX_BODY_BYTES / 1024;
const bytes = (n: number) => n.toLocaleString("en-US");

/** 413: the answer names the limit, so a client knows what to send instead. */
export function tooLarge(size: number | undefined): HttpResponseInit {
  const seen = size === undefined ? `more than ${bytes(MAX_BODY_BYTES)} bytes` : `${bytes(size)} bytes`;
  return {
    status: 413,
    headers: NO_STORE,
    jsonBody: {
      error: `the body is ${seen}; the most a request may carry is ${bytes(MAX_BODY_BYTES)} bytes (${KIB} KiB)`,
      limitBytes: MAX_BODY_BYTES,
    },
  };
}

/** The declared Content-Length, when there is a valid one. */
export function declaredLength(request: HttpRequest): number | undefined {
  const value = request.headers.get("content-length");
  return value !== null && /^[0-9]{1,15}$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/** 413 when the request declares a body over the limit: answered before anything is read. */
export function declaredTooLarge(request: HttpRequest): HttpResponseInit | undefined {
  const length = declaredLength(request);
  return length !== undefined && length > MAX_BODY_BYTES ? tooLarge(length) : undefined;
}

function unsupported(type: string | null): HttpResponseInit {
  const got = type === null ? "none" : JSON.stringify(type.slice(0, ECHO_CHARS));
  return {
    status: 415,
    headers: { ...NO_STORE, accept: "application/json" },
    jsonBody: { error: `the body must be JSON sent with content-type: application/json (got ${got})` },
  };
}

const problem = (error: string): BodyText => ({
  ok: false,
  response: { status: 400, headers: NO_STORE, jsonBody: { error } },
});

/**
 * The body of a write as text: 413 when it is (or turns out to be) over MAX_BODY_BYTES, counted
 * while reading so a chunked body without a length is cut off too; 415 unless it is sent as JSON;
 * 400 when it is empty or not UTF-8.
 */
export async function readJsonText(request: HttpRequest): Promise<BodyText> {
  const declared = declaredTooLarge(request);
  if (declared) return { ok: false, response: declared };
  const type = request.headers.get("content-type");
  if (type !== null && !JSON_TYPE.test(type.trim())) return { ok: false, response: unsupported(type) };
  const read = await readAtMost(request, MAX_BODY_BYTES);
  if (read === "too large") return { ok: false, response: tooLarge(undefined) };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(read);
  } catch {
    return problem("the body is not valid UTF-8; expected a JSON object");
  }
  if (text.trim() === "") return problem("the body is empty; expected a JSON object");
  if (type === null) return { ok: false, response: unsupported(type) };
  return { ok: true, text };
}

/** The body's bytes, or "too large" as soon as more than `limit` have arrived (the rest is not read). */
async function readAtMost(request: HttpRequest, limit: number): Promise<Uint8Array | "too large"> {
  const stream = request.body;
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (done) break;
    if (!value) continue;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return "too large";
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
