import type { CREDENTIAL_ERROR_CLASSES } from "../../src/core/signals/signal-set.js";
import { hasTerm } from "../kusto/terms.js";
import type { DEP_COUNTS, KV_COUNTS } from "./format-v1.js";
import type { RecordFields } from "./format-v2.js";

/**
 * How the counts of a v1 signal row become raw records (docs/scenarios.md, "Reading v1 files"):
 * one record kind per signal, and per count the fields that make the monitor's query put the
 * record in that count. The rest of a given `total` beyond its named counts is taken as succeeded.
 */

type KvCount = Exclude<(typeof KV_COUNTS)[number], "total">;
type DepCount = Exclude<(typeof DEP_COUNTS)[number], "total">;
export type ErrorClass = (typeof CREDENTIAL_ERROR_CLASSES)[number];

/**
 * Key Vault audit records per kv-requests count. `other` becomes 404 (a secret that does not
 * exist), not 500: v1 put the 404s apps probe for in `other` and did not count `other` as bad in
 * SLO sums, which a 5xx is (queries/signals/slo.ts); a 404 keeps both. `forbiddenOther` is a 403
 * that neither RBAC, the access policies nor the firewall decided: a disabled secret.
 */
export const KV_STATUS: Readonly<Record<KvCount | "rest", RecordFields>> = {
  succeeded: { status: 200 },
  unauthorized: { status: 401 },
  forbiddenRbac: { status: 403, denial: "rbac" },
  forbiddenPolicy: { status: 403, denial: "policy" },
  forbiddenFirewall: { status: 403, denial: "firewall" },
  forbiddenOther: { status: 403, resultDescription: "Operation get is not allowed on a disabled secret." },
  throttled: { status: 429 },
  other: { status: 404 },
  rest: { status: 200 },
};

/**
 * AppDependencies records per dependency-calls count. The query classifies by result code
 * (queries/signals/app-insights.ts): 401, 403 and 429 first, then success, then 408 as a timeout,
 * 0 as no answer, 5xx as a server error; anything else failed is "other" (404 here).
 */
export const DEP_RESULT: Readonly<Record<DepCount | "rest", RecordFields>> = {
  succeeded: { resultCode: "200", success: true },
  unauthorized: { resultCode: "401", success: false },
  forbidden: { resultCode: "403", success: false },
  throttled: { resultCode: "429", success: false },
  timeouts: { resultCode: "408", success: false },
  connectionFailures: { resultCode: "0", success: false },
  serverErrors: { resultCode: "500", success: false },
  otherFailures: { resultCode: "404", success: false },
  rest: { resultCode: "200", success: true },
};

/** A message per credential error class that the credential-traces query puts in that class. */
export const CANONICAL_TRACE: Readonly<Record<ErrorClass, string>> = {
  "invalid-audience":
    "ManagedIdentityCredential authentication failed. AADSTS500011: The resource principal named https://vault.azure.com was not found in the tenant.",
  "uami-not-found": "ManagedIdentityCredential authentication failed: Unable to load the proper Managed Identity.",
  "mi-unavailable": "ManagedIdentityCredential authentication unavailable. No managed identity endpoint found.",
  "chain-exhausted": "DefaultAzureCredential failed to retrieve a token from the included credentials.",
};

// The credential-traces query's terms (queries/signals/app-insights.ts), most specific class first.
const TRACE_FILTER = [
  "ManagedIdentityCredential",
  "DefaultAzureCredential",
  "ChainedTokenCredential",
  "CredentialUnavailableError",
  "AADSTS500011",
  "AKV10022",
  "audience",
  "managed identity",
  "Managed Identity",
  "MSI found",
  "Identity not found",
];
const TRACE_CLASSES: readonly [ErrorClass, readonly string[]][] = [
  ["invalid-audience", ["AADSTS500011", "AKV10022", "invalid audience"]],
  [
    "uami-not-found",
    [
      "Unable to load the proper Managed Identity",
      "No MSI found for specified ClientId",
      "requested identity hasn't been assigned",
      "Identity not found",
    ],
  ],
  [
    "mi-unavailable",
    [
      "No managed identity endpoint found",
      "ManagedIdentityCredential authentication unavailable",
      "ManagedIdentityCredential: Network unreachable",
      "No response received from the managed identity endpoint",
    ],
  ],
  [
    "chain-exhausted",
    ["DefaultAzureCredential failed to retrieve a token", "ChainedTokenCredential authentication failed"],
  ],
];

/** `text has_any (terms)`, case-insensitive, as Kusto matches terms. */
const hasAny = (text: string, terms: readonly string[]) => terms.some((t) => hasTerm(text, t, false));

/** The class the credential-traces query gives a message; undefined when it leaves the message out. */
export function traceClassOf(message: string): ErrorClass | undefined {
  if (!hasAny(message, TRACE_FILTER)) return undefined;
  return TRACE_CLASSES.find(([, terms]) => hasAny(message, terms))?.[0];
}

/** The row's sample when the query puts it in the row's class, else the class's canonical message. */
export function traceMessage(errorClass: ErrorClass, sample: string): string {
  return sample !== "" && traceClassOf(sample) === errorClass ? sample : CANONICAL_TRACE[errorClass];
}

// The host-startup query's auth hints (queries/signals/host-startup.ts).
const AUTH_HINTS = [
  "401",
  "403",
  "Unauthorized",
  "Forbidden",
  "AuthorizationPermissionMismatch",
  "AuthenticationFailed",
  "ManagedIdentityCredential",
  "CredentialUnavailable",
  "AuthorizationFailure",
  "AuthenticationFailedException",
  "AADSTS",
  "AKV10022",
];
export const hasAuthHint = (text: string) => hasAny(text, AUTH_HINTS);

/** Inner exceptions for a listener failure whose v1 sample does not say what its row says. */
export const CANONICAL_LISTENER_CAUSE = {
  auth: "Azure.Messaging.ServiceBus: Unauthorized access. 'Listen' claim(s) are required to perform this operation.",
  other: "Azure.Messaging.ServiceBus: The connection was closed by the remote host.",
} as const;

/**
 * The inner exception of a listener-failure record for a v1 host-startup row: the sample after
 * the host's own message (the query's Sample is this cause, as the exception chain names it), unless that would not be auth-related when the row is, or the other way round.
 */
export function listenerCause(sample: string, hostMessage: string, authRelated: boolean): string {
  const rest = sample.startsWith(`${hostMessage} `)
    ? sample.slice(hostMessage.length + 1)
    : sample.startsWith(hostMessage)
      ? sample.slice(hostMessage.length).trimStart()
      : sample;
  if (hasAuthHint(`${hostMessage} ${rest}`) === authRelated && rest !== "") return rest;
  return authRelated ? CANONICAL_LISTENER_CAUSE.auth : CANONICAL_LISTENER_CAUSE.other;
}
