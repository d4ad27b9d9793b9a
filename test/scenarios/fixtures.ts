import type { ScenarioFileV1Input } from "../../tools/scenario/format-v1.js";
import type { RecordEntryInput, RecordTemplateInput, ScenarioV2Input } from "../../tools/scenario/format-v2.js";
import { parseScenario, ScenarioError, type ScenarioWorld } from "../../tools/scenario/load.js";

/** Names for small scenarios written in the format tests: one vault, one user-assigned identity. */
export const SUB = "4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61";
export const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-orders-prod/providers/Microsoft.KeyVault/vaults/kv-orders-prod`;
export const ORDERS = {
  objectId: "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93",
  clientId: "c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14",
  resourceId: `/subscriptions/${SUB}/resourcegroups/rg-orders-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-func-orders`,
};

const DAY = Date.UTC(2026, 2, 2);
const MINUTE = 60_000;

/** `hh:mm` on the scenario's day, as ISO 8601. */
export function at(hhmm: string): string {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return new Date(DAY + (h * 60 + m) * MINUTE).toISOString();
}
export const ms = (hhmm: string) => Date.parse(at(hhmm));

/** The orders identity's reads of kv-orders-prod, as a template. */
export const ORDERS_GET: RecordTemplateInput = {
  kind: "kv-audit",
  table: "AzureDiagnostics",
  vaultResourceId: VAULT,
  callerObjectId: ORDERS.objectId,
  callerAppId: ORDERS.clientId,
  callerResourceId: ORDERS.resourceId,
  operation: "SecretGet",
};

/** A v2 scenario from 01:00 to 02:00 with the given records (and the orders template). */
export function v2(records: RecordEntryInput[], extra: Partial<ScenarioV2Input> = {}): ScenarioV2Input {
  return {
    format: "vaultwatch/scenario/v2",
    name: "format-test",
    start: at("01:00"),
    end: at("02:00"),
    workspace: { ingestion: 3 },
    templates: { orders: ORDERS_GET },
    records,
    ...extra,
  };
}

/** A v1 scenario from 01:00 to 02:00 with the given timeline (and an `orders` kv-requests series). */
export function v1(
  timeline: ScenarioFileV1Input["timeline"],
  extra: Partial<ScenarioFileV1Input> = {},
): ScenarioFileV1Input {
  return {
    format: "vaultwatch/scenario/v1",
    name: "conversion-test",
    start: at("01:00"),
    end: at("02:00"),
    series: {
      orders: {
        signal: "kv-requests",
        dims: {
          vaultResourceId: VAULT.toLowerCase(),
          callerObjectId: ORDERS.objectId,
          callerAppId: ORDERS.clientId,
          callerResourceId: ORDERS.resourceId,
          source: "AzureDiagnostics",
          operation: "SecretGet",
        },
      },
    },
    timeline,
    ...extra,
  };
}

export const load = (s: unknown) => parseScenario(JSON.stringify(s), "case.json").world;

/** The problems parseScenario reports for a scenario; [] when it loads. */
export function problemsOf(s: unknown): string[] {
  try {
    parseScenario(JSON.stringify(s), "case.json");
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  return [];
}

export interface StoredRecord {
  record: Record<string, unknown>;
  count: number;
  ingestedAt: number;
}

/** Every record of a table, with its multiplicity and ingestion time. */
export function recordsOf(world: ScenarioWorld, table: string): StoredRecord[] {
  return [
    ...world.logs.records(table, { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY }),
  ] as StoredRecord[];
}

/** How the kv-requests query would classify an AzureDiagnostics Key Vault record: status, and for a 403 what denied it. */
export function kvClassOf(r: Record<string, unknown>): string {
  const status = Number(r.httpStatusCode_d ?? r.HttpStatusCode);
  if (status !== 403) return String(status);
  if (r.isAddressAuthorized_b === false || r.IsAddressAuthorized === false) return "403 firewall";
  if (r.isRbacAuthorized_b === false || r.IsRbacAuthorized === false) return "403 rbac";
  if (r.isAccessPolicyMatch_b === false || r.IsAccessPolicyMatch === false) return "403 policy";
  return "403 other";
}

/** Multiplicities summed per key. */
export function tally<T>(items: readonly T[], key: (t: T) => string, count: (t: T) => number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + count(i);
  return out;
}
