import type { SignalName, SignalStatus } from "../../signals/signal-set.js";
import { MINUTE_MS } from "../../common/duration.js";

/** Words for the sentences on-call reads at 3 a.m.: numbers and names rather than IDs (times: common/utc.ts). */

/** Whole minutes from a to b (negative when b is earlier). */
export function minutesFrom(a: Date, b: Date): number {
  return Math.round((b.getTime() - a.getTime()) / MINUTE_MS);
}

export function addMinutes(d: Date, minutes: number): Date {
  return new Date(d.getTime() + minutes * MINUTE_MS);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "98%": never rounds a part up to 100% or down to 0%, so "100%" means all of them. */
export function share(part: number, whole: number): string {
  if (whole <= 0) return "0%";
  if (part >= whole) return "100%";
  if (part <= 0) return "0%";
  return `${Math.min(99, Math.max(1, Math.round((part / whole) * 100)))}%`;
}

/** "12 of 13 denials (92%)". */
export function partOf(part: number, whole: number, noun: string): string {
  return `${part} of ${plural(whole, noun)} (${share(part, whole)})`;
}

const SIGNAL_WORDS: Partial<Record<SignalName, string>> = {
  "kv-requests": "Key Vault requests",
  "dependency-calls": "dependency calls",
  "credential-traces": "credential traces",
  invocations: "invocations",
  "host-startup": "host start-up logs",
  changes: "change log",
  "group-membership": "group membership",
};

/** "the change log", "credential traces". */
export function signalWords(signal: SignalName): string {
  return SIGNAL_WORDS[signal] ?? signal;
}

/** "(credential traces unavailable: no AppTraces data)". */
export function unknownSignal(
  signal: SignalName,
  status: SignalStatus | undefined,
  problem: string | undefined,
): string {
  const state = status ?? "not reported";
  return `(${SIGNAL_WORDS[signal] ?? signal} ${state}${problem ? `: ${problem}` : ""})`;
}

/** The last segment of an ARM ID: the resource's name. */
export function lastSegment(id: string): string {
  const parts = id.split("/").filter((p) => p !== "");
  return parts[parts.length - 1] ?? id;
}

/** Lower-case, without a trailing slash (the changes signal lower-cases scopes; IDs are case-insensitive). */
export function normalizeId(id: string): string {
  const s = id.trim().toLowerCase();
  return s.length > 1 && s.endsWith("/") ? s.slice(0, -1) : s;
}

/** A role assignment scope in the words of the portal: the vault's name, "resource group rg-x", … */
export function scopeWords(scope: string, vaultResourceId: string, vaultName: string): string {
  const s = normalizeId(scope);
  if (s === "/" || s === "") return "the root scope";
  if (s === normalizeId(vaultResourceId)) return vaultName;
  const mg = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)$/.exec(s);
  if (mg) return `management group ${mg[1]}`;
  const rg = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)$/.exec(s);
  if (rg) return `resource group ${rg[1]}`;
  const sub = /^\/subscriptions\/([^/]+)$/.exec(s);
  if (sub) return `subscription ${sub[1]}`;
  return lastSegment(s);
}

/** Built-in Key Vault data roles by definition GUID (the same in every subscription). */
const BUILT_IN_ROLES: Record<string, string> = {
  "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
  "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
  "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
  "12338af0-0e69-4776-bea7-57ae8d297424": "Key Vault Crypto User",
  "14b46e9e-c2b7-41b4-b07b-48a6ebf60603": "Key Vault Crypto Officer",
  "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba": "Key Vault Certificate User",
  "21090545-7ca7-4776-b22c-e363652d74d2": "Key Vault Reader",
};

/** "role assignment Key Vault Secrets User", or "role assignment (role 1234abcd)" for other roles. */
export function roleAssignmentWords(roleDefinitionId: string): string {
  if (!roleDefinitionId) return "role assignment";
  const guid = lastSegment(roleDefinitionId).toLowerCase();
  const name = BUILT_IN_ROLES[guid];
  return name ? `role assignment ${name}` : `role assignment (role ${guid.slice(0, 8)})`;
}

/** The caller as on-call knows it: the identity's name when the logs carry its resource ID. */
export function callerWords(caller: { objectId: string; resourceId: string }): string {
  if (caller.resourceId) return lastSegment(caller.resourceId);
  if (caller.objectId) return `principal ${caller.objectId}`;
  return "calls without a token";
}

/** "the first 403" / "the first 401" / "the first failure". */
export function onsetWords(unauthorized: number, forbidden: number): string {
  if (unauthorized + forbidden === 0) return "the first failure";
  return unauthorized > forbidden ? "the first 401" : "the first 403";
}

/** "3 minutes before the first 403", or "in the same log bin as …" when the bin starts earlier. */
export function beforeOnset(changeAt: Date, onsetAt: Date, onset: string): string {
  const m = minutesFrom(changeAt, onsetAt);
  return m >= 1 ? `${plural(m, "minute")} before ${onset}` : `in the same log bin as ${onset}`;
}
