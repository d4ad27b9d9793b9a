/**
 * A Storage connection string for the state tables, checked the way @azure/data-tables reads it
 * (utils/connectionString.js): `Key=Value` parts separated by ";", keys case-insensitive, and one of
 * - `UseDevelopmentStorage=true` (Azurite's well-known account on 127.0.0.1:10002);
 * - an account string: DefaultEndpointsProtocol, AccountName, AccountKey, and TableEndpoint or
 *   EndpointSuffix (the SDK takes it for an account string only when DefaultEndpointsProtocol and
 *   AccountKey are both present);
 * - a SAS string: TableEndpoint and SharedAccessSignature.
 * Anything else would make the SDK throw a TypeError on first use, far from the setting.
 *
 * The value is a secret: problems name parts by position and keys by their documented names, never
 * by what was typed.
 */

const KNOWN = new Map(
  [
    "DefaultEndpointsProtocol",
    "AccountName",
    "AccountKey",
    "EndpointSuffix",
    "TableEndpoint",
    "BlobEndpoint",
    "QueueEndpoint",
    "FileEndpoint",
    "SharedAccessSignature",
    "UseDevelopmentStorage",
    "DevelopmentStorageProxyUri",
  ].map((k) => [k.toLowerCase(), k]),
);

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** Storage account names: 3-24 lowercase letters and digits. */
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const CONNECTION_STRING_EXPECTED =
  "expected UseDevelopmentStorage=true (Azurite), or DefaultEndpointsProtocol, AccountName, AccountKey and TableEndpoint (or EndpointSuffix), or TableEndpoint and SharedAccessSignature, as Key=Value parts separated by ';'";

export type ConnectionStringCheck = { ok: true } | { ok: false; problem: string };

/** Whether the SDK can open tables with this connection string; the problem never quotes the value. */
export function checkConnectionString(value: string): ConnectionStringCheck {
  const parts = new Map<string, string>();
  const problems: string[] = [];
  const segments = value.split(";");
  segments.forEach((segment, i) => {
    const s = segment.trim();
    if (s === "") return;
    const eq = s.indexOf("=");
    const where = `part ${i + 1} of ${segments.length}`;
    if (eq <= 0) {
      problems.push(`${where} is not Key=Value`);
      return;
    }
    const key = KNOWN.get(s.slice(0, eq).toLowerCase());
    if (key === undefined) problems.push(`${where} has an unknown key`);
    else if (parts.has(key)) problems.push(`${key} is given twice`);
    else parts.set(key, s.slice(eq + 1));
  });
  if (problems.length === 0) problems.push(...shapeProblems(parts));
  return problems.length === 0
    ? { ok: true }
    : { ok: false, problem: `${problems.join("; ")}; ${CONNECTION_STRING_EXPECTED}` };
}

function shapeProblems(parts: Map<string, string>): string[] {
  const dev = parts.get("UseDevelopmentStorage");
  if (dev !== undefined) return dev.toLowerCase() === "true" ? [] : ["UseDevelopmentStorage is not true"];
  const problems: string[] = [];
  const table = parts.get("TableEndpoint");
  const tableUrl = table === undefined ? undefined : endpointProblem(table, "TableEndpoint");
  if (tableUrl) problems.push(tableUrl);
  const sas = parts.has("SharedAccessSignature");
  // The SDK's own order: an account string needs both of these keys; otherwise a SAS is looked for.
  const account = parts.has("AccountKey") && parts.has("DefaultEndpointsProtocol");
  if (account || (!sas && (parts.has("AccountKey") || parts.has("AccountName")))) {
    const missing = ["DefaultEndpointsProtocol", "AccountName", "AccountKey"].filter((k) => !parts.get(k));
    if (table === undefined && !parts.get("EndpointSuffix")) missing.push("TableEndpoint (or EndpointSuffix)");
    if (missing.length > 0) problems.push(`missing ${missing.join(", ")}`);
    const protocol = parts.get("DefaultEndpointsProtocol")?.toLowerCase();
    if (protocol !== undefined && protocol !== "https" && protocol !== "http")
      problems.push("DefaultEndpointsProtocol is neither https nor http");
    else if (protocol === "http" && table === undefined)
      problems.push("plain http needs a TableEndpoint on 127.0.0.1 or localhost (Azurite)");
    const name = parts.get("AccountName");
    if (name && !ACCOUNT_NAME.test(name)) problems.push("AccountName is not 3-24 lowercase letters and digits");
    const key = parts.get("AccountKey");
    if (key && (!BASE64.test(key) || key.length % 4 !== 0)) problems.push("AccountKey is not base64");
    return problems;
  }
  if (sas) {
    if (table === undefined) problems.push("missing TableEndpoint");
    else if (!tableUrl && !accountInUrl(table))
      problems.push("TableEndpoint names no account (<account>.table.<suffix> or a path /<account>)");
    if (!parts.get("SharedAccessSignature")) problems.push("SharedAccessSignature is empty");
    return problems;
  }
  return [...problems, "missing AccountName, AccountKey and DefaultEndpointsProtocol, or SharedAccessSignature"];
}

/** The SDK reads a SAS string's account from the host (`<account>.table.…`) or the first path segment. */
function accountInUrl(text: string): boolean {
  const url = new URL(text);
  return url.hostname.split(".")[1] === "table" || (url.pathname.split("/")[1] ?? "") !== "";
}

/** A table endpoint: https, or http on loopback (Azurite); no query, which is where a SAS would go. */
function endpointProblem(text: string, key: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${key} is not a URL`;
  }
  if (url.protocol === "http:" && !LOOPBACK.has(url.hostname))
    return `${key} uses plain http away from 127.0.0.1 or localhost`;
  if (url.protocol !== "https:" && url.protocol !== "http:") return `${key} is not an https URL`;
  if (url.username || url.password || url.search || url.hash)
    return `${key} carries credentials, a query or a fragment (put a SAS in SharedAccessSignature)`;
  return undefined;
}
