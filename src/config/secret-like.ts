/**
 * Recognises a secret pasted into a setting that is not secret (a connection string in
 * STATE_TABLE_ENDPOINT, a SAS URL in EMAIL_ENDPOINT). Such a value would be echoed in errors, logs
 * and /api/health, so it is refused without being shown.
 *
 * Every pattern starts only at the beginning of a run (a lookbehind for the run's own characters),
 * so a run is scanned once from its start: checking is linear in the value's length, however long.
 */
const SHAPES: readonly { pattern: RegExp; what: string; test?: (match: string) => boolean }[] = [
  // Storage, Service Bus and Event Hubs connection strings, and SAS tokens.
  { pattern: /AccountKey\s*=/i, what: "an account key (AccountKey=)" },
  { pattern: /SharedAccessSignature\s*=/i, what: "a shared access signature (SharedAccessSignature=)" },
  { pattern: /SharedAccessKey\s*=/i, what: "a shared access key (SharedAccessKey=)" },
  { pattern: /(?<![A-Za-z0-9_])sig=/i, what: "a SAS or Workflows signature (sig=)" },
  // user:password@ in a URL.
  { pattern: /:\/\/[^/\s:@]+:[^/\s@]+@/, what: "a password in a URL (user:password@)" },
  // 32 or more hex digits in one run: PagerDuty-style keys, API keys, HMAC keys. A GUID has dashes.
  { pattern: /(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Fa-f])/, what: "a key of 32 or more hex digits" },
  // Padded base64 of 20+ characters (Azure account keys are 88 with "==", SAS signatures 44 with "=").
  {
    pattern: /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{20,}={1,2}(?![A-Za-z0-9+/=])/,
    what: "a base64 key",
    test: mixed,
  },
  // Unpadded key material of 40+ letters and digits; "/", "-", "_" and "." end a run, so resource
  // paths, GUIDs and dashed names never add up to one.
  { pattern: /(?<![A-Za-z0-9+])[A-Za-z0-9+]{40,}(?![A-Za-z0-9+])/, what: "a base64 key", test: mixed },
];

/** Upper and lower case letters and digits together, as random key material has and words rarely do. */
function mixed(run: string): boolean {
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run);
}

/** What secret the value looks like ("an account key (AccountKey=)"), or undefined. */
export function secretShapeOf(value: string): string | undefined {
  for (const shape of SHAPES) {
    const global = new RegExp(shape.pattern.source, `${shape.pattern.flags}g`);
    for (const match of value.matchAll(global)) {
      if (!shape.test || shape.test(match[0])) return shape.what;
    }
  }
  return undefined;
}
