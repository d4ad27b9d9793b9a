/**
 * A setting whose value must never reach a log line, an error message, a stored record or a
 * serialized object. Modelled on Alertmanager's `SecretURL`: the value is reachable only through
 * `reveal()`, and every implicit conversion yields a redacted form.
 */
export class Secret {
  readonly #value: string;
  readonly #redacted: string;

  constructor(value: string, redacted = "<redacted>") {
    this.#value = value;
    this.#redacted = redacted;
  }

  /** Returns the real value; call it only at the point where the value is handed to a client. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return this.#redacted;
  }

  toJSON(): string {
    return this.#redacted;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secret(${this.#redacted})`;
  }

  /** Replaces every occurrence of the value (and of its query-string parts) in free text. */
  scrub(text: string): string {
    return scrubSecretText(text, this.#value, this.#redacted);
  }
}

/** Builds a secret for a URL that authenticates by its query string (Teams Workflows `sig=`, SAS). */
export function secretUrl(value: string): Secret {
  return new Secret(value, redactUrl(value));
}

/** Keeps the scheme, host and path of a URL so an operator can tell which endpoint failed. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname}${url.search ? "?<redacted>" : ""}`;
  } catch {
    return "<redacted url>";
  }
}

function scrubSecretText(text: string, value: string, replacement: string): string {
  if (value.length === 0) return text;
  let out = text.split(value).join(replacement);
  // Error texts from HTTP stacks sometimes quote the query string alone or a decoded form of it.
  try {
    const url = new URL(value);
    for (const [, v] of url.searchParams) {
      if (v.length >= 8) {
        out = out.split(v).join("<redacted>");
        out = out.split(encodeURIComponent(v)).join("<redacted>");
      }
    }
  } catch {
    // not a URL: only the literal value is scrubbed
  }
  return out;
}
