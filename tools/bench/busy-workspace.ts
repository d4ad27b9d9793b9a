import { DETECTED_TABLES } from "../../src/core/queries/signals-query.js";
import { LogStore } from "../emulator/store.js";
import { activityRecords, type ControlPlaneChange } from "../emulator/records/activity.js";
import { RESOURCE_GROUP, SUBSCRIPTION_ID } from "../emulator/records/environment.js";
import { guidOf, intOf, unitOf } from "../emulator/records/hash.js";
import { azureDiagnosticsAudit, kvChallenge, type KvAuditEvent } from "../emulator/records/key-vault.js";
import { otherDiagnostics, type OtherResourceKind } from "../emulator/records/other-resources.js";
import type { RawRecord } from "../emulator/records/raw-record.js";
import { armId } from "../emulator/records/resource-id.js";

/**
 * A busy workspace for the emulator's throughput figures: many managed identities reading secrets
 * from a few shared vaults for days, in the shape a real workspace holds them. Every record comes
 * from the emulator's record builders (tools/emulator/records/); all of it is determined by the
 * size, so two runs hold the same records.
 *
 * - Key Vault AuditEvents in AzureDiagnostics: one record per caller every `everyMinutes`, with a
 *   multiplicity of 5–50 requests per minute it stands for; about 1 % of those slots add a 403
 *   (RBAC) and 0.5 % a 429, so the failure legs have something to count.
 * - The Key Vault SDK's token-less challenges (401, operation Authentication) each caller's client
 *   sends when it fetches a token, every 30 minutes.
 * - Other services that share AzureDiagnostics with Key Vault (SQL auditing, Application Gateway,
 *   Service Bus) every 5 minutes each: rows every Key Vault leg has to read past.
 * - AzureActivity Start/Success pairs of a control-plane change every 30 minutes.
 * The other tables the monitor detects are declared without records, so every leg is planned.
 */
export interface BusySize {
  callers: number;
  vaults: number;
  days: number;
  /** Minutes between one caller's audit records. */
  everyMinutes: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A challenge per client per token fetch: a managed identity's token is cached, clients come and go. */
const CHALLENGE_MINUTES = 30;
const OTHER_MINUTES = 5;
const CHANGE_MINUTES = 30;
const OTHER: readonly OtherResourceKind[] = ["sql", "appgw", "servicebus"];
/** Distinct variants of each other service's row (statement, path, event): a handful repeat all day. */
const OTHER_VARIANTS = 8;

export interface BusyWorkspace {
  store: LogStore;
  /** Rows added, and the records they stand for (with multiplicity). */
  rows: number;
  records: number;
  start: Date;
  end: Date;
}

const vaultId = (v: number) => armId(SUBSCRIPTION_ID, RESOURCE_GROUP, "Microsoft.KeyVault", "vaults", `kv-busy-${v}`);

function caller(i: number, vaults: number): Omit<KvAuditEvent, "at" | "status"> {
  return {
    vaultResourceId: vaultId(i % vaults),
    callerObjectId: guidOf("busy-caller", i, "oid"),
    callerAppId: guidOf("busy-caller", i, "appid"),
    callerResourceId: armId(
      SUBSCRIPTION_ID,
      RESOURCE_GROUP,
      "Microsoft.ManagedIdentity",
      "userAssignedIdentities",
      `id-busy-${i}`,
    ),
    // One caller in five unwraps a key instead of reading a secret: a second operation per vault.
    operation: i % 5 === 4 ? "KeyUnwrap" : "SecretGet",
  };
}

/**
 * Builds the store. Each distinct record (a caller's 200, 403 or 429; a vault's challenge; a
 * service's row variant) is built once by its builder and re-timed for every repetition: the
 * builders' hashing costs some 70 µs a record, which would dominate the run, and the records a
 * query reads differ from real ones only in their correlation IDs and durations.
 */
export function buildBusyWorkspace(size: BusySize, end: Date): BusyWorkspace {
  const store = new LogStore();
  const start = new Date(end.getTime() - size.days * DAY);
  let rows = 0;
  let records = 0;
  const add = (table: string, template: RawRecord, at: number, count: number) => {
    store.add(table, { ...template, TimeGenerated: new Date(at).toISOString() }, { count });
    rows++;
    records += count;
  };

  const audit = (i: number, status: number) =>
    azureDiagnosticsAudit({
      ...caller(i, size.vaults),
      at: start,
      status,
      ...(status === 403 ? { denial: "rbac" as const } : {}),
    });
  for (let i = 0; i < size.callers; i++) {
    const ok = audit(i, 200);
    const denied = audit(i, 403);
    const throttled = audit(i, 429);
    const challenge = kvChallenge(start, caller(i, size.vaults).vaultResourceId, "AzureDiagnostics");
    for (let at = start.getTime(); at < end.getTime(); at += size.everyMinutes * MINUTE) {
      const slot = at / MINUTE;
      add("AzureDiagnostics", ok, at, size.everyMinutes * intOf(5, 50, "busy-requests", i, slot));
      const u = unitOf("busy-failures", i, slot);
      if (u < 0.01) add("AzureDiagnostics", denied, at + 7_000, intOf(1, 10, "busy-403", i, slot));
      else if (u < 0.015) add("AzureDiagnostics", throttled, at + 11_000, intOf(1, 20, "busy-429", i, slot));
    }
    for (let at = start.getTime(); at < end.getTime(); at += CHALLENGE_MINUTES * MINUTE)
      add("AzureDiagnostics", challenge, at + (i % 60) * 1_000, 1);
  }

  for (const kind of OTHER) {
    const variants = Array.from({ length: OTHER_VARIANTS }, (_, seq) => otherDiagnostics(start, kind, seq));
    for (let at = start.getTime(), n = 0; at < end.getTime(); at += OTHER_MINUTES * MINUTE, n++)
      add("AzureDiagnostics", variants[n % OTHER_VARIANTS]!, at, intOf(50, 500, "busy-other", kind, n));
  }

  // Activity records carry their own Start and Success times: built per change, not re-timed.
  for (let at = start.getTime(), n = 0; at < end.getTime(); at += CHANGE_MINUTES * MINUTE, n++)
    for (const record of activityRecords(changeOf(n, new Date(at), size))) {
      store.add("AzureActivity", record);
      rows++;
      records++;
    }

  for (const table of DETECTED_TABLES) store.declare(table);
  return { store, rows, records, start, end };
}

/** The n-th control-plane change: role assignments granted and removed, vault settings written, other writes. */
function changeOf(n: number, at: Date, size: BusySize): ControlPlaneChange {
  const i = n % size.callers;
  const who = caller(i, size.vaults);
  const admin = "deploy-pipeline@contoso.com";
  switch (n % 4) {
    case 0:
      return {
        at,
        operation: "Microsoft.Authorization/roleAssignments/write",
        scope: who.vaultResourceId,
        principalId: who.callerObjectId,
        caller: admin,
      };
    case 1:
      return {
        at,
        operation: "Microsoft.Authorization/roleAssignments/delete",
        scope: who.vaultResourceId,
        principalId: who.callerObjectId,
        caller: admin,
      };
    case 2:
      return { at, operation: "Microsoft.KeyVault/vaults/write", scope: who.vaultResourceId, caller: admin };
    default:
      return {
        at,
        operation: "Microsoft.Storage/storageAccounts/write",
        scope: armId(SUBSCRIPTION_ID, RESOURCE_GROUP, "Microsoft.Storage", "storageAccounts", `stbusy${n % 7}`),
        caller: admin,
      };
  }
}
