/**
 * Where a JSON setting stops being JSON, without the excerpt of the text that V8's message carries
 * ("Unexpected token 'x', "…" is not valid JSON"): the text may be long, and it is shown in logs and
 * /api/health.
 */
export function jsonSyntaxProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    const at = /at position (\d+)/.exec(message)?.[1];
    if (at !== undefined) return `is not valid JSON (at character ${Number(at) + 1} of ${text.length})`;
    if (/end of JSON input/i.test(message)) return `is not valid JSON (it ends early, after ${text.length} characters)`;
    return "is not valid JSON";
  }
}
