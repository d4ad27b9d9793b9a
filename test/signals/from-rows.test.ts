import { describe, expect, it } from "vitest";
import { mapSignalRows } from "../../src/core/signals/from-rows.js";
import { LEG_COLUMNS } from "../../src/core/queries/signals/leg.js";

const columns = LEG_COLUMNS.map(([n]) => n);
const dims = {
  vaultResourceId: "/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv",
  callerObjectId: "o",
  callerAppId: "a",
  callerResourceId: "",
  source: "AzureDiagnostics",
};
const row = (signal: string, counts: object, extra: object = {}) => [
  signal,
  "data",
  new Date("2026-11-20T01:00:00Z"),
  { ...dims, ...extra },
  counts,
  "",
  null,
  null,
];

describe("rows whose counts contradict themselves", () => {
  it("are counted as malformed with the reason, never learned from or judged", () => {
    const mapped = mapSignalRows({
      columns,
      rows: [
        row("kv-history", { denied: 50, throttled: 0, total: 10 }),
        row("kv-history", { denied: 1, throttled: 0, total: 10 }),
        row(
          "kv-requests",
          {
            total: 5,
            succeeded: 5,
            unauthorized: 3,
            forbiddenRbac: 0,
            forbiddenPolicy: 0,
            forbiddenFirewall: 0,
            forbiddenOther: 0,
            throttled: 0,
            other: 0,
          },
          { operation: "SecretGet" },
        ),
      ],
    });
    expect(mapped.rows["kv-history"]).toHaveLength(1);
    expect(mapped.malformed["kv-history"]).toEqual({
      count: 1,
      first: "row 0: counts denied and throttled add up to more than total",
    });
    expect(mapped.malformed["kv-requests"]).toEqual({
      count: 1,
      first: "row 2: counts the status counts add up to more than total",
    });
  });
});
