import { describe, expect, it } from "vitest";
import { mapSignalRows } from "../../src/core/signals/from-rows.js";
import { LEG_COLUMNS } from "../../src/core/queries/signals/leg.js";
import { ANSWER_COLUMNS } from "../../src/core/signals/answer-columns.js";
import { coverageDisagreement } from "../../src/core/signals/answer-trust.js";

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

describe("answers whose columns are not the legs'", () => {
  const counts = {
    total: 5,
    succeeded: 5,
    unauthorized: 0,
    forbiddenRbac: 0,
    forbiddenPolicy: 0,
    forbiddenFirewall: 0,
    forbiddenOther: 0,
    throttled: 0,
    other: 0,
  };
  const types = LEG_COLUMNS.map(([, t]) => t as string);
  const good = () => row("kv-requests", counts, { operation: "SecretGet" });

  it("are kept in step with the query's projection", () => {
    expect(ANSWER_COLUMNS).toEqual(LEG_COLUMNS);
  });

  it("are refused whole, naming the column and what was expected", () => {
    const renamed = mapSignalRows({ columns: columns.map((c) => (c === "Counts" ? "Count" : c)), rows: [good()] });
    expect(renamed.schema).toBe(
      'the answer\'s columns cannot be read: no column "Counts" (expected dynamic) (it has Signal, RowKind, BinStart, Dims, Count, Sample, FirstAt, LastAt)',
    );
    expect(renamed.rows["kv-requests"]).toEqual([]);
    const retyped = mapSignalRows({ columns, types: types.map((t, i) => (i === 4 ? "string" : t)), rows: [good()] });
    expect(retyped.schema).toContain('column "Counts" is string, expected dynamic');
    expect(mapSignalRows({ columns, rows: {} as unknown as unknown[][] }).schema).toBe(
      "the answer's rows are not a list (got {})",
    );
  });

  it("count a row naming no known signal, a short row and an unknown row kind, each named", () => {
    const mapped = mapSignalRows({
      columns,
      types,
      rows: [
        good(),
        ["kv-request", ...good().slice(1)],
        good().slice(0, 5),
        ["kv-requests", "datum", ...good().slice(2)],
      ],
    });
    expect(mapped.schema).toBeUndefined();
    expect(mapped.rows["kv-requests"]).toHaveLength(1);
    expect(mapped.unknown).toEqual({ count: 1, first: 'row 1: Signal "kv-request" is no signal vaultwatch asks for' });
    expect(mapped.malformed["kv-requests"]).toEqual({ count: 2, first: "row 2: has 5 values for 8 columns" });
  });
});

describe("Key Vault rows that do not add up to their coverage row", () => {
  const kv = (total: number) => ({
    binStart: new Date("2026-11-20T01:00:00Z"),
    dims: { ...dims, source: "AzureDiagnostics" as const, operation: "SecretGet" },
    counts: { ...ZERO, total, forbiddenRbac: total },
  });
  const ZERO = {
    total: 0,
    succeeded: 0,
    unauthorized: 0,
    forbiddenRbac: 0,
    forbiddenPolicy: 0,
    forbiddenFirewall: 0,
    forbiddenOther: 0,
    throttled: 0,
    other: 0,
  };

  it("are untrusted: events counted with no rows, or rows that sum to less", () => {
    expect(coverageDisagreement("kv-requests", [], { AzureDiagnostics: 150 })).toBe(
      "the answer does not add up: the coverage row counted 150 events in AzureDiagnostics but the answer has no rows for them",
    );
    expect(coverageDisagreement("kv-requests", [kv(100)], { AzureDiagnostics: 150 })).toBe(
      "the answer does not add up: the coverage row counted 150 events in AzureDiagnostics but its rows add up to 100",
    );
    expect(coverageDisagreement("kv-requests", [kv(100), kv(50)], { AzureDiagnostics: 150 })).toBeUndefined();
    // Signals whose rows need not split every counted event are not judged this way.
    expect(coverageDisagreement("changes", [], { AzureActivity: 3 })).toBeUndefined();
  });
});
