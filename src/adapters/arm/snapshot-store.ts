import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { SnapshotStore, StoredSnapshot } from "../../core/controlplane/ports.js";
import type { VaultSnapshot } from "../../core/controlplane/drift.js";
import { safeJson } from "../json.js";
import { ensureTables } from "../ensure-tables.js";
import { conditionalWrite } from "../conditional-write.js";

/**
 * Vault snapshots in Azure Tables, one row per vault, written only with the ETag read (or created
 * when there was none), as the incident store does (docs/adr/0003). PartitionKey "vault",
 * RowKey = 32 hex digits of SHA-256 over the lower-case vault ID (IDs hold "/", which keys may
 * not). A string property holds at most 64 KiB (32K UTF-16 characters), so the configuration's
 * JSON is split over config0..configN.
 */
const PARTITION = "vault";
const CHUNK = 30_000;

export function createVaultSnapshotStore(table: TableClient): SnapshotStore {
  const ensure = ensureTables(table);
  return {
    async loadAll() {
      await ensure();
      const snapshots = new Map<string, StoredSnapshot>();
      const unreadable: string[] = [];
      for await (const e of table.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${PARTITION}` },
      })) {
        const value = fromEntity(e);
        if (value) snapshots.set(value.vaultResourceId, { value, etag: e.etag });
        else unreadable.push(`${e.partitionKey}/${e.rowKey}`);
      }
      return { snapshots, unreadable };
    },

    async save(s, etag) {
      await ensure();
      return conditionalWrite(table, toEntity(s), etag);
    },
  };
}

export function snapshotRowKey(vaultId: string): string {
  return createHash("sha256").update(vaultId.toLowerCase()).digest("hex").slice(0, 32);
}

function toEntity(s: VaultSnapshot) {
  const json = JSON.stringify(s.config);
  const chunks: Record<string, string> = {};
  for (let i = 0, n = 0; i < json.length; i += CHUNK, n++) chunks[`config${n}`] = json.slice(i, i + CHUNK);
  return {
    partitionKey: PARTITION,
    rowKey: snapshotRowKey(s.vaultResourceId),
    vaultResourceId: s.vaultResourceId,
    takenAt: s.takenAt,
    configParts: Object.keys(chunks).length,
    ...chunks,
    recentChanges: JSON.stringify(s.recentChanges),
  };
}

const isoDate = z.iso.datetime().transform((d) => new Date(d));
const Policy = z.object({
  objectId: z.string(),
  applicationId: z.string().optional(),
  secrets: z.array(z.string()),
  keys: z.array(z.string()),
  certificates: z.array(z.string()),
  storage: z.array(z.string()),
});
const Config = z.object({
  permissionModel: z.enum(["rbac", "access-policies"]),
  publicNetworkAccess: z.string(),
  networkDefaultAction: z.string(),
  networkBypass: z.string(),
  ipRules: z.array(z.string()),
  virtualNetworkRules: z.array(z.string()),
  softDelete: z.boolean(),
  softDeleteRetentionDays: z.number().optional(),
  purgeProtection: z.boolean(),
  accessPolicies: z.array(Policy),
});
const Changes = z.array(
  z.object({
    aspect: z.enum(["permission-model", "network", "access-policies", "recovery"]),
    field: z.string(),
    before: z.string(),
    after: z.string(),
    detectedAt: isoDate,
    since: isoDate,
  }),
);
const Entity = z.object({
  vaultResourceId: z.string(),
  takenAt: z.date(),
  configParts: z.number().int().min(1),
  recentChanges: z.string(),
});

function fromEntity(e: TableEntityResult<Record<string, unknown>>): VaultSnapshot | undefined {
  const row = Entity.safeParse(e);
  if (!row.success) return undefined;
  const parts = Array.from({ length: row.data.configParts }, (_, n) => e[`config${n}`]);
  if (parts.some((p) => typeof p !== "string")) return undefined;
  const config = Config.safeParse(safeJson(parts.join("")));
  const changes = Changes.safeParse(safeJson(row.data.recentChanges));
  if (!config.success || !changes.success) return undefined;
  return {
    vaultResourceId: row.data.vaultResourceId,
    takenAt: row.data.takenAt,
    config: {
      ...config.data,
      softDeleteRetentionDays: config.data.softDeleteRetentionDays,
      accessPolicies: config.data.accessPolicies.map((p) => ({ ...p, applicationId: p.applicationId })),
    },
    recentChanges: changes.data,
  };
}
