import { beforeEach, describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { randomBytes } from "node:crypto";
import { createVaultSnapshotStore } from "../../src/adapters/arm/snapshot-store.js";
import type { SnapshotStore } from "../../src/core/controlplane/ports.js";
import { aVaultSnapshot, at, policy, VAULT, vaultConfig } from "./fixtures.js";

let table: TableClient;
let store: SnapshotStore;
beforeEach(() => {
  table = TableClient.fromConnectionString(
    inject("tableConnectionString"),
    `s${randomBytes(5).toString("hex")}Snapshots`,
    { allowInsecureConnection: true },
  );
  store = createVaultSnapshotStore(table);
});

const snapshot = aVaultSnapshot;

describe("vault snapshots on Azure Tables (Azurite)", () => {
  it("round-trips a snapshot with its configuration and the changes still being reported", async () => {
    await store.save(snapshot(), undefined);
    const { snapshots, unreadable } = await store.loadAll();
    expect(unreadable).toEqual([]);
    expect(snapshots.get(VAULT)?.value).toEqual(snapshot());
    expect(snapshots.get(VAULT)?.etag).toBeTruthy();
  });

  it("lets only one of two runs create a vault's first snapshot", async () => {
    const results = await Promise.all([
      store.save(snapshot(), undefined),
      store.save(snapshot({ takenAt: at(6) }), undefined),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["conflict", "saved"]);
  });

  it("refuses a write based on a stale read, so another run's newer snapshot is never overwritten", async () => {
    const created = await store.save(snapshot(), undefined);
    if (created.status !== "saved") throw new Error("create failed");
    expect((await store.save(snapshot({ takenAt: at(10) }), created.etag)).status).toBe("saved");
    expect(await store.save(snapshot({ takenAt: at(11) }), created.etag)).toEqual({ status: "conflict" });
    expect((await store.loadAll()).snapshots.get(VAULT)?.value.takenAt).toEqual(at(10));
  });

  it("keeps a vault with hundreds of access policies, beyond what one table property holds", async () => {
    const many = Array.from({ length: 600 }, (_, i) =>
      policy({
        objectId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        secrets: ["get", "list"],
        keys: ["get"],
      }),
    );
    const big = snapshot({ config: vaultConfig({ permissionModel: "access-policies", accessPolicies: many }) });
    expect(JSON.stringify(big.config).length).toBeGreaterThan(64_000);
    await store.save(big, undefined);
    expect((await store.loadAll()).snapshots.get(VAULT)?.value).toEqual(big);
  });

  it("reports a row it cannot read, so that vault starts a new baseline instead of failing the tick", async () => {
    await store.save(snapshot(), undefined);
    await table.createEntity({
      partitionKey: "vault",
      rowKey: "garbled",
      vaultResourceId: "x",
      configParts: 1,
      config0: "{not json",
      recentChanges: "[]",
      takenAt: at(1),
    });
    const { snapshots, unreadable } = await store.loadAll();
    expect([...snapshots.keys()]).toEqual([VAULT]);
    expect(unreadable).toEqual(["vault/garbled"]);
  });
});
