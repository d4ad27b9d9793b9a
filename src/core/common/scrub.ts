/**
 * Removes secret-looking values from free text that came from the workspace (trace and host log
 * samples), before it can reach a card, an email or a log line. The monitor never needs them.
 */
const PATTERNS: [RegExp, string][] = [
  // Connection strings and keys: AccountKey=..., SharedAccessKey=..., Password=...
  [
    /\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|client_secret|ClientSecret)=([^;&\s"']+)/gi,
    "$1=<redacted>",
  ],
  // SAS and Workflows signatures in URLs.
  [/([?&](?:sig|code|token|access_token)=)[^&\s"']+/gi, "$1<redacted>"],
  // Bearer tokens and bare JWTs.
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g, "Bearer <redacted>"],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g, "<redacted jwt>"],
];

export function scrubSample(text: string): string {
  return PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
